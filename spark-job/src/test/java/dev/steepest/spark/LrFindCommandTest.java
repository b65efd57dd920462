package dev.steepest.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steepest.spark.cli.ExitCode;
import dev.steepest.spark.cli.Main;
import dev.steepest.spark.config.ConfigLoader;
import dev.steepest.spark.job.TrainJob;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code steepest lr-find}: its suggestion against the best constant rate of a small grid (each rate trained for a
 * fixed few epochs, best by final training loss), its page in headless Chromium, and its bad-input cases.
 */
class LrFindCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Half a decade apart: the grid's best is known to within a factor of 1.8 either way. */
    private static final double[] GRID = {1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1};

    @TempDir
    Path tmp;

    private record Cli(int code, String out, String err) {
    }

    private static Cli cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path conf(String name, String... lines) throws Exception {
        Path p = tmp.resolve(name + ".conf");
        List<String> all = new ArrayList<>(List.of(lines));
        all.add("spark.master = \"local[2]\"");
        all.add("spark.ui.enabled = false");
        Files.writeString(p, String.join("\n", all));
        return p;
    }

    /** Runs lr-find through the CLI; returns its lr-find.json. */
    private JsonNode lrFind(Path conf, Path out) throws Exception {
        Cli r = cli("lr-find", "--config", conf.toString(), "--out", out.toString());
        assertEquals(ExitCode.OK, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("--set optimizer.lr="), r.out());
        return JSON.readTree(out.resolve("lr-find.json").toFile());
    }

    /** The grid's rate with the lowest final training loss after {@code epochs} epochs (diverged runs lose). */
    private static double bestOfGrid(Path conf, int epochs) {
        return bestOfGrid(SparkTestSupport.session("local[2]"), conf, epochs);
    }

    /** As above, on {@code spark}, which it stops. */
    private static double bestOfGrid(SparkSession spark, Path conf, int epochs) {
        try {
            double best = Double.NaN;
            double bestLoss = Double.POSITIVE_INFINITY;
            StringBuilder log = new StringBuilder("grid on " + conf.getFileName() + ":");
            for (double lr : GRID) {
                TrainJob.Outcome o = TrainJob.run(spark, ConfigLoader.load(conf.toFile(), List.of(
                        "optimizer.lr=" + lr, "train.epochs=" + epochs, "train.tolerance.loss-change=null")),
                        null, new PrintStream(new ByteArrayOutputStream()), System.nanoTime());
                double loss = o.result().diverged() ? Double.POSITIVE_INFINITY
                        : ((Number) o.summary().get("final_train_loss")).doubleValue();
                log.append(String.format(Locale.ROOT, " %g:%.5g", lr, loss));
                if (loss < bestLoss) {
                    bestLoss = loss;
                    best = lr;
                }
            }
            System.out.println(log);
            return best;
        } finally {
            spark.stop();
        }
    }

    private static void assertWithinFactor3(double best, JsonNode found) {
        double suggested = found.path("suggested_lr").asDouble();
        System.out.println("lr-find suggested " + suggested + " (steepest), minimum/10 "
                + found.path("suggestions").path("minimum_over_10").path("lr").asDouble() + "; grid best " + best);
        assertTrue(suggested >= best / 3 && suggested <= best * 3,
                "suggested " + suggested + " is not within a factor of 3 of the grid's best " + best);
    }

    @Test
    void onTheLogisticSampleTheSuggestedRateIsWithinAFactorOf3OfTheGridsBestAndItsPageDrawsEveryPoint()
            throws Exception {
        Path conf = conf("logistic",
                "include file(\"" + SparkTestSupport.repoRoot().resolve("conf/logistic-csv.conf") + "\")",
                "data.train = \"" + SparkTestSupport.sample("logistic.csv") + "\"",
                "data.test = \"" + SparkTestSupport.sample("logistic-test.csv") + "\"");
        Path out = tmp.resolve("lr-logistic");
        double best = bestOfGrid(conf, 3);
        JsonNode found = lrFind(conf, out);
        JsonNode points = found.path("points");
        assertEquals(found.path("steps_run").asInt(), points.size());
        assertEquals(1e-6, points.get(0).path("lr").asDouble(), 1e-18);
        assertTrue(points.size() >= 50, "too short a curve: " + points.size());
        assertWithinFactor3(best, found);

        Path html = out.resolve("lr-find.html");
        HeadlessChromium.Page page = HeadlessChromium.open(html, tmp.resolve("lr-find.png"), tmp);
        assertEquals(List.of(), page.consoleErrors());
        assertEquals("ok", page.state(), page.status().toString());
        JsonNode chart = page.island().path("charts").get(0);
        assertTrue(chart.path("x_log").asBoolean());
        List<Integer> islandCounts = new ArrayList<>();
        chart.path("series").forEach(s -> islandCounts.add(s.path("points").asInt()));
        assertEquals(List.of(points.size(), points.size(), 1, 1), islandCounts);
        List<Integer> drawn = new ArrayList<>();
        page.status().path("charts").path("lr-find").forEach(n -> drawn.add(n.asInt()));
        assertEquals(islandCounts, drawn);
    }

    /**
     * Fashion-MNIST's shape: 784 pixel intensities in [0, 1] (four decimals, half the pixels of a class's prototype
     * dark), 10 classes, one in ten labels replaced by a random class; as hard as the real set for softmax regression
     * (about 85% training accuracy after three epochs at the best rate, like Fashion-MNIST's 84%).
     */
    private Path fashionShaped(int rows, long seed) throws Exception {
        Random r = new Random(seed);
        double[] base = new double[784];
        for (int j = 0; j < 784; j++) base[j] = r.nextDouble() < 0.5 ? 0 : r.nextDouble();
        double[][] prototypes = new double[10][784];
        for (double[] p : prototypes) {
            for (int j = 0; j < 784; j++) p[j] = base[j] == 0 ? 0 : clip(base[j] + 0.1 * r.nextGaussian());
        }
        Path csv = tmp.resolve("fashion-shaped.csv");
        try (Writer w = Files.newBufferedWriter(csv)) {
            StringBuilder h = new StringBuilder("label");
            for (int j = 0; j < 784; j++) h.append(",p").append(j);
            w.write(h.append('\n').toString());
            for (int i = 0; i < rows; i++) {
                int c = r.nextInt(10);
                StringBuilder line = new StringBuilder();
                for (int j = 0; j < 784; j++) {
                    double v = clip(prototypes[c][j] + 0.5 * r.nextGaussian());
                    line.append(',').append(v == 0 ? "0" : String.format(Locale.ROOT, "%.4f", v));
                }
                int label = r.nextDouble() < 0.1 ? r.nextInt(10) : c;
                w.write(label + line.append('\n').toString());
            }
        }
        return csv;
    }

    /** The CSV as Parquet (read eight times, Parquet's columns load faster than the text). */
    private static Path parquet(SparkSession spark, Path csv) {
        StructType schema = new StructType().add("label", DataTypes.IntegerType);
        for (int j = 0; j < 784; j++) schema = schema.add("p" + j, DataTypes.DoubleType);
        Path out = csv.resolveSibling("fashion-shaped.parquet");
        spark.read().option("header", true).schema(schema).csv(csv.toString()).coalesce(2).write()
                .parquet(out.toString());
        return out;
    }

    private static double clip(double v) {
        return Math.min(1, Math.max(0, v));
    }

    /**
     * Softmax regression with Adam at batch 512 (6 steps an epoch): the grid trains each rate 10 epochs (60 steps,
     * the range test's 100 steps' order). A batch this large makes the grid's best a clear one: in a re-implementation
     * of this test in numpy over 7 seeds of the generator, the best was 0.03 every time, its neighbours' losses
     * clearly above, and the steepest descent within a factor of 1.7 of it; at batch 128 (3 epochs) or with 5,000
     * rows the best swung between neighbouring grid points and the ratio reached 3.5 to 4.9.
     */
    @Test
    void onFashionMnistShapedDataTheSuggestedRateIsWithinAFactorOf3OfTheGridsBest() throws Exception {
        SparkSession spark = SparkTestSupport.session("local[2]");
        Path data = parquet(spark, fashionShaped(3000, 7));
        Path conf = conf("fashion-shaped",
                "data.train = \"" + data + "\"",
                "model.type = softmax",
                "optimizer { name = adam, lr = 0.002 }",
                "train { batch-size = 512, epochs = 10 }");
        double best = bestOfGrid(spark, conf, 10);
        assertWithinFactor3(best, lrFind(conf, tmp.resolve("lr-fashion")));
    }

    @Test
    void badInputExitsWith2AndOneLine() throws Exception {
        Path conf = conf("ok", "data.train = \"" + SparkTestSupport.sample("logistic.csv") + "\"",
                "model.type = logistic");
        Path lbfgs = conf("lbfgs", "data.train = \"" + SparkTestSupport.sample("logistic.csv") + "\"",
                "model.type = logistic", "optimizer.name = lbfgs", "train.batch-size = full");
        String c = conf.toString();
        List<List<String>> cases = List.of(
                List.of("lr-find"),
                List.of("lr-find", "--config", tmp.resolve("missing.conf").toString()),
                List.of("lr-find", "--config", c, "--min", "abc"),
                List.of("lr-find", "--config", c, "--min", "0"),
                List.of("lr-find", "--config", c, "--max", "-1"),
                List.of("lr-find", "--config", c, "--min", "1", "--max", "0.1"),
                List.of("lr-find", "--config", c, "--min", "0.1", "--max", "0.1"),
                List.of("lr-find", "--config", c, "--steps", "1"),
                List.of("lr-find", "--config", c, "--steps", "ten"),
                List.of("lr-find", "--config", c, "--bogus"),
                List.of("lr-find", "--config", lbfgs.toString()));
        List<String> expected = List.of("--config FILE is required", "no such file", "--min abc: not a number",
                "--min 0: must be", "--max -1: must be", "--min 1 must be below --max 0.1",
                "--min 0.1 must be below --max 0.1", "--steps 1: at least 2", "--steps ten: not a whole number",
                "unknown argument '--bogus'", "lbfgs takes no learning rate");
        for (int i = 0; i < cases.size(); i++) {
            Cli r = cli(cases.get(i).toArray(new String[0]));
            assertEquals(ExitCode.INPUT, r.code(), cases.get(i) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), cases.get(i) + ": " + r.err());
            assertTrue(r.err().contains(expected.get(i)), cases.get(i) + ": " + r.err());
        }
    }
}
