package dev.steepest.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.spark.ml.MlpLayer;
import dev.steepest.spark.ml.ModelJson;
import dev.steepest.spark.ml.SteepestClassificationModel;
import dev.steepest.spark.ml.SteepestClassifier;
import dev.steepest.spark.ml.SteepestRegressionModel;
import dev.steepest.spark.ml.SteepestRegressor;
import dev.steepest.spark.ml.SteepestTrainingSummary;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkException;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The models' training summary (per-epoch histories, stop reason, iterations, summary.json's figures; none after
 * load, where {@code summary()} throws as Spark's models do) and their parameters as Spark values.
 */
class SparkMlSummaryTest extends LocalSparkTest {
    @TempDir
    Path tmp;

    private static Dataset<Row> frame(String sample, String... features) {
        Dataset<Row> raw = spark.read().option("header", true).option("inferSchema", true)
                .csv(SparkTestSupport.sample(sample));
        return new VectorAssembler().setInputCols(features).setOutputCol("features").transform(raw);
    }

    @Test
    void aFitWithATensorBoardDirectoryWritesTheEpochLossesItsSummaryHolds() throws Exception {
        Path tb = tmp.resolve("tb");
        SteepestClassificationModel model = new SteepestClassifier().setStepSize(0.1)
                .setConfig("optimizer.name", "momentum").setConfig("train.epochs", 3)
                .setConfig("train.batch-size", "128").setConfig("train.tensorboard-dir", tb.toString())
                .fit(frame("logistic.csv", "x0", "x1", "x2", "x3"));
        List<Path> files = dev.steepest.spark.output.TensorBoardEventsTest.eventFiles(tb);
        assertEquals(1, files.size(), files.toString());
        List<double[]> epochLoss = dev.steepest.spark.output.TensorBoardEventsTest.scalars(
                dev.steepest.spark.output.TensorBoardEventsTest.read(files.get(0)), "epoch/loss");
        double[] history = model.summary().objectiveHistory();
        assertEquals(history.length, epochLoss.size());
        for (int i = 0; i < history.length; i++) assertEquals((float) history[i], epochLoss.get(i)[1], "epoch " + i);
    }

    @Test
    void aFitsSummaryHasPerEpochHistoriesTheStopReasonAndTheFiguresOfSummaryJson() throws Exception {
        Dataset<Row> df = frame("logistic.csv", "x0", "x1", "x2", "x3")
                .withColumn("held", functions.expr("x0 * 1000 % 5 < 1"));
        SteepestClassifier clf = new SteepestClassifier().setStepSize(0.1).setConfig("optimizer.name", "momentum")
                .setConfig("train.epochs", 3).setConfig("train.batch-size", "128").setValidationIndicatorCol("held");
        SteepestClassificationModel model = clf.fit(df);
        assertTrue(model.hasSummary());
        SteepestTrainingSummary s = model.summary();
        assertEquals("epochs", s.stopReason());
        assertEquals(3, s.objectiveHistory().length);
        assertEquals(3, s.gradientNormHistory().length);
        assertEquals(3, s.validationHistory().length);
        assertTrue(s.objectiveHistory()[2] < s.objectiveHistory()[0], Arrays.toString(s.objectiveHistory()));
        Map<String, Object> f = s.figures();
        assertEquals("epochs", f.get("stop_reason"));
        long rows = ((Number) f.get("rows")).longValue();
        long held = df.filter("held").count();
        assertEquals(df.count() - held, rows);
        assertEquals((rows + 127) / 128 * 3, s.totalIterations());
        assertEquals(s.totalIterations(), ((Number) f.get("iterations")).longValue());
        assertEquals(3.0, s.epochs());
        assertTrue(f.get("final_train_loss") instanceof Number);
        // the last epoch's validation is the final model's, which summary.json's validation holds
        @SuppressWarnings("unchecked")
        Map<String, Object> validation = (Map<String, Object>) f.get("validation");
        assertEquals(held, ((Number) validation.get("rows")).longValue());
        double last = s.validationHistory()[2];
        assertEquals(last, ((Number) validation.get("log_loss")).doubleValue(), 1e-12 * last);
        double best = Arrays.stream(s.validationHistory()).min().getAsDouble();
        assertEquals(best, ((Number) f.get("best_validation_loss")).doubleValue(), 0.0);
        assertEquals(ModelJson.map(s.toJson()), f);
        // copies (as Pipelines and CrossValidator make) keep it
        assertTrue(model.copy(ParamMap.empty()).hasSummary());
    }

    @Test
    void aLoadedModelHasNoSummaryAndSummaryThrowsAsSparksModelsDo() throws Exception {
        SteepestClassificationModel model = new SteepestClassifier().setConfig("train.epochs", 1)
                .fit(frame("logistic.csv", "x0", "x1", "x2", "x3"));
        assertTrue(model.hasSummary());
        assertTrue(model.summary().validationHistory().length == 0);
        String path = tmp.resolve("m").toString();
        model.write().overwrite().save(path);
        SteepestClassificationModel loaded = SteepestClassificationModel.load(path);
        assertFalse(loaded.hasSummary());
        SparkException e = assertThrows(SparkException.class, loaded::summary);
        assertEquals("No training summary available for this SteepestClassificationModel", e.getMessage());
    }

    @Test
    void anMlpsLayersAndALinearModelsCoefficientsAreSparkMatricesAndVectorsOfModelJson() {
        Dataset<Row> df = frame("linear.csv", "x0", "x1", "x2", "x3", "x4");
        SteepestRegressor est = new SteepestRegressor().setConfig("model.type", "mlp").setConfig("model.hidden",
                new int[] {3}).setConfig("train.epochs", 1);
        est.setLabelCol("y");
        SteepestRegressionModel mlp = est.fit(df);
        assertTrue(mlp.hasSummary());
        List<MlpLayer> layers = mlp.layers();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> json = (List<Map<String, Object>>) ModelJson.map(mlp.modelJson()).get("layers");
        assertEquals(json.size(), layers.size());
        for (int l = 0; l < layers.size(); l++) {
            Matrix w = layers.get(l).weights();
            List<?> rows = (List<?>) json.get(l).get("weights");
            assertEquals(rows.size(), w.numRows());
            for (int i = 0; i < w.numRows(); i++) {
                List<?> row = (List<?>) rows.get(i);
                assertEquals(row.size(), w.numCols());
                for (int j = 0; j < w.numCols(); j++) assertEquals(((Number) row.get(j)).doubleValue(), w.apply(i, j));
            }
            assertEquals(json.get(l).get("activation"), layers.get(l).activation());
            assertEquals(((List<?>) json.get(l).get("bias")).size(), layers.get(l).bias().size());
        }
        assertEquals(List.of(3, 1), layers.stream().map(x -> x.weights().numRows()).toList());
        assertThrows(UnsupportedOperationException.class, mlp::coefficients);

        SteepestClassificationModel softmax = new SteepestClassifier().setConfig("model.type", "softmax")
                .setConfig("train.epochs", 1).setLabelCol("label").fit(frame("softmax.csv", "x0", "x1", "x2", "x3"));
        Matrix c = softmax.coefficients();
        assertEquals(3, c.numRows());
        assertEquals(4, c.numCols());
        double[][] stored = ((List<?>) ModelJson.map(softmax.modelJson()).get("coefficients")).stream()
                .map(r -> ((List<?>) r).stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray())
                .toArray(double[][]::new);
        for (int k = 0; k < 3; k++) for (int j = 0; j < 4; j++) assertEquals(stored[k][j], c.apply(k, j));
        assertEquals(3, softmax.intercepts().size());
        assertThrows(UnsupportedOperationException.class, softmax::layers);
    }
}
