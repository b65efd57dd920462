package dev.steepest.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.spark.job.TrainJob;
import dev.steepest.spark.ml.ModelJson;
import dev.steepest.spark.ml.SteepestClassificationModel;
import dev.steepest.spark.ml.SteepestModels;
import dev.steepest.spark.ml.SteepestRegressionModel;
import dev.steepest.spark.output.RunDirectory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LinearSVCModel;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark ML models of trained runs: transform against Spark ML's own models built from the same model.json
 * parameters (an independent reference for the linear types; probabilities to 1e-12), save / load on the file
 * system and through a file:// URI, inside a PipelineModel, on a streaming DataFrame, and the spark-model/ of a run.
 */
class SparkMlModelsTest extends LocalSparkTest {
    @TempDir
    Path tmp;

    private static final String LOGISTIC = "data.train = \"" + SparkTestSupport.sample("logistic.csv") + "\"\n"
            + "train.epochs = 3\ntrain.batch-size = 64\noptimizer.lr = 0.1\nspark.master = \"local[2]\"\n";
    private static final String SOFTMAX = LOGISTIC.replace("logistic.csv", "softmax.csv");
    private static final String LINEAR = LOGISTIC.replace("logistic.csv", "linear.csv") + "data.label = y\n";

    private static String modelJson(String hocon) {
        return ModelJson.text(train(hocon).modelJson());
    }

    private static Dataset<Row> features(String sample) {
        Dataset<Row> df = spark.read().option("header", true).option("inferSchema", true).csv(SparkTestSupport.sample(sample));
        String[] cols = Arrays.stream(df.columns()).filter(c -> c.startsWith("x")).toArray(String[]::new);
        return new VectorAssembler().setInputCols(cols).setOutputCol("features").transform(df);
    }

    @Test
    void logisticAndSoftmaxTransformAsSparkMlsLogisticRegressionWithTheSameParameters() {
        for (String[] c : new String[][] {{LOGISTIC + "model.type = logistic", "logistic-test.csv"},
            {SOFTMAX + "model.type = softmax", "softmax-test.csv"}}) {
            SteepestClassificationModel ours = (SteepestClassificationModel) SteepestModels.of(modelJson(c[0]));
            boolean multinomial = ours.numClasses() > 2;
            LogisticRegressionModel ref = multinomial
                    ? new LogisticRegressionModel("ref", ours.coefficients(), ours.intercepts(), ours.numClasses(), true)
                    : new LogisticRegressionModel("ref", rowOf(ours.coefficients()), ours.intercepts().apply(0));
            Dataset<Row> df = features(c[1]);
            List<Row> a = ours.transform(df).select("rawPrediction", "probability", "prediction").collectAsList();
            List<Row> b = ref.transform(df).select("rawPrediction", "probability", "prediction").collectAsList();
            assertEquals(b.size(), a.size());
            assertTrue(a.size() > 100);
            for (int i = 0; i < a.size(); i++) {
                assertClose(b.get(i).getAs(0), a.get(i).getAs(0), 1e-12);
                assertClose(b.get(i).getAs(1), a.get(i).getAs(1), 1e-12);
                assertEquals(b.get(i).getDouble(2), a.get(i).getDouble(2));
            }
        }
    }

    @Test
    void hingeTransformsAsSparkMlsLinearSvcAndHasNoProbabilityColumn() {
        SteepestClassificationModel ours = (SteepestClassificationModel) SteepestModels.of(
                modelJson(LOGISTIC + "model.type = hinge"));
        assertFalse(ours.hasProbability());
        LinearSVCModel ref = new LinearSVCModel("ref", rowOf(ours.coefficients()), ours.intercepts().apply(0));
        Dataset<Row> df = features("logistic-test.csv");
        Dataset<Row> out = ours.transform(df);
        assertFalse(Arrays.asList(out.columns()).contains("probability"));
        assertFalse(Arrays.asList(ours.transformSchema(df.schema()).fieldNames()).contains("probability"));
        List<Row> a = out.select("rawPrediction", "prediction").collectAsList();
        List<Row> b = ref.transform(df).select("rawPrediction", "prediction").collectAsList();
        for (int i = 0; i < a.size(); i++) {
            assertClose(b.get(i).getAs(0), a.get(i).getAs(0), 1e-12);
            assertEquals(b.get(i).getDouble(1), a.get(i).getDouble(1));
        }
        assertThrows(UnsupportedOperationException.class, () -> ours.predictProbability(Vectors.dense(1, 2, 3, 4)));
    }

    @Test
    void linearTransformsAsSparkMlsLinearRegressionAndKeepsEveryInputColumnAndRow() {
        SteepestRegressionModel ours = (SteepestRegressionModel) SteepestModels.of(modelJson(LINEAR + "model.type = linear"));
        LinearRegressionModel ref = new LinearRegressionModel("ref", ours.coefficients(), ours.intercept());
        Dataset<Row> df = features("linear-test.csv");
        Dataset<Row> out = ours.transform(df);
        List<String> cols = Arrays.asList(out.columns());
        assertTrue(cols.containsAll(Arrays.asList(df.columns())) && cols.contains("prediction"));
        assertEquals(df.columns().length + 1, cols.size());
        List<Row> a = out.select("prediction").collectAsList();
        List<Row> b = ref.transform(df).select("prediction").collectAsList();
        assertEquals(df.count(), a.size());
        for (int i = 0; i < a.size(); i++) assertEquals(b.get(i).getDouble(0), a.get(i).getDouble(0), 1e-12);
    }

    @Test
    void mlpModelsOfEveryHeadTransformAsTheirScorerAndExposeTheirLayers() {
        String mlp = "model.type = mlp\nmodel.hidden = [5]\n";
        SteepestClassificationModel soft = (SteepestClassificationModel) SteepestModels.of(modelJson(SOFTMAX + mlp));
        SteepestClassificationModel logit = (SteepestClassificationModel) SteepestModels.of(
                modelJson(LOGISTIC + mlp + "model.head = logistic"));
        SteepestRegressionModel squared = (SteepestRegressionModel) SteepestModels.of(
                modelJson(LINEAR + mlp + "model.head = squared"));
        assertEquals(3, soft.numClasses());
        assertEquals(2, logit.numClasses());
        assertEquals(2, soft.layers().size());
        assertEquals(5, soft.layers().get(0).weights().numRows());
        assertEquals(4, soft.layers().get(0).weights().numCols());
        assertEquals("softmax", soft.layers().get(1).activation());
        assertThrows(UnsupportedOperationException.class, soft::coefficients);
        for (SteepestClassificationModel m : List.of(soft, logit)) {
            for (Row r : m.transform(features(m == soft ? "softmax-test.csv" : "logistic-test.csv"))
                    .select("features", "rawPrediction", "probability", "prediction").collectAsList()) {
                double[] x = ((Vector) r.getAs(0)).toArray();
                assertArrayEquals(m.scoringModel().scorer().raw(x), ((Vector) r.getAs(1)).toArray(), 0.0);
                assertArrayEquals(m.scoringModel().scorer().probability(x), ((Vector) r.getAs(2)).toArray(), 0.0);
                assertEquals(m.scoringModel().scorer().predict(x), r.getDouble(3));
            }
        }
        for (Row r : squared.transform(features("linear-test.csv")).select("features", "prediction").collectAsList()) {
            assertEquals(squared.scoringModel().scorer().predict(((Vector) r.getAs(0)).toArray()), r.getDouble(1));
        }
    }

    @Test
    void aModelSavedAndLoadedAloneOrInAPipelineOnAPathOrAFileUriPredictsTheSame() throws Exception {
        SteepestClassificationModel model = (SteepestClassificationModel) SteepestModels.of(
                modelJson(SOFTMAX + "model.type = softmax"));
        Dataset<Row> raw = spark.read().option("header", true).option("inferSchema", true)
                .csv(SparkTestSupport.sample("softmax-test.csv"));
        VectorAssembler assembler = new VectorAssembler().setInputCols(new String[] {"x0", "x1", "x2", "x3"})
                .setOutputCol("features");
        PipelineModel pipeline = new Pipeline().setStages(new PipelineStage[] {assembler, model}).fit(raw);
        List<Row> expected = pipeline.transform(raw).select("probability", "prediction").collectAsList();
        for (String where : List.of(tmp.resolve("plain").toString(), tmp.resolve("uri").toUri().toString())) {
            model.write().overwrite().save(where + "-model");
            SteepestClassificationModel loaded = SteepestClassificationModel.load(where + "-model");
            assertEquals(model.uid(), loaded.uid());
            assertEquals(expected, loaded.transform(assembler.transform(raw)).select("probability", "prediction")
                    .collectAsList());
            pipeline.write().overwrite().save(where + "-pipeline");
            assertEquals(expected, PipelineModel.load(where + "-pipeline").transform(raw)
                    .select("probability", "prediction").collectAsList());
        }
        SteepestRegressionModel reg = (SteepestRegressionModel) SteepestModels.of(modelJson(LINEAR + "model.type = huber"));
        reg.setPredictionCol("yhat").write().save(tmp.resolve("reg").toString());
        SteepestRegressionModel back = SteepestRegressionModel.load(tmp.resolve("reg").toString());
        assertEquals("yhat", back.getPredictionCol());
        assertEquals(reg.coefficients(), back.coefficients());
    }

    @Test
    void aTrainingRunsOutputHoldsTheSparkModelThatPredictsAsItsModelJson() throws Exception {
        Path dir = tmp.resolve("run");
        RunDirectory out = RunDirectory.open(dir, false);
        TrainJob.run(spark, SparkTestSupport.config(LOGISTIC + "model.type = logistic"), out,
                new PrintStream(new ByteArrayOutputStream()), System.nanoTime());
        out.commit();
        assertTrue(Files.isDirectory(dir.resolve("spark-model")));
        SteepestClassificationModel loaded = SteepestClassificationModel.load(dir.resolve("spark-model").toString());
        SteepestClassificationModel fromJson = SteepestClassificationModel.fromModelJson(spark, dir.toString());
        Dataset<Row> df = features("logistic-test.csv");
        assertEquals(fromJson.transform(df).select("probability").collectAsList(),
                loaded.transform(df).select("probability").collectAsList());
        assertEquals(List.of(0.0, 1.0), loaded.labels());
    }

    @Test
    void aStreamingDataFrameTransformsAsTheSameRowsInABatch() throws Exception {
        SteepestClassificationModel model = (SteepestClassificationModel) SteepestModels.of(
                modelJson(SOFTMAX + "model.type = softmax"));
        Path in = tmp.resolve("stream-in");
        Files.createDirectories(in);
        Files.copy(Path.of(SparkTestSupport.sample("softmax-test.csv")), in.resolve("part.csv"));
        Dataset<Row> batch = spark.read().option("header", true).option("inferSchema", true).csv(in.toString());
        Dataset<Row> stream = spark.readStream().option("header", true).schema(batch.schema()).csv(in.toString());
        VectorAssembler assembler = new VectorAssembler().setInputCols(new String[] {"x0", "x1", "x2", "x3"})
                .setOutputCol("features");
        // foreachBatch rather than the memory sink: the memory sink's commit message is not in the Kryo registry
        // that the CLI's session requires (spark.kryo.registrationRequired)
        List<Row> streamed = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        StreamingQuery q = model.transform(assembler.transform(stream)).select("x0", "probability", "prediction")
                .writeStream().foreachBatch((org.apache.spark.api.java.function.VoidFunction2<Dataset<Row>, Long>)
                        (df, id) -> streamed.addAll(df.collectAsList())).start();
        try {
            q.processAllAvailable();
        } finally {
            q.stop();
        }
        List<Row> expected = model.transform(assembler.transform(batch)).select("x0", "probability", "prediction")
                .collectAsList();
        assertEquals(expected.size(), streamed.size());
        assertEquals(new java.util.HashSet<>(expected), new java.util.HashSet<>(streamed));
    }

    @Test
    void aVectorOfTheWrongSizeIsRefusedNamingBothSizes() {
        SteepestRegressionModel m = (SteepestRegressionModel) SteepestModels.of(modelJson(LINEAR + "model.type = linear"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.predict(Vectors.dense(1, 2)));
        assertEquals("features: a vector of size 2; the model takes 5 features", e.getMessage());
        assertEquals(5, m.numFeatures());
    }

    private static Vector rowOf(Matrix m) {
        double[] v = new double[m.numCols()];
        for (int j = 0; j < v.length; j++) v[j] = m.apply(0, j);
        return Vectors.dense(v);
    }

    private static void assertClose(Vector expected, Vector actual, double tol) {
        assertArrayEquals(expected.toArray(), actual.toArray(), tol);
    }

}
