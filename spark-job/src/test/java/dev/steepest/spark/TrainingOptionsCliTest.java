package dev.steepest.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steepest.spark.cli.ExitCode;
import dev.steepest.spark.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Clipping, L1, reduce-on-plateau and averaging end to end: config in, outputs checked. */
class TrainingOptionsCliTest {
    @TempDir
    Path tmp;

    private int cli(Path out, String... sets) {
        List<String> args = new ArrayList<>(List.of("train", "--config", "-", "--out", out.toString()));
        args.set(2, conf().toString());
        for (String s : sets) {
            args.add("--set");
            args.add(s);
        }
        return Main.run(args.toArray(new String[0]), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()));
    }

    private Path conf() {
        Path p = tmp.resolve("linear.conf");
        try {
            Files.writeString(p, String.join("\n",
                    "data.train = \"" + SparkTestSupport.sample("linear.csv") + "\"",
                    "data.label = y",
                    "model.type = linear",
                    "optimizer { name = sgd, lr = 0.1 }",
                    "train { batch-size = full, epochs = 200, progress-seconds = 1000 }",
                    "spark.master = \"local[2]\"",
                    "spark.ui.enabled = false"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return p;
    }

    private static List<JsonNode> steps(Path out) throws IOException {
        List<JsonNode> s = new ArrayList<>();
        for (String l : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            JsonNode n = new ObjectMapper().readTree(l);
            if (n.get("kind").asText().equals("step")) s.add(n);
        }
        return s;
    }

    private static double[] coefficients(Path out) throws IOException {
        JsonNode c = new ObjectMapper().readTree(out.resolve("model.json").toFile()).get("coefficients").get(0);
        double[] w = new double[c.size()];
        for (int i = 0; i < w.length; i++) w[i] = c.get(i).asDouble();
        return w;
    }

    @Test
    void l1GivesExactZerosWhereTheTruthIsZero() throws IOException {
        Path out = tmp.resolve("l1");
        assertEquals(ExitCode.OK, cli(out, "regularization.l1=0.05"));
        double[] w = coefficients(out);
        // truth: 1.5, -2, 0.5, 0, 3 (data-samples/README.md); the l1 prox zeroes x3 exactly and shrinks the rest
        assertEquals(0.0, w[3], 0.0);
        assertTrue(w[4] > 2.5 && w[4] < 3.0 && w[2] > 0.3 && w[2] < 0.5, java.util.Arrays.toString(w));
    }

    @Test
    void clippingLogsThePreClipNormAndSlowsTheSteps() throws IOException {
        Path plain = tmp.resolve("plain");
        Path clipped = tmp.resolve("clipped");
        assertEquals(ExitCode.OK, cli(plain, "train.epochs=3"));
        assertEquals(ExitCode.OK, cli(clipped, "train.epochs=3", "clip.norm=0.5"));
        List<JsonNode> a = steps(plain);
        List<JsonNode> b = steps(clipped);
        assertEquals(a.get(0).get("gradient_norm").asDouble(), b.get(0).get("gradient_norm").asDouble(), 0.0);
        assertTrue(a.get(0).get("gradient_norm").asDouble() > 0.5);
        // the clipped first step is shorter, so the second step starts from a higher loss
        assertTrue(b.get(1).get("loss").asDouble() > a.get(1).get("loss").asDouble());
    }

    @Test
    void plateauCutsTheRateAndAveragingRuns() throws IOException {
        Path out = tmp.resolve("plateau");
        assertEquals(ExitCode.OK, cli(out, "train.batch-size=10", "train.epochs=12", "optimizer.lr=0.05",
                "schedule.name=plateau", "schedule.patience=1", "schedule.factor=0.5", "schedule.threshold=0.05",
                "train.averaging=polyak", "train.averaging-start-epoch=6"));
        List<JsonNode> s = steps(out);
        double first = s.get(0).get("lr").asDouble();
        double last = s.get(s.size() - 1).get("lr").asDouble();
        assertEquals(0.05, first, 0.0);
        assertTrue(last < first, "the rate was cut: " + last);
        double ratio = Math.log(last / first) / Math.log(0.5);
        assertEquals(Math.rint(ratio), ratio, 1e-9, "cut by whole powers of the factor");
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertTrue(summary.get("final_train_loss").asDouble() < 0.01, summary.toString());
    }
}
