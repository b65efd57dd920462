package dev.steepest.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.spark.job.TrainJob;
import dev.steepest.spark.ml.ModelJson;
import dev.steepest.spark.ml.SteepestClassificationModel;
import dev.steepest.spark.ml.SteepestClassifier;
import dev.steepest.spark.ml.SteepestModels;
import dev.steepest.spark.ml.SteepestRegressionModel;
import dev.steepest.spark.ml.SteepestRegressor;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import dev.steepest.spark.job.SparkSessions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Estimators: the same settings through the CLI's config and through {@code fit} give bit-identical parameters;
 * a Pipeline fits, saves, loads and predicts the same; CrossValidator picks the best step size, also with two fits at
 * once.
 */
class SparkMlEstimatorsTest {
    private static SparkSession spark;

    @TempDir
    Path tmp;

    /**
     * The CLI's session settings but {@code spark.kryo.registrationRequired = false}, as a Spark user's session has
     * it: Spark ML's own StringIndexerModel reader and RegressionEvaluator ship classes (ArrayType,
     * SummarizerBuffer) that no registrator of ours lists.
     */
    @BeforeAll
    static void startSpark() {
        SparkConf conf = SparkSessions.conf(SparkTestSupport.config("data.train = x.csv\nmodel.type = linear\n"
                + "spark.master = \"local[2]\"\nspark.kryo.registrationRequired = false"));
        conf.set("spark.ui.enabled", "false");
        conf.set("spark.sql.shuffle.partitions", "4");
        SparkSession active = SparkSession.getActiveSession().getOrElse(() -> null);
        if (active != null) active.stop();
        spark = SparkSession.builder().config(conf).getOrCreate();
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    private static TrainJob.Outcome train(String hocon) {
        return TrainJob.run(spark, SparkTestSupport.config(hocon), null,
                new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), System.nanoTime());
    }

    private static Dataset<Row> assembled(Dataset<Row> df, String... cols) {
        return new VectorAssembler().setInputCols(cols).setOutputCol("features").transform(df);
    }

    @Test
    void theSameSettingsThroughTheConfigAndThroughFitGiveBitIdenticalParameters() {
        theCliAndFitGiveBitIdenticalParameters(spark);
    }

    /**
     * The CLI's training path (the config, {@link TrainJob}) and {@code fit} on the same data and settings, in
     * {@code session}: bit-identical parameters. {@link ReproducibilityTest} runs this in local-cluster too.
     */
    static void theCliAndFitGiveBitIdenticalParameters(SparkSession session) {
        String parquet = SparkTestSupport.sample("linear.parquet");
        TrainJob.Outcome cli = TrainJob.run(session, SparkTestSupport.config("data.train = \"" + parquet + "\"\n"
                + "data.label = y\nmodel.type = linear\noptimizer.name = adam\noptimizer.lr = 0.05\ntrain.epochs = 3\n"
                + "train.batch-size = 64\nregularization.l2 = 0.005\nregularization.l1 = 0.005\n"
                + "spark.master = \"local[2]\"\n"), null,
                new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), System.nanoTime());
        SteepestRegressionModel viaCli = (SteepestRegressionModel) SteepestModels.of(ModelJson.text(cli.modelJson()));
        SteepestRegressor est = new SteepestRegressor().setStepSize(0.05).setRegParam(0.01).setElasticNetParam(0.5)
                .setConfig("optimizer.name", "adam").setConfig("train.epochs", 3).setConfig("train.batch-size", "64");
        est.setLabelCol("y");
        SteepestRegressionModel viaFit = est.fit(assembled(session.read().parquet(parquet), "x0", "x1", "x2", "x3", "x4"));
        assertEquals(cli.summary().get("step_mode"), viaFit.summary().figures().get("step_mode"));
        assertArrayEquals(viaCli.coefficients().toArray(), viaFit.coefficients().toArray(), 0.0);
        assertEquals(viaCli.intercept(), viaFit.intercept(), 0.0);
        assertTrue(viaCli.coefficients().apply(4) > 1.5, viaCli.coefficients().toString()); // it learned (true: 3 x4)
    }

    @Test
    void aPipelineFitSavedAndLoadedOnAPathAndAFileUriPredictsTheSame() throws Exception {
        Dataset<Row> raw = spark.read().option("header", true).option("inferSchema", true)
                .csv(SparkTestSupport.sample("softmax.csv"));
        SteepestClassifier clf = new SteepestClassifier().setConfig("model.type", "softmax").setStepSize(0.1)
                .setConfig("train.epochs", 2);
        clf.setLabelCol("labelIndex");
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
            new VectorAssembler().setInputCols(new String[] {"x0", "x1", "x2", "x3"}).setOutputCol("features"),
            new StringIndexer().setInputCol("label").setOutputCol("labelIndex"), clf});
        PipelineModel model = pipeline.fit(raw);
        assertEquals(3, ((SteepestClassificationModel) model.stages()[2]).numClasses());
        List<Row> expected = model.transform(raw).select("probability", "prediction").collectAsList();
        for (String where : List.of(tmp.resolve("p").toString(), tmp.resolve("u").toUri().toString())) {
            model.write().overwrite().save(where);
            assertEquals(expected, PipelineModel.load(where).transform(raw).select("probability", "prediction")
                    .collectAsList());
            pipeline.write().overwrite().save(where + "-estimator");
            Pipeline back = Pipeline.load(where + "-estimator");
            SteepestClassifier loaded = (SteepestClassifier) back.getStages()[2];
            assertEquals("softmax", loaded.getOrDefault(loaded.getParam("modelType")));
            assertEquals(0.1, loaded.getOrDefault(loaded.stepSize()));
        }
    }

    @Test
    void crossValidatorOverThreeStepSizesPicksTheBestWithOneAndTwoFitsAtOnce() {
        Dataset<Row> df = assembled(spark.read().option("header", true).option("inferSchema", true)
                .csv(SparkTestSupport.sample("linear.csv")), "x0", "x1", "x2", "x3", "x4");
        SteepestRegressor est = new SteepestRegressor().setConfig("train.epochs", 2)
                .setConfig("train.batch-size", "64");
        est.setLabelCol("y");
        ParamMap[] grid = new ParamGridBuilder().addGrid(est.stepSize(), new double[] {1e-5, 0.05, 0.002}).build();
        for (int parallelism : new int[] {1, 2}) {
            CrossValidatorModel cv = new CrossValidator().setEstimator(est).setEstimatorParamMaps(grid).setNumFolds(2)
                    .setEvaluator(new RegressionEvaluator().setLabelCol("y").setMetricName("rmse"))
                    .setParallelism(parallelism).setSeed(7).fit(df);
            double[] rmse = cv.avgMetrics();
            int best = 0;
            for (int i = 1; i < rmse.length; i++) if (rmse[i] < rmse[best]) best = i;
            assertEquals(1, best, java.util.Arrays.toString(rmse)); // 0.05
            SteepestRegressionModel chosen = (SteepestRegressionModel) cv.bestModel();
            assertEquals(0.05, chosen.parent().getOrDefault(chosen.parent().getParam("stepSize")));
        }
    }

    @Test
    void everyTrainingKeyIsAParamThatExplainParamsDocuments() {
        SteepestClassifier clf = new SteepestClassifier();
        String explained = clf.explainParams();
        for (String name : List.of("stepSize", "maxIter", "regParam", "elasticNetParam", "tol", "fitIntercept",
                "standardization", "seed", "weightCol", "validationIndicatorCol", "thresholds", "trainBatchSize",
                "optimizerName", "scheduleName", "modelHidden", "trainWarmupEpochs", "clipNorm", "trainAveraging")) {
            assertTrue(clf.hasParam(name), name);
            assertTrue(explained.contains(name + ":"), name);
        }
        assertEquals(256L, clf.getOrDefault(clf.getParam("trainBatchSize")).equals("256") ? 256L : -1L);
    }
}
