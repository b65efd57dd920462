package dev.steepest.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steepest.spark.cli.ExitCode;
import dev.steepest.spark.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train.line-search = armijo} through the command line: at a rate where plain full-batch GD diverges, the
 * search's accepted steps, read back from {@code metrics.jsonl}, satisfy the Armijo condition at every iteration
 * and the run converges; the settings it does not take are one-line input errors.
 */
class LineSearchCliTest {
    private static final double C1 = 0.01;

    @TempDir
    Path tmp;

    private record Run(int code, String err) {
    }

    private Run run(Path out, String... extra) throws IOException {
        Path conf = tmp.resolve("job.conf");
        Files.writeString(conf, String.join("\n",
                "data.train = \"" + SparkTestSupport.sample("linear.csv") + "\"",
                "data.label = y",
                "model.type = linear",
                "regularization.l2 = 0.01",
                "optimizer { name = sgd, lr = 50 }",
                "train { batch-size = full, max-iterations = 300, tolerance.gradient-norm = 1e-6 }",
                "spark.master = \"local[2]\"",
                "spark.ui.enabled = false") + "\n" + String.join("\n", extra));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"train", "--config", conf.toString(), "--out", out.toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, err.toString(StandardCharsets.UTF_8));
    }

    private static List<JsonNode> steps(Path out) throws IOException {
        List<JsonNode> s = new ArrayList<>();
        for (String l : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            JsonNode n = new ObjectMapper().readTree(l);
            if (n.get("kind").asText().equals("step")) s.add(n);
        }
        return s;
    }

    @Test
    void armijoConvergesAtARateWherePlainGdDivergesAndEveryStepSatisfiesTheCondition() throws IOException {
        Run fixed = run(tmp.resolve("fixed"));
        assertEquals(ExitCode.DIVERGED, fixed.code(), "plain GD at lr 50: " + fixed.err());

        Path out = tmp.resolve("armijo");
        Run r = run(out, "train.line-search = armijo", "train.armijo { c1 = " + C1 + ", shrink = 0.3 }");
        assertEquals(ExitCode.OK, r.code(), r.err());
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals("gradient-norm", summary.get("stop_reason").asText());
        List<JsonNode> steps = steps(out);
        assertEquals(summary.get("iterations").asLong(), steps.size());
        boolean backtracked = false;
        for (int k = 0; k < steps.size(); k++) {
            JsonNode s = steps.get(k);
            double f0 = s.get("loss").asDouble();
            double f1 = s.get("loss_after").asDouble();
            double t = s.get("lr").asDouble();
            double g = s.get("gradient_norm").asDouble();
            int trials = s.get("line_search_trials").asInt();
            assertTrue(f1 <= f0 - C1 * t * g * g, "Armijo at step " + (k + 1) + ": " + s);
            assertEquals(50 * Math.pow(0.3, trials - 1), t, 1e-12 * t, "t = lr * shrink^(trials - 1): " + s);
            if (trials > 1) backtracked = true;
            if (k + 1 < steps.size()) {
                assertEquals(f1, steps.get(k + 1).get("loss").asDouble(), 1e-12 * f1, "the next step starts there");
            }
        }
        assertTrue(backtracked, "lr 50 was backtracked");
        assertTrue(steps.get(steps.size() - 1).get("gradient_norm").asDouble() <= 1e-6);
    }

    private void assertRejected(String expected, String... extra) throws IOException {
        Path out = tmp.resolve("rejected");
        Run r = run(out, extra);
        assertEquals(ExitCode.INPUT, r.code(), r.err());
        String line = r.err().strip().lines().filter(l -> !l.startsWith("WARNING:")).findFirst().orElse("");
        assertTrue(line.contains(expected), "'" + expected + "' in: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace");
        assertFalse(Files.exists(out.resolve("model.json")));
    }

    @Test
    void settingsArmijoDoesNotTakeExit2NamingTheKey() throws IOException {
        assertRejected("train.line-search: armijo needs train.batch-size = full", "train.line-search = armijo",
                "train.batch-size = 64");
        assertRejected("train.line-search: armijo is for gradient descent", "train.line-search = armijo",
                "optimizer.name = adam");
        assertRejected("train.line-search: armijo is for gradient descent", "train.line-search = armijo",
                "optimizer.name = momentum");
        assertRejected("regularization.l1: not with train.line-search = armijo", "train.line-search = armijo",
                "regularization.l1 = 0.1");
        assertRejected("clip.norm: not with train.line-search = armijo", "train.line-search = armijo",
                "clip.norm = 1");
        assertRejected("train.armijo.c1: only applies with train.line-search = armijo", "train.armijo.c1 = 0.1");
        assertRejected("train.armijo.shrink", "train.line-search = armijo", "train.armijo.shrink = 1.5");
    }
}
