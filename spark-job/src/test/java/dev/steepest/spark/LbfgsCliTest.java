package dev.steepest.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.spark.cli.ExitCode;
import dev.steepest.spark.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code optimizer.name = lbfgs} through the command line: the same outputs as every optimizer (metrics.jsonl step
 * and epoch lines, summary.json with the stop reason, model.json), the stopping keys, and one-line input errors for
 * the settings it does not take.
 */
class LbfgsCliTest {
    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {
    }

    private Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path config(String... extra) throws IOException {
        Path p = tmp.resolve("job.conf");
        Files.writeString(p, String.join("\n",
                "data.train = \"" + SparkTestSupport.sample("logistic.csv") + "\"",
                "model.type = logistic",
                "regularization.l2 = 0.01",
                "optimizer.name = lbfgs",
                "train { batch-size = full, max-iterations = 200, tolerance.gradient-norm = 1e-9 }",
                "spark.master = \"local[2]\"",
                "spark.ui.enabled = false") + "\n" + String.join("\n", extra));
        return p;
    }

    private static double number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*([-0-9.eE+]+)").matcher(json);
        assertTrue(m.find(), field + " in " + json);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void lbfgsConvergesToAGradientNormOf1e9InAFewStepsWithTheUsualOutputs() throws IOException {
        Path out = tmp.resolve("run");
        Run r = run("train", "--config", config().toString(), "--out", out.toString());
        assertEquals(ExitCode.OK, r.code(), r.err() + r.out());
        String summary = Files.readString(out.resolve("summary.json"));
        assertTrue(summary.contains("\"stop_reason\" : \"gradient-norm\"")
                || summary.contains("\"stop_reason\": \"gradient-norm\""), summary);
        long iterations = (long) number(summary, "iterations");
        assertTrue(iterations <= 40, iterations + " iterations");
        List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
        List<String> steps = lines.stream().filter(l -> l.contains("\"kind\":\"step\"")
                || l.contains("\"kind\": \"step\"")).toList();
        List<String> epochs = lines.stream().filter(l -> l.contains("\"kind\":\"epoch\"")
                || l.contains("\"kind\": \"epoch\"")).toList();
        assertEquals(iterations, steps.size(), "one step line per iteration");
        assertEquals(iterations, epochs.size(), "a full-batch iteration is an epoch");
        double previous = Double.POSITIVE_INFINITY;
        for (String s : steps) {
            double loss = number(s, "loss");
            assertTrue(loss <= previous * (1 + 1e-14), "the objective never rises: " + loss + " after " + previous);
            previous = loss;
            assertTrue(number(s, "lr") > 0, "the accepted step length: " + s);
            assertTrue(number(s, "rows") >= 2000, "every row at least once: " + s);
        }
        // as for every optimizer, the epoch's gradient is the one at its start: the last is the first below 1e-9
        assertTrue(number(steps.get(steps.size() - 1), "gradient_norm") <= 1e-9);
        assertTrue(number(steps.get(steps.size() - 2), "gradient_norm") > 1e-9);
        assertTrue(Files.readString(out.resolve("model.json")).contains("\"coefficients\""));
    }

    private void assertRejected(String expected, String... extra) throws IOException {
        Path out = tmp.resolve("rejected");
        Run r = run("train", "--config", config(extra).toString(), "--out", out.toString());
        assertEquals(ExitCode.INPUT, r.code(), r.err());
        String line = r.err().strip().lines().filter(l -> !l.startsWith("WARNING:")).findFirst().orElse("");
        assertTrue(line.contains(expected), "'" + expected + "' in: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace");
        assertFalse(Files.exists(out.resolve("model.json")));
    }

    @Test
    void settingsLbfgsDoesNotTakeExit2NamingTheKey() throws IOException {
        assertRejected("train.batch-size: optimizer.name = lbfgs needs train.batch-size = full",
                "train.batch-size = 256");
        assertRejected("optimizer.lr: does not apply to optimizer.name = lbfgs", "optimizer.lr = 0.1");
        assertRejected("schedule.name: does not apply to optimizer.name = lbfgs", "schedule.name = cosine");
        assertRejected("optimizer.momentum: does not apply to optimizer.name = lbfgs", "optimizer.momentum = 0.9");
        assertRejected("lbfgs needs a differentiable loss", "model.type = hinge");
        assertRejected("optimizer.history", "optimizer.history = 0");
    }
}
