package dev.steepest.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steepest.spark.cli.ExitCode;
import dev.steepest.spark.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.stat.inference.TTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code steepest compare} on the logistic sample: its statistics against a direct computation from the runs' own
 * summary.json and metrics.jsonl, its t-tests against Commons Math on the same numbers, the same compare.json for
 * the same command, the page in headless Chromium, a grid over the rate, and bad input.
 */
class CompareCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double TARGET = 0.5;

    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {
    }

    private static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The logistic sample with a 20% validation split and the held-out test file, few epochs. */
    private Path config(String name, String optimizer, String lr, int epochs) throws Exception {
        Path conf = tmp.resolve(name + ".conf");
        Files.writeString(conf, String.join("\n",
                "data.train = \"" + SparkTestSupport.sample("logistic.csv") + "\"",
                "data.test = \"" + SparkTestSupport.sample("logistic-test.csv") + "\"",
                "data.validation-fraction = 0.2",
                "model.type = logistic",
                "optimizer { name = " + optimizer + ", lr = " + lr + " }",
                "train { batch-size = 64, epochs = " + epochs + " }",
                "spark.master = \"local[2]\"",
                "spark.ui.enabled = false"));
        return conf;
    }

    private static JsonNode read(Path p) throws Exception {
        return JSON.readTree(p.toFile());
    }

    private static List<JsonNode> epochs(Path run) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode n = JSON.readTree(l);
            if ("epoch".equals(n.path("kind").asText())) out.add(n);
        }
        return out;
    }

    /** A metric of a run as summary.json / metrics.jsonl hold it, computed here without the command's code. */
    private static double metric(Path run, String name) throws Exception {
        JsonNode s = read(run.resolve("summary.json"));
        if (name.equals("epochs_to_target")) {
            for (JsonNode e : epochs(run)) if (e.path("loss").asDouble() <= TARGET) return e.path("epoch").asDouble();
            return Double.NaN;
        }
        int dot = name.indexOf('.');
        return dot < 0 ? s.path(name).asDouble() : s.path(name.substring(0, dot)).path(name.substring(dot + 1)).asDouble();
    }

    private static JsonNode configuration(JsonNode compare, String label) {
        for (JsonNode c : compare.path("configurations")) if (label.equals(c.path("label").asText())) return c;
        throw new AssertionError("no configuration " + label);
    }

    private static JsonNode tTest(JsonNode compare, String metric, String a, String b) {
        for (JsonNode t : compare.path("t_tests")) {
            if (metric.equals(t.path("metric").asText()) && a.equals(t.path("a").asText())
                    && b.equals(t.path("b").asText())) return t;
        }
        throw new AssertionError("no t-test of " + metric + " for " + a + " vs " + b);
    }

    private static void close(double expected, double actual, String what) {
        assertEquals(expected, actual, 1e-12 * Math.max(1, Math.abs(expected)), what);
    }

    @Test
    void twoConfigsOverThreeSeedsGiveTheStatisticsOfTheirOwnSummariesAndTheSameJsonTwice() throws Exception {
        Path a = config("momentum", "momentum", "0.05", 3);
        Path b = config("adam", "adam", "0.01", 3);
        Path out = tmp.resolve("cmp");
        String[] args = {"compare", "--config", a.toString(), "--config", b.toString(), "--seeds", "3",
                "--target-loss", String.valueOf(TARGET), "--out", out.toString(), "--overwrite"};
        Run first = cli(args);
        assertEquals(ExitCode.OK, first.code(), first.err());
        assertTrue(first.out().contains("training data read 1 times, reused by 5 runs"), first.out());
        JsonNode cmp = read(out.resolve("compare.json"));

        List<String> metrics = List.of("final_train_loss", "validation.log_loss", "validation.accuracy",
                "test.log_loss", "test.accuracy", "epochs_to_target");
        java.util.Map<String, double[][]> direct = new java.util.LinkedHashMap<>();
        String[] labels = {"momentum", "adam"};
        for (int c = 0; c < 2; c++) {
            JsonNode conf = configuration(cmp, labels[c]);
            assertEquals(3, conf.path("runs").size());
            for (String m : metrics) {
                double[] v = new double[3];
                for (int s = 1; s <= 3; s++) {
                    Path run = out.resolve(labels[c]).resolve("seed-" + s);
                    assertEquals(labels[c] + "/seed-" + s, conf.path("runs").get(s - 1).path("dir").asText());
                    assertEquals(s, read(run.resolve("model.json")).path("config").path("train.seed").asLong());
                    v[s - 1] = metric(run, m);
                }
                JsonNode st = conf.path("metrics").path(m);
                List<Double> finite = new ArrayList<>();
                for (int s = 0; s < 3; s++) {
                    JsonNode got = st.path("values").get(s);
                    if (Double.isFinite(v[s])) {
                        assertEquals(v[s], got.asDouble(), m + " seed " + (s + 1)); // exactly the run's own number
                        finite.add(v[s]);
                    } else {
                        assertTrue(got.isNull(), m + " seed " + (s + 1) + " " + got);
                    }
                }
                assertEquals(finite.size(), st.path("n").asInt(), m);
                direct.computeIfAbsent(m, k -> new double[2][])[c] = v;
                if (finite.isEmpty()) continue;
                double mean = 0;
                for (double x : finite) mean += x / finite.size();
                close(mean, st.path("mean").asDouble(), labels[c] + " " + m + " mean");
                close(finite.stream().mapToDouble(x -> x).min().getAsDouble(), st.path("min").asDouble(), m + " min");
                close(finite.stream().mapToDouble(x -> x).max().getAsDouble(), st.path("max").asDouble(), m + " max");
                if (finite.size() > 1) {
                    double ss = 0;
                    for (double x : finite) ss += (x - mean) * (x - mean);
                    close(Math.sqrt(ss / (finite.size() - 1)), st.path("std").asDouble(), m + " sample std");
                }
            }
        }
        double[][] valLoss = direct.get("validation.log_loss");
        // the seeds differ, so do the runs
        assertNotEquals(valLoss[0][0], valLoss[0][1]);

        // paired t-tests: Commons Math on the summaries' numbers (none where the differences do not vary)
        TTest tt = new TTest();
        for (String m : metrics) {
            double[] x = direct.get(m)[0];
            double[] y = direct.get(m)[1];
            if (!java.util.Arrays.stream(x).allMatch(Double::isFinite) || !java.util.Arrays.stream(y).allMatch(Double::isFinite)) {
                continue; // a run that never reached the target: fewer shared seeds, checked by n
            }
            JsonNode t = tTest(cmp, m, "momentum", "adam");
            assertEquals(3, t.path("n").asInt());
            if (x[0] - y[0] == x[1] - y[1] && x[1] - y[1] == x[2] - y[2]) {
                assertTrue(t.path("t").isNull() && t.path("p_value").isNull() && t.has("note"), m + ": " + t);
                continue;
            }
            assertEquals(tt.pairedT(x, y), t.path("t").asDouble(), m);
            assertEquals(tt.pairedTTest(x, y), t.path("p_value").asDouble(), m);
        }
        // and the textbook formula, t = mean(d) / (sd(d) / sqrt(n)), on the validation loss
        double[] d = new double[3];
        for (int s = 0; s < 3; s++) d[s] = valLoss[0][s] - valLoss[1][s];
        double md = (d[0] + d[1] + d[2]) / 3;
        double sd = Math.sqrt(((d[0] - md) * (d[0] - md) + (d[1] - md) * (d[1] - md) + (d[2] - md) * (d[2] - md)) / 2);
        double textbook = md / (sd / Math.sqrt(3));
        assertEquals(textbook, tTest(cmp, "validation.log_loss", "momentum", "adam").path("t").asDouble(),
                1e-9 * Math.abs(textbook));
        // the best configuration by mean validation loss
        double ma = (valLoss[0][0] + valLoss[0][1] + valLoss[0][2]) / 3;
        double mb = (valLoss[1][0] + valLoss[1][1] + valLoss[1][2]) / 3;
        assertEquals("validation.log_loss", cmp.path("best").path("by").asText());
        assertEquals(ma < mb ? "momentum" : "adam", cmp.path("best").path("label").asText());

        // wall clock apart, in timing: the runs' own wall_seconds
        JsonNode wall = cmp.path("timing").path("configurations").get(0).path("wall_seconds");
        for (int s = 1; s <= 3; s++) {
            assertEquals(metric(out.resolve("momentum/seed-" + s), "wall_seconds"), wall.path("values").get(s - 1).asDouble());
        }

        // the same command again: the same compare.json but for the timing section
        Run second = cli(args);
        assertEquals(ExitCode.OK, second.code(), second.err());
        JsonNode again = read(out.resolve("compare.json"));
        JsonNode t1 = ((ObjectNode) cmp).remove("timing");
        JsonNode t2 = ((ObjectNode) again).remove("timing");
        assertEquals(cmp, again);
        assertEquals(t1.path("configurations").findValuesAsText("label"), t2.path("configurations").findValuesAsText("label"));
        assertTrue(t2.path("total_seconds").asDouble() > 0);

        // the page: no console errors, every run's curve with its epochs, the means and bands
        HeadlessChromium.Page page = HeadlessChromium.open(out.resolve("compare.html"),
                SparkTestSupport.repoRoot().resolve("spark-job/target/compare-screenshot.png"), tmp);
        assertEquals(List.of(), page.consoleErrors());
        assertEquals("ok", page.state(), page.status().toString());
        for (JsonNode c : page.island().path("charts")) {
            List<Integer> expected = new ArrayList<>();
            c.path("series").forEach(s -> expected.add(s.path("points").asInt()));
            List<Integer> drawn = new ArrayList<>();
            page.status().path("charts").path(c.path("id").asText()).forEach(n -> drawn.add(n.asInt()));
            assertEquals(expected, drawn, c.path("id").asText());
        }
        for (String chart : List.of("train-loss", "validation-loss")) {
            List<Integer> runs = new ArrayList<>();
            List<Integer> means = new ArrayList<>();
            for (String l : labels) {
                int longest = 0;
                for (int s = 1; s <= 3; s++) {
                    int n = epochs(out.resolve(l).resolve("seed-" + s)).size();
                    runs.add(n);
                    longest = Math.max(longest, n);
                }
                means.addAll(List.of(longest, longest, longest));
            }
            assertEquals(runs, counts(page.island(), chart + "-runs"), chart);
            assertEquals(means, counts(page.island(), chart + "-mean"), chart);
        }
        String html = Files.readString(out.resolve("compare.html"));
        assertTrue(!html.contains("src=\"http") && !html.contains("href=\"http"), "the page loads from the network");
    }

    private static List<Integer> counts(JsonNode island, String id) {
        for (JsonNode c : island.path("charts")) {
            if (!id.equals(c.path("id").asText())) continue;
            List<Integer> n = new ArrayList<>();
            c.path("series").forEach(s -> n.add(s.path("points").asInt()));
            return n;
        }
        throw new AssertionError("no chart " + id);
    }

    @Test
    void aGridOverTheLearningRatePicksTheRateWithTheLowestMeanValidationLoss() throws Exception {
        Path a = config("sgd", "sgd", "0.01", 2);
        Path out = tmp.resolve("grid");
        Run r = cli("compare", "--config", a.toString(), "--grid", "optimizer.lr=0.002,0.5", "--seeds", "2",
                "--out", out.toString());
        assertEquals(ExitCode.OK, r.code(), r.err());
        JsonNode cmp = read(out.resolve("compare.json"));
        String best = null;
        double bestLoss = Double.POSITIVE_INFINITY;
        for (String lr : List.of("0.002", "0.5")) {
            String label = "sgd optimizer.lr=" + lr;
            JsonNode c = configuration(cmp, label);
            assertEquals(lr, c.path("grid").path("optimizer.lr").asText());
            double mean = 0;
            for (int s = 1; s <= 2; s++) {
                Path run = out.resolve("sgd_optimizer.lr=" + lr).resolve("seed-" + s);
                assertEquals(Double.parseDouble(lr), metric(run, "base_lr"), "the grid value reached the run");
                mean += metric(run, "validation.log_loss") / 2;
            }
            if (mean < bestLoss) {
                bestLoss = mean;
                best = lr;
            }
        }
        assertEquals("validation.log_loss", cmp.path("best").path("by").asText());
        assertEquals(best, cmp.path("best").path("grid").path("optimizer.lr").asText());
        assertTrue(r.out().contains("--set optimizer.lr=" + best), r.out());
    }

    @Test
    void badInputIsOneLineAndExitCodeTwo() throws Exception {
        Path a = config("ok", "sgd", "0.1", 1);
        String[][] cases = {
            {"compare", "--config", tmp.resolve("missing.conf").toString(), "--seeds", "2"},
            {"compare", "--config", a.toString(), "--grid", "foo", "--seeds", "2"},
            {"compare", "--config", a.toString(), "--grid", "optimizer.lr=", "--seeds", "2"},
            {"compare", "--config", a.toString(), "--grid", "optimizer.lrr=0.1,0.2", "--seeds", "2"},
            {"compare", "--config", a.toString(), "--grid", "optimizer.lr=0.1,fast", "--seeds", "2"},
            {"compare", "--config", a.toString(), "--seeds", "0"},
            {"compare", "--config", a.toString(), "--seeds", "two"},
            {"compare", "--config", a.toString()},
            {"compare", "--seeds", "2"},
        };
        String[] named = {"missing.conf", "--grid 'foo'", "--grid 'optimizer.lr='", "optimizer.lrr", "optimizer.lr",
            "--seeds 0", "--seeds two", "--seeds", "--config"};
        for (int i = 0; i < cases.length; i++) {
            Run r = cli(cases[i]);
            String what = String.join(" ", cases[i]);
            assertEquals(ExitCode.INPUT, r.code(), what + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), what + ": " + r.err());
            assertTrue(r.err().contains(named[i]), what + ": " + r.err());
        }
    }
}
