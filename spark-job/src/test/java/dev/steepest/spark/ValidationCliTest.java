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
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Validation, early stopping, divergence and backoff through the command line, on data-samples/. */
class ValidationCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {
    }

    private Run run(String config, Path out, String... sets) throws IOException {
        Path conf = tmp.resolve("job.conf");
        Files.writeString(conf, config);
        List<String> args = new ArrayList<>(List.of("train", "--config", conf.toString(), "--out", out.toString()));
        for (String s : sets) {
            args.add("--set");
            args.add(s);
        }
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Main.run(args.toArray(new String[0]), new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    private static String logistic() {
        return String.join("\n",
                "data.train = \"" + SparkTestSupport.sample("logistic.csv") + "\"",
                "data.test = \"" + SparkTestSupport.sample("logistic-test.csv") + "\"",
                "model.type = logistic",
                "optimizer { name = sgd, lr = 0.5 }",
                "train { batch-size = 200, epochs = 6, progress-seconds = 1000 }",
                "spark.master = \"local[2]\"",
                "spark.ui.enabled = false");
    }

    private static String linear() {
        return String.join("\n",
                "data.train = \"" + SparkTestSupport.sample("linear.csv") + "\"",
                "data.label = y",
                "model.type = linear",
                "optimizer { name = sgd, lr = 0.1 }",
                "train { batch-size = full, epochs = 300, progress-seconds = 1000 }",
                "spark.master = \"local[2]\"",
                "spark.ui.enabled = false");
    }

    private static List<JsonNode> lines(Path out, String kind) throws IOException {
        List<JsonNode> l = new ArrayList<>();
        for (String s : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            JsonNode n = JSON.readTree(s);
            if (n.get("kind").asText().equals(kind)) l.add(n);
        }
        return l;
    }

    private static List<String> fields(JsonNode n) {
        List<String> f = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) f.add(it.next());
        return f;
    }

    @Test
    void validationFractionMetricsPerEpochAndInTheSummary() throws IOException {
        Path out = tmp.resolve("fraction");
        Run r = run(logistic(), out, "data.validation-fraction=0.25");
        assertEquals(ExitCode.OK, r.code(), r.err());
        assertTrue(r.out().contains("training logistic on 1500 rows") && r.out().contains("validating on 500 rows"),
                r.out());
        List<JsonNode> epochs = lines(out, "epoch");
        assertEquals(6, epochs.size());
        for (JsonNode e : epochs) {
            JsonNode v = e.get("validation");
            assertNotNull(v, e.toString());
            assertEquals(500, v.get("rows").asLong());
            assertTrue(v.get("loss").asDouble() > 0.3 && v.get("loss").asDouble() < 0.69, v.toString());
            assertTrue(v.get("accuracy").asDouble() > 0.7, v.toString());
        }
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals(1500, summary.get("rows").asLong(), "the validation rows are not trained on");
        JsonNode validation = summary.get("validation");
        assertEquals(fields(summary.get("test")), fields(validation), "the same metric set as test");
        assertEquals(500, validation.get("rows").asLong());
        assertEquals(epochs.get(5).get("validation").get("loss").asDouble(), validation.get("log_loss").asDouble(),
                1e-12, "the final model is the last epoch's");
        assertTrue(summary.get("best_epoch").asInt() >= 1 && summary.get("best_epoch").asInt() <= 6);
        assertEquals(epochs.get(summary.get("best_epoch").asInt() - 1).get("validation").get("loss").asDouble(),
                summary.get("best_validation_loss").asDouble(), 0.0);
        assertEquals(0, summary.get("backoffs").asInt());
    }

    @Test
    void validationFileAndEarlyStoppingKeepTheBestEpoch() throws IOException {
        Path out = tmp.resolve("early");
        // a rate this large makes the validation loss bounce: patience 1 stops at the first worse epoch
        Run r = run(logistic(), out, "data.validation=" + SparkTestSupport.sample("logistic-test.csv"),
                "train.early-stopping.patience=1", "train.epochs=40", "optimizer.lr=20", "train.batch-size=20");
        assertEquals(ExitCode.OK, r.code(), r.err());
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        List<JsonNode> epochs = lines(out, "epoch");
        assertEquals("early-stopping", summary.get("stop_reason").asText(), summary.toString());
        int best = summary.get("best_epoch").asInt();
        assertEquals(best + 1, epochs.size(), "patience 1: one epoch after the best");
        double bestLoss = epochs.get(best - 1).get("validation").get("loss").asDouble();
        assertEquals(bestLoss, summary.get("best_validation_loss").asDouble(), 0.0);
        // the saved model is the best epoch's: its validation metrics are that epoch's, not the last one's
        assertEquals(bestLoss, summary.get("validation").get("log_loss").asDouble(), 1e-12);
        assertTrue(epochs.get(epochs.size() - 1).get("validation").get("loss").asDouble() >= bestLoss);
        assertEquals(500, summary.get("validation").get("rows").asLong());
    }

    @Test
    void wrongCombinationsExit2NamingTheKeys() throws IOException {
        Run both = run(logistic(), tmp.resolve("a"), "data.validation-fraction=0.2",
                "data.validation=" + SparkTestSupport.sample("logistic-test.csv"));
        assertEquals(ExitCode.INPUT, both.code());
        assertEquals(1, both.err().strip().lines().filter(l -> !l.startsWith("WARNING:")).count(), both.err());
        assertTrue(both.err().contains("data.validation and data.validation-fraction"), both.err());
        Run early = run(logistic(), tmp.resolve("b"), "train.early-stopping.patience=2");
        assertEquals(ExitCode.INPUT, early.code());
        assertTrue(early.err().contains("train.early-stopping.patience: early stopping needs a validation set; set "
                + "data.validation or data.validation-fraction"), early.err());
        Run backoffs = run(logistic(), tmp.resolve("c"), "train.max-backoffs=2");
        assertEquals(ExitCode.INPUT, backoffs.code());
        assertTrue(backoffs.err().contains("train.max-backoffs: only applies to train.on-divergence = backoff"),
                backoffs.err());
        assertFalse(Files.exists(tmp.resolve("a")) || Files.exists(tmp.resolve("b")) || Files.exists(tmp.resolve("c")));
    }

    @Test
    void divergenceExits3NamingTheStepAndLeavesOtherOutputsAlone() throws IOException {
        Path previous = Files.createDirectories(tmp.resolve("runs").resolve("yesterday"));
        Files.writeString(previous.resolve("model.json"), "yesterday's model");
        Path out = tmp.resolve("runs").resolve("today");
        Run r = run(linear(), out, "optimizer.lr=1e6");
        assertEquals(ExitCode.DIVERGED, r.code(), r.err());
        assertTrue(r.err().contains("training diverged at step 1 (epoch 1)") || r.err().contains("diverged at step 2 "
                + "(epoch 2)"), r.err());
        assertTrue(r.err().contains("try a lower optimizer.lr: optimizer.lr = 100000 or lower"), r.err());
        assertEquals("diverged", JSON.readTree(out.resolve("summary.json").toFile()).get("stop_reason").asText());
        assertEquals("yesterday's model", Files.readString(previous.resolve("model.json")));
        try (var s = Files.list(tmp.resolve("runs"))) {
            assertEquals(List.of("today", "yesterday"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void backoffRecoversFromATooLargeRateAndConverges() throws IOException {
        Path out = tmp.resolve("backoff");
        // full-batch GD on the standardized linear sample is stable below lr 2: 8 explodes, 4 and 2 still do
        Run r = run(linear(), out, "optimizer.lr=8", "train.on-divergence=backoff");
        assertEquals(ExitCode.OK, r.code(), r.err());
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals("epochs", summary.get("stop_reason").asText());
        int backoffs = summary.get("backoffs").asInt();
        assertTrue(backoffs >= 2 && backoffs <= 5, "backoffs " + backoffs);
        List<JsonNode> events = lines(out, "event");
        assertEquals(backoffs, events.size());
        for (int i = 0; i < backoffs; i++) {
            JsonNode e = events.get(i);
            assertEquals("backoff", e.get("event").asText());
            assertEquals(Math.pow(0.5, i + 1), e.get("lr_factor").asDouble(), 0.0);
            assertTrue(e.get("step").asLong() >= 1 && e.get("epoch").asLong() >= 1, e.toString());
            assertTrue(e.get("reason").asText().contains("starting loss") || e.get("reason").asText()
                    .contains("not finite"), e.toString());
        }
        assertEquals(backoffs, r.out().lines().filter(l -> l.startsWith("backoff ")).count(), r.out());
        // converged: the truth is y = 2 + 1.5 x0 - 2 x1 + 0.5 x2 + 3 x4 + N(0, 0.1^2), so the objective is
        // about 0.1^2 / 2 at the optimum
        assertEquals(0.005, summary.get("final_train_loss").asDouble(), 0.001, summary.toString());
        JsonNode model = JSON.readTree(out.resolve("model.json").toFile());
        assertEquals(3.0, model.get("coefficients").get(0).get(4).asDouble(), 0.05);
        assertEquals(2.0, model.get("intercepts").get(0).asDouble(), 0.05);
    }
}
