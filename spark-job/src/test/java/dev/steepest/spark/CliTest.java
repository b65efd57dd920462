package dev.steepest.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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

/** The command line as users run it: exit codes, one-line errors, and the three output files. */
class CliTest {
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

    private Path config(String text) throws IOException {
        Path p = tmp.resolve("job.conf");
        Files.writeString(p, text);
        return p;
    }

    private static String linearConfig() {
        return String.join("\n",
                "data.train = \"" + SparkTestSupport.sample("linear.csv") + "\"",
                "data.test = \"" + SparkTestSupport.sample("linear-test.csv") + "\"",
                "data.label = y",
                "model.type = linear",
                "optimizer { name = momentum, lr = 0.05 }",
                "train { batch-size = 100, epochs = 5 }",
                "spark.master = \"local[2]\"",
                "spark.ui.enabled = false");
    }

    private static void assertOneLineError(Run r, String... fragments) {
        assertEquals(ExitCode.INPUT, r.code(), r.err());
        List<String> lines = new ArrayList<>(r.err().strip().lines().toList());
        lines.removeIf(l -> l.startsWith("WARNING:"));
        assertEquals(1, lines.size(), "one line: " + r.err());
        assertTrue(lines.get(0).startsWith("steepest: error: "), lines.get(0));
        for (String f : fragments) assertTrue(lines.get(0).contains(f), "'" + f + "' in: " + lines.get(0));
        assertFalse(r.err().contains("\tat "), "no stack trace without --verbose");
    }

    @Test
    void unknownKeyExits2NamingTheKeyAndASuggestion() throws IOException {
        Run r = run("train", "--config", config(linearConfig() + "\ntrain.epoch = 3").toString(),
                "--out", tmp.resolve("out").toString());
        assertOneLineError(r, "unknown config key 'train.epoch'", "did you mean 'train.epochs'");
        assertFalse(Files.exists(tmp.resolve("out")));
    }

    @Test
    void badValuesExit2NamingKeyAndWhatIsAllowed() throws IOException {
        String cfg = config(linearConfig()).toString();
        assertOneLineError(run("train", "--config", cfg, "--set", "optimizer.lr=-1"),
                "optimizer.lr", "'-1'", "> 0");
        assertOneLineError(run("train", "--config", cfg, "--set", "train.batch-size=lots"),
                "train.batch-size", "'full' or a whole number");
        assertOneLineError(run("train", "--config", cfg, "--set", "train.lr-scaling=cubic"),
                "train.lr-scaling", "none, linear, sqrt");
        assertOneLineError(run("train", "--config", cfg, "--set", "optimizer.nesterov=true",
                "--set", "optimizer.momentum=0"), "optimizer.nesterov", "momentum > 0");
        assertOneLineError(run("train", "--config", cfg, "--set", "model.type=tree"), "model.type", "linear, huber, logistic, hinge, softmax");
    }

    @Test
    void speculationAndResidentStepsUnderDynamicAllocationAreRefusedWithOneLineAndExit2() throws IOException {
        String cfg = config(linearConfig()).toString();
        Path out = tmp.resolve("refused");
        assertOneLineError(run("train", "--config", cfg, "--out", out.toString(), "--set", "spark.speculation=true"),
                "spark.speculation = true", "set spark.speculation = false");
        assertOneLineError(run("train", "--config", cfg, "--out", out.toString(),
                "--set", "spark.dynamicAllocation.enabled=true", "--set", "train.step-mode=resident"),
                "train.step-mode = resident", "spark.dynamicAllocation.enabled = true", "auto or jobs");
        assertFalse(Files.exists(out));
    }

    @Test
    void missingFilesAndBadUsageExit2() throws IOException {
        Path missing = tmp.resolve("nope.csv");
        assertOneLineError(run("train", "--config", config(linearConfig()).toString(),
                "--set", "data.train=" + missing), "data.train", "no such file", missing.toString());
        assertOneLineError(run("train", "--config", tmp.resolve("absent.conf").toString()), "--config",
                "absent.conf");
        assertOneLineError(run("fit", "--config", "x.conf"), "unknown sub-command 'fit'");
        Path broken = tmp.resolve("broken.conf");
        Files.writeString(broken, "model.type = linear\noptimizer { lr = \n");
        assertOneLineError(run("train", "--config", broken.toString()), "broken.conf");
    }

    @Test
    void existingOutputIsRefusedAndLeftUntouched() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("previous"));
        Files.writeString(out.resolve("model.json"), "yesterday's model");
        assertOneLineError(run("train", "--config", config(linearConfig()).toString(), "--out", out.toString()),
                "--out", "exists and is not empty", "--overwrite");
        assertEquals("yesterday's model", Files.readString(out.resolve("model.json")));
    }

    @Test
    void trainWritesModelMetricsAndSummaryThenOverwrites() throws IOException {
        Path out = tmp.resolve("run");
        Run r = run("train", "--config", config(linearConfig()).toString(), "--out", out.toString());
        assertEquals(ExitCode.OK, r.code(), r.err());
        assertTrue(r.out().contains("batch 100: lr 0.05 (no scaling)"), r.out());

        ObjectMapper json = new ObjectMapper();
        JsonNode model = json.readTree(out.resolve("model.json").toFile());
        assertEquals("linear", model.get("type").asText());
        assertEquals(1, model.get("coefficients").size());
        assertEquals(5, model.get("coefficients").get(0).size());
        assertEquals(1, model.get("intercepts").size());
        assertEquals("x0", model.get("feature_names").get(0).asText());
        assertTrue(model.get("label_mapping").isNull());
        assertEquals("linear", model.get("config").get("model.type").asText());
        assertEquals("local[2]", model.get("config").get("spark.master").asText());
        assertEquals(0.05, model.get("config").get("optimizer.lr").asDouble());
        // ground truth y = 2 + 1.5 x0 - 2 x1 + 0.5 x2 + 3 x4 (data-samples/README.md)
        assertEquals(3.0, model.get("coefficients").get(0).get(4).asDouble(), 0.1);
        assertEquals(2.0, model.get("intercepts").get(0).asDouble(), 0.1);

        JsonNode summary = json.readTree(out.resolve("summary.json").toFile());
        for (String field : List.of("stop_reason", "iterations", "epochs", "batch_size", "effective_lr",
                "final_train_loss", "test", "wall_seconds", "train_seconds", "samples_per_second", "load_seconds",
                "rows_per_second_loaded")) {
            assertNotNull(summary.get(field), field);
        }
        // loading is part of the command, and what it read is the training and test rows over that time
        double load = summary.get("load_seconds").asDouble();
        assertTrue(load > 0 && load < summary.get("wall_seconds").asDouble(), summary.toString());
        assertTrue(summary.get("rows_per_second_loaded").asDouble() > summary.get("rows").asDouble() / load,
                summary.toString());
        assertEquals("epochs", summary.get("stop_reason").asText());
        assertEquals(50, summary.get("iterations").asLong());
        assertEquals(100, summary.get("batch_size").asLong());
        assertEquals(0.05, summary.get("effective_lr").asDouble(), 0.0);
        assertTrue(summary.get("test").get("rmse").asDouble() < 0.5, summary.toString());
        assertTrue(summary.get("blas").asText().startsWith("dev.ludovic.netlib.blas."), summary.toString());
        // local[2], two partitions: the default step mode takes resident tasks, and says so
        assertEquals("resident", summary.get("step_mode").asText(), summary.toString());
        assertTrue(r.out().contains("steps: resident tasks streamed by the driver in memory"), r.out());
        assertTrue(r.out().contains("2 partitions on 2 tasks: 0 on executor driver, 1 on executor driver"), r.out());
        assertEquals("2 partitions on 2 tasks: 0 on executor driver, 1 on executor driver",
                summary.get("resident_layout").asText());

        List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
        List<JsonNode> steps = new ArrayList<>();
        for (String l : lines) {
            JsonNode n = json.readTree(l);
            if (n.get("kind").asText().equals("step")) steps.add(n);
        }
        assertEquals(50, steps.size());
        JsonNode first = steps.get(0);
        for (String field : List.of("iteration", "epoch", "loss", "lr", "gradient_norm", "elapsed_seconds")) {
            assertNotNull(first.get(field), field);
        }
        assertEquals(0.05, first.get("lr").asDouble(), 0.0);
        assertEquals(1, first.get("iteration").asLong());
        // per-group norms (coefficients, intercepts; per layer for networks) compose to the total
        JsonNode groups = first.get("group_gradient_norms");
        double squares = groups.get("coefficients").asDouble() * groups.get("coefficients").asDouble()
                + groups.get("intercepts").asDouble() * groups.get("intercepts").asDouble();
        assertEquals(first.get("gradient_norm").asDouble(), Math.sqrt(squares), 1e-12);
        assertEquals(1, first.get("epoch").asLong());

        // no leftovers next to the output, and --overwrite replaces it
        try (var s = Files.list(tmp)) {
            assertEquals(List.of("job.conf", "run"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        // --overwrite replaces it; the scaling rule and warmup show in the output line and the step rates
        Run again = run("train", "--config", config(linearConfig()).toString(), "--out", out.toString(),
                "--overwrite", "--set", "train.max-iterations=12", "--set", "train.lr-scaling=linear",
                "--set", "train.warmup-epochs=1");
        assertEquals(ExitCode.OK, again.code(), again.err());
        assertTrue(again.out().contains("batch 100 = 0.390625 x 256: lr 0.05 -> 0.01953125 (linear), warmup 1 "
                + "epoch (10 steps)"), again.out());
        JsonNode rerun = json.readTree(out.resolve("summary.json").toFile());
        assertEquals(12, rerun.get("iterations").asLong());
        assertEquals("max-iterations", rerun.get("stop_reason").asText());
        List<Double> rates = new ArrayList<>();
        for (String l : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            JsonNode n = json.readTree(l);
            if (n.get("kind").asText().equals("step")) rates.add(n.get("lr").asDouble());
        }
        assertEquals(12, rates.size());
        for (int t = 0; t < 12; t++) {
            double expected = t < 10 ? 0.05 + (0.01953125 - 0.05) * t / 10.0 : 0.01953125;
            assertEquals(expected, rates.get(t), 1e-15, "lr at step " + t);
        }
    }

    @Test
    void divergenceExits3AndKeepsTheLastGoodParameters() throws IOException {
        Path out = tmp.resolve("diverged");
        Run r = run("train", "--config", config(linearConfig()).toString(), "--out", out.toString(),
                "--set", "optimizer.lr=1e6", "--set", "optimizer.name=sgd");
        assertEquals(ExitCode.DIVERGED, r.code(), r.err());
        assertTrue(r.err().contains("diverged at step"), r.err());
        assertTrue(r.err().contains("lower optimizer.lr"), r.err());
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals("diverged", summary.get("stop_reason").asText());
        JsonNode model = new ObjectMapper().readTree(out.resolve("model.json").toFile());
        for (JsonNode c : model.get("coefficients").get(0)) assertTrue(c.isNumber() && Double.isFinite(c.asDouble()));
    }

    @Test
    void helpExits0() {
        Run r = run("--help");
        assertEquals(ExitCode.OK, r.code());
        assertTrue(r.out().contains("usage: steepest train --config FILE"));
    }
}
