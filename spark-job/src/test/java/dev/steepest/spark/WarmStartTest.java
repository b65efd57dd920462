package dev.steepest.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steepest.spark.cli.ExitCode;
import dev.steepest.spark.cli.Main;
import dev.steepest.spark.job.TrainJob;
import dev.steepest.spark.ml.ModelJson;
import dev.steepest.spark.ml.SteepestClassificationModel;
import dev.steepest.spark.ml.SteepestClassifier;
import dev.steepest.spark.ml.SteepestModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Warm start: {@code model.init-from} (the CLI) and {@code setInitialModel} (the Estimators) start from a model's
 * parameters, mapped exactly into the standardized space; a model of another shape exits 2 naming both shapes. The CLI
 * runs (each with its own session) happen first, then the tests that need one shared session.
 */
class WarmStartTest {
    @TempDir
    static Path tmp;
    static Path converged;
    static Run warm;
    static Run otherType;
    static Run missing;
    static SparkSession spark;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A logistic model on logistic.csv with L2, standardized, full batch: the config of every run here. */
    private static String config(String extra) throws Exception {
        Path conf = Files.createTempFile(tmp, "run", ".conf");
        Files.writeString(conf, "data.train = \"" + SparkTestSupport.sample("logistic.csv") + "\"\n"
                + "model.type = logistic\nregularization.l2 = 0.01\ntrain.batch-size = full\n"
                + "spark.master = \"local[2]\"\nspark.ui.enabled = false\n" + extra);
        return conf.toString();
    }

    @BeforeAll
    static void runTheCli() throws Exception {
        converged = tmp.resolve("converged");
        Run r = run("train", "--config", config("optimizer.name = lbfgs\ntrain.max-iterations = 200\n"
                + "train.tolerance.gradient-norm = 1e-10\n"), "--out", converged.toString());
        assertEquals(ExitCode.OK, r.code(), r.err());
        warm = run("train", "--config", config(warmSettings() + "model.init-from = \"" + converged + "\"\n"),
                "--out", tmp.resolve("warm").toString());
        otherType = run("train", "--config", config("model.init-from = \"" + converged.resolve("model.json") + "\"\n"),
                "--set", "data.train=" + SparkTestSupport.sample("softmax.csv"), "--set", "model.type=softmax",
                "--out", tmp.resolve("other-type").toString());
        missing = run("train", "--config", config("model.init-from = \"" + tmp.resolve("nowhere") + "\"\n"),
                "--out", tmp.resolve("missing").toString());
        spark = SparkTestSupport.session("local[2]");
    }

    @AfterAll
    static void stopSpark() {
        if (spark != null) spark.stop();
    }

    private static TrainJob.Outcome train(String configFile) throws Exception {
        return TrainJob.run(spark, SparkTestSupport.config(Files.readString(Path.of(configFile))), null,
                new PrintStream(new ByteArrayOutputStream()), System.nanoTime());
    }

    @Test
    void aShapeMismatchExitsTwoInOneLineNamingBothShapes() throws Exception {
        assertOneLineError(otherType, "holds a logistic model of 4 features and 2 classes; this run trains a softmax "
                + "model of 4 features and 3 classes");
        assertOneLineError(missing, "model.init-from: no such file or directory");
        Path mlp = Files.createDirectories(tmp.resolve("mlp-4-3-2"));
        Files.writeString(mlp.resolve("model.json"), "{\"format_version\": 1, \"type\": \"mlp\", \"num_features\": 4,"
                + "\"layers\": [{\"weights\": [[1,0,0,0],[0,1,0,0],[0,0,1,0]], \"bias\": [0,0,0], \"activation\": "
                + "\"relu\"}, {\"weights\": [[1,1,1],[-1,-1,-1]], \"bias\": [0,0], \"activation\": \"softmax\"}],"
                + "\"feature_names\": [\"x0\",\"x1\",\"x2\",\"x3\"], \"label_mapping\": [0, 1]}");
        String layers = config("model.type = mlp\nmodel.hidden = [5]\nmodel.init-from = \"" + mlp + "\"\n");
        InputError e = assertThrows(InputError.class, () -> train(layers));
        assertTrue(e.getMessage().contains("holds an mlp model of layers 4-3-2 (relu, softmax); this run trains an mlp "
                + "model of layers 4-5-2 (relu, softmax)"), e.getMessage());
    }

    private static String warmSettings() {
        return "optimizer.name = sgd\noptimizer.lr = 0.1\ntrain.epochs = 20\ntrain.tolerance.gradient-norm = 1e-7\n";
    }

    private static JsonNode json(Path file) throws Exception {
        return new ObjectMapper().readTree(file.toFile());
    }

    @Test
    void aWarmStartFromAConvergedModelStopsAtTheFirstGradientNormCheck() throws Exception {
        assertEquals("gradient-norm", json(converged.resolve("summary.json")).get("stop_reason").asText());
        assertEquals(ExitCode.OK, warm.code(), warm.err());
        JsonNode summary = json(tmp.resolve("warm/summary.json"));
        assertEquals("gradient-norm", summary.get("stop_reason").asText());
        assertEquals(1, summary.get("iterations").asInt());
        assertTrue(warm.out().contains("warm start from '" + converged + "'"), warm.out());
        // the same run from the initializer's zeros goes on: the check stopped it because it started at the optimum
        TrainJob.Outcome cold = train(config(warmSettings()));
        assertTrue(cold.result().iterations() > 1, cold.result().stopReason());
    }

    @Test
    void underStandardizationTheWarmStartBeginsExactlyWhereTheModelEnded() throws Exception {
        // model.json is in the original space and training in the scaled one: the first step's objective (full batch)
        // is the converged run's final one up to the L2 term's last bits (the kernel sees the very same weights)
        double finalLoss = json(converged.resolve("summary.json")).get("final_train_loss").asDouble();
        String first = Files.readAllLines(tmp.resolve("warm/metrics.jsonl")).get(0);
        double firstLoss = new ObjectMapper().readTree(first).get("loss").asDouble();
        assertEquals(finalLoss, firstLoss, 1e-13 * Math.abs(finalLoss), first);
        // and the one step taken from there moved the model by less than the gradient norm allows
        JsonNode a = json(converged.resolve("model.json")).get("coefficients").get(0);
        JsonNode b = json(tmp.resolve("warm/model.json")).get("coefficients").get(0);
        for (int j = 0; j < 4; j++) assertEquals(a.get(j).asDouble(), b.get(j).asDouble(), 1e-6);
    }

    private static Dataset<Row> logisticFrame() {
        Path parquet = tmp.resolve("logistic.parquet");
        if (!Files.exists(parquet)) {
            spark.read().option("header", true).option("inferSchema", true).csv(SparkTestSupport.sample("logistic.csv"))
                    .coalesce(1).write().parquet(parquet.toString());
        }
        return spark.read().parquet(parquet.toString());
    }

    @Test
    void setInitialModelGivesTheParametersOfTheClisInitFromWithTheSameSettings() throws Exception {
        Dataset<Row> df = logisticFrame();
        String settings = "data.train = \"" + tmp.resolve("logistic.parquet") + "\"\nmodel.type = logistic\n"
                + "optimizer.name = adam\noptimizer.lr = 0.05\ntrain.epochs = 2\ntrain.batch-size = 64\n"
                + "spark.master = \"local[2]\"\n";
        TrainJob.Outcome cli = TrainJob.run(spark, SparkTestSupport.config(settings + "model.init-from = \""
                + converged.resolve("spark-model") + "\"\n"), null, new PrintStream(new ByteArrayOutputStream()),
                System.nanoTime());
        SteepestClassificationModel viaCli = (SteepestClassificationModel) SteepestModels.of(
                ModelJson.text(cli.modelJson()));

        SteepestClassifier est = new SteepestClassifier().setStepSize(0.05).setConfig("optimizer.name", "adam")
                .setConfig("train.epochs", 2).setConfig("train.batch-size", "64")
                .setInitialModel(SteepestClassificationModel.load(converged.resolve("spark-model").toString()));
        assertTrue(est.copy(ParamMap.empty()).hasInitialModel());
        est.write().overwrite().save(tmp.resolve("estimator").toString());
        SteepestClassifier loaded = SteepestClassifier.load(tmp.resolve("estimator").toString());
        assertTrue(loaded.hasInitialModel());
        Dataset<Row> features = new VectorAssembler().setInputCols(new String[] {"x0", "x1", "x2", "x3"})
                .setOutputCol("features").transform(df);
        SteepestClassificationModel viaFit = loaded.fit(features);
        assertArrayEquals(viaCli.coefficients().toArray(), viaFit.coefficients().toArray(), 0.0);
        assertArrayEquals(viaCli.intercepts().toArray(), viaFit.intercepts().toArray(), 0.0);

        TrainJob.Outcome cold = TrainJob.run(spark, SparkTestSupport.config(settings), null,
                new PrintStream(new ByteArrayOutputStream()), System.nanoTime());
        assertFalse(java.util.Arrays.equals(((double[][]) cold.modelJson().get("coefficients"))[0],
                viaFit.coefficients().toArray()), "the warm start made no difference");
    }

    @Test
    void anEstimatorsInitialModelOfAnotherShapeIsAnInputErrorNamingBoth() {
        Dataset<Row> features = new VectorAssembler().setInputCols(new String[] {"x0", "x1", "x2", "x3"})
                .setOutputCol("features").transform(logisticFrame());
        SteepestClassifier est = new SteepestClassifier().setConfig("model.type", "softmax")
                .setInitialModel(SteepestClassificationModel.load(converged.resolve("spark-model").toString()));
        InputError e = assertThrows(InputError.class, () -> est.fit(features));
        assertTrue(e.getMessage().contains("holds a logistic model of 4 features and 2 classes; this run trains a "
                + "softmax model of 4 features and 2 classes"), e.getMessage());
    }

    private static void assertOneLineError(Run r, String fragment) {
        assertEquals(ExitCode.INPUT, r.code(), r.err());
        List<String> lines = r.err().strip().lines().filter(l -> !l.startsWith("WARNING:")).toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith("steepest: error: ") && lines.get(0).contains(fragment), lines.get(0));
    }
}
