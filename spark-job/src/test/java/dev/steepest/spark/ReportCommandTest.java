package dev.steepest.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steepest.spark.cli.ExitCode;
import dev.steepest.spark.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code steepest report} on real runs, checked in headless Chromium: no errors, every series complete. */
class ReportCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static int cli(ByteArrayOutputStream err, String... args) {
        return Main.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true,
                StandardCharsets.UTF_8));
    }

    /** The Adam-cosine sample (warmup, clipping, elastic net) with a validation split, trained through the CLI. */
    private Path train(String name, String lr) throws Exception {
        Path conf = tmp.resolve(name + ".conf");
        Files.writeString(conf, String.join("\n",
                "include file(\"" + SparkTestSupport.repoRoot().resolve("conf/logistic-adam-cosine.conf") + "\")",
                "data.train = \"" + SparkTestSupport.sample("logistic.csv") + "\"",
                "data.test = \"" + SparkTestSupport.sample("logistic-test.csv") + "\"",
                "data.validation-fraction = 0.2",
                "optimizer.lr = " + lr,
                "train.epochs = 8",
                "spark.ui.enabled = false"));
        Path dir = tmp.resolve(name);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(ExitCode.OK, cli(err, "train", "--config", conf.toString(), "--out", dir.toString(), "--report"),
                err.toString(StandardCharsets.UTF_8));
        return dir;
    }

    private static List<JsonNode> lines(Path run, String kind) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode n = JSON.readTree(l);
            if (kind.equals(n.path("kind").asText())) out.add(n);
        }
        return out;
    }

    private static JsonNode chart(JsonNode island, String id) {
        for (JsonNode c : island.path("charts")) if (id.equals(c.path("id").asText())) return c;
        throw new AssertionError("no chart " + id + " in " + island.path("charts").findValuesAsText("id"));
    }

    private static int positive(List<JsonNode> lines, String field, String group) {
        int n = 0;
        for (JsonNode l : lines) {
            JsonNode v = group == null ? l.path(field) : l.path(field).path(group);
            if (v.isNumber() && v.doubleValue() > 0) n++;
        }
        return n;
    }

    @Test
    void aTrainedRunsReportDrawsEverySeriesWithAllItsPointsAndNoConsoleErrors() throws Exception {
        Path run = train("adamw", "0.05");
        Path html = run.resolve("report.html");
        assertTrue(Files.isRegularFile(html), "train --report wrote no report.html");
        Path shot = SparkTestSupport.repoRoot().resolve("spark-job/target/report-screenshot.png");
        HeadlessChromium.Page page = HeadlessChromium.open(html, shot, tmp);
        assertEquals(List.of(), page.consoleErrors());
        assertEquals("ok", page.state(), page.status().toString());
        assertTrue(Files.size(shot) > 10_000, "screenshot " + shot + " is " + Files.size(shot) + " bytes");

        List<JsonNode> steps = lines(run, "step");
        List<JsonNode> epochs = lines(run, "epoch");
        assertEquals(8, epochs.size());
        // what uPlot holds, per chart and series, equals the island's own counts
        for (JsonNode c : page.island().path("charts")) {
            List<Integer> expected = new ArrayList<>();
            for (JsonNode s : c.path("series")) expected.add(s.path("points").asInt());
            List<Integer> drawn = new ArrayList<>();
            page.status().path("charts").path(c.path("id").asText()).forEach(n -> drawn.add(n.asInt()));
            assertEquals(expected, drawn, c.path("id").asText());
        }
        // and the island's counts equal what the run's metrics.jsonl holds
        JsonNode island = page.island();
        assertEquals(List.of(steps.size()), counts(chart(island, "loss-step")));
        assertEquals(List.of(epochs.size(), epochs.size()), counts(chart(island, "loss-epoch")));
        assertEquals(List.of(epochs.size()), counts(chart(island, "validation-metric")));
        // the rate per step, and the warmup's end (1 epoch) marked once
        assertEquals(List.of(steps.size(), 1), counts(chart(island, "lr")));
        // the norm before clipping, and clip.norm = 1.0 as a threshold line over every step
        assertEquals(List.of(positive(steps, "gradient_norm", null), steps.size()),
                counts(chart(island, "gradient-norm")));
        assertEquals(List.of(positive(steps, "group_gradient_norms", "coefficients"),
                positive(steps, "group_gradient_norms", "intercepts")), counts(chart(island, "group-norms")));
        assertTrue(chart(island, "group-norms").path("log").asBoolean());
        assertEquals(List.of(epochs.size()), counts(chart(island, "samples-per-second")));
        assertEquals(1.0, chart(island, "gradient-norm").path("series").get(1).path("values").get(0).asDouble());

        // two runs overlaid: every series twice, and only the keys that differ in the settings
        Path other = train("adamw-slow", "0.01");
        Path both = tmp.resolve("both.html");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(ExitCode.OK, cli(err, "report", run.toString(), other.toString(), "--out", both.toString()));
        HeadlessChromium.Page two = HeadlessChromium.open(both, tmp.resolve("both.png"), tmp);
        assertEquals("ok", two.state(), two.status().toString());
        assertEquals(2, counts(chart(two.island(), "loss-step")).size());
        String text = Files.readString(both);
        assertTrue(text.contains("<td>optimizer.lr</td><td>0.05</td><td>0.01</td>"), "settings table");
        assertTrue(!text.contains("<td>optimizer.name</td>"), "a key both runs share is listed");
        assertTrue(!text.contains("src=\"http") && !text.contains("href=\"http"), "the page loads from the network");
    }

    private static List<Integer> counts(JsonNode chart) {
        List<Integer> n = new ArrayList<>();
        chart.path("series").forEach(s -> n.add(s.path("points").asInt()));
        return n;
    }
}
