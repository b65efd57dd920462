package dev.steepest.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.spark.job.SparkSessions;
import dev.steepest.spark.job.TrainJob;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import org.apache.spark.SparkConf;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A standardized, regularized steepest model is Spark ML's: the same data, {@code regularization.l2 = λ(1−α)} and
 * {@code regularization.l1 = λα} against {@code regParam = λ}, {@code elasticNetParam = α},
 * {@code standardization = true} give the same coefficients and intercepts (to 1e-5 relative) and the same
 * exact zeros. Spark fits in the test, with a tiny {@code tol} and a large {@code maxIter}; steepest runs L-BFGS
 * (OWL-QN for L1) to a parameter change of 1e-13, and for one case proximal batch gradient descent. For the
 * logistic models, Spark's last iterate's objective equals steepest's final objective to 1e-12 relative.
 */
class SparkMlEquivalenceTest {
    private static final double REL = 1e-5;
    private static final String LBFGS = "optimizer.name = lbfgs";
    private static SparkSession spark;

    /** The CLI's session, except that Kryo need not know Spark ML's own classes (its summarizer's buffers). */
    @BeforeAll
    static void startSpark() {
        SparkConf conf = SparkSessions.conf(SparkTestSupport.config(
                "data.train = x.csv\nmodel.type = linear\nspark.master = \"local[2]\""));
        conf.set("spark.ui.enabled", "false");
        conf.set("spark.sql.shuffle.partitions", "4");
        conf.set("spark.kryo.registrationRequired", "false");
        SparkSession active = SparkSession.getActiveSession().getOrElse(() -> null);
        if (active != null) active.stop();
        spark = SparkSession.builder().config(conf).getOrCreate();
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    private static TrainJob.Outcome train(String hocon) {
        return TrainJob.run(spark, SparkTestSupport.config(hocon), null, new PrintStream(new ByteArrayOutputStream()),
                System.nanoTime());
    }

    private static Dataset<Row> read(String sample, String label) {
        Dataset<Row> raw = spark.read().option("header", true).option("inferSchema", true)
                .csv(SparkTestSupport.sample(sample));
        String[] features = Arrays.stream(raw.columns()).filter(c -> !c.equals(label)).toArray(String[]::new);
        return new VectorAssembler().setInputCols(features).setOutputCol("features").transform(raw)
                .withColumn("label", functions.col(label).cast("double"));
    }

    private static TrainJob.Outcome steepest(String sample, String label, String type, double l2, double l1,
                                             String optimizer) {
        return train(String.join("\n",
                "data.train = \"" + SparkTestSupport.sample(sample) + "\"",
                "data.label = " + label,
                "model { type = " + type + ", standardize = true }",
                "regularization { l2 = " + l2 + ", l1 = " + l1 + " }",
                optimizer,
                "train { batch-size = full, max-iterations = 20000, tolerance.parameter-change = 1e-13 }"));
    }

    /** Equal to {@link #REL} relative to the larger of the value and 1e-2 (coefficients here are order 1). */
    private static void assertClose(double expected, double actual, String what) {
        assertEquals(expected, actual, REL * Math.max(Math.abs(expected), 1e-2), what);
        assertEquals(expected == 0.0, actual == 0.0, what + ": zero pattern (Spark " + expected + ", steepest "
                + actual + ")");
    }

    /** Stopped by the tolerance, or where no step lowers the objective any more. */
    private static void assertConverged(TrainJob.Outcome o) {
        String why = o.result().stopReason();
        assertTrue("parameter-change".equals(why) || "no-progress".equals(why), why + " after "
                + o.result().iterations());
    }

    @ParameterizedTest(name = "λ = {0}, α = {1}, {2}")
    @CsvSource(delimiter = ';', value = {"0.05; 0.0; optimizer.name = lbfgs", "0.02; 1.0; optimizer.name = lbfgs",
            "0.05; 0.5; optimizer.name = lbfgs", "0.02; 1.0; optimizer { name = sgd, lr = 2.0 }"})
    void binomialLogisticRegressionEqualsSparkMl(double lambda, double alpha, String optimizer) {
        LogisticRegressionModel spark = new LogisticRegression().setFamily("binomial").setRegParam(lambda)
                .setElasticNetParam(alpha).setStandardization(true).setTol(1e-14).setMaxIter(10000)
                .fit(read("logistic.csv", "label"));
        TrainJob.Outcome o = steepest("logistic.csv", "label", "logistic", lambda * (1 - alpha), lambda * alpha,
                optimizer);
        assertConverged(o);
        double[][] w = (double[][]) o.modelJson().get("coefficients");
        double[] sparkW = spark.coefficients().toArray();
        for (int j = 0; j < sparkW.length; j++) assertClose(sparkW[j], w[0][j], "coefficient " + j);
        assertClose(spark.intercept(), ((double[]) o.modelJson().get("intercepts"))[0], "intercept");
        assertSameFinalObjective(spark, o);
    }

    /**
     * Spark's last iterate's objective (its {@code objectiveHistory}: mean loss plus the penalty in the standardized
     * space, L1 included under OWL-QN) is steepest's {@code final_train_loss}, the same objective at its own final
     * parameters: both runs end at the same optimum, where the objective is flat to second order.
     */
    private static void assertSameFinalObjective(LogisticRegressionModel spark, TrainJob.Outcome o) {
        double[] history = spark.summary().objectiveHistory();
        double sparkFinal = history[history.length - 1];
        double ours = ((Number) o.summary().get("final_train_loss")).doubleValue();
        System.out.println("final objective: Spark " + sparkFinal + " (" + history.length + " iterates), steepest "
                + ours + " (" + o.result().iterations() + " iterations)");
        assertEquals(sparkFinal, ours, 1e-12 * Math.abs(sparkFinal), "the final objective");
    }

    @ParameterizedTest(name = "λ = {0}, α = {1}")
    @CsvSource({"0.05, 0.0", "0.03, 1.0"})
    void multinomialLogisticRegressionEqualsSparkMl(double lambda, double alpha) {
        LogisticRegressionModel spark = new LogisticRegression().setFamily("multinomial").setRegParam(lambda)
                .setElasticNetParam(alpha).setStandardization(true).setTol(1e-14).setMaxIter(10000)
                .fit(read("softmax.csv", "label"));
        TrainJob.Outcome o = steepest("softmax.csv", "label", "softmax", lambda * (1 - alpha), lambda * alpha,
                LBFGS);
        assertConverged(o);
        double[][] w = (double[][]) o.modelJson().get("coefficients");
        Matrix sparkW = spark.coefficientMatrix();
        int zeros = 0;
        for (int k = 0; k < sparkW.numRows(); k++) {
            for (int j = 0; j < sparkW.numCols(); j++) {
                assertClose(sparkW.apply(k, j), w[k][j], "class " + k + " coefficient " + j);
                if (w[k][j] == 0.0) zeros++;
            }
        }
        if (alpha == 1.0) assertTrue(zeros > 0, "the L1 optimum has exact zeros");
        // the intercepts are not penalized, so only their differences are identified: Spark centers them
        double[] b = ((double[]) o.modelJson().get("intercepts")).clone();
        double mean = Arrays.stream(b).average().orElseThrow();
        double[] sparkB = spark.interceptVector().toArray();
        for (int k = 0; k < b.length; k++) {
            assertEquals(sparkB[k], b[k] - mean, REL * Math.max(Math.abs(sparkB[k]), 1e-2), "intercept " + k);
        }
        assertSameFinalObjective(spark, o);
    }

    /**
     * Spark's linear regression also divides the label by its (sample) standard deviation σ_y and the penalty by
     * σ_y: its optimum is steepest's with {@code l1 = λα}, {@code l2 = λ(1−α)/σ_y} (README, "Standardization").
     */
    @ParameterizedTest(name = "λ = {0}, α = {1}")
    @CsvSource({"0.1, 0.0", "0.1, 1.0", "0.2, 0.5"})
    void linearRegressionEqualsSparkMlWithTheLabelScaleInTheL2Penalty(double lambda, double alpha) {
        Dataset<Row> data = read("linear.csv", "y");
        LinearRegressionModel spark = new LinearRegression().setSolver("l-bfgs").setRegParam(lambda)
                .setElasticNetParam(alpha).setStandardization(true).setTol(1e-14).setMaxIter(10000).fit(data);
        double sigmaY = data.agg(functions.stddev_samp("label")).first().getDouble(0);
        TrainJob.Outcome o = steepest("linear.csv", "y", "linear", lambda * (1 - alpha) / sigmaY, lambda * alpha,
                LBFGS);
        assertConverged(o);
        double[][] w = (double[][]) o.modelJson().get("coefficients");
        double[] sparkW = spark.coefficients().toArray();
        for (int j = 0; j < sparkW.length; j++) assertClose(sparkW[j], w[0][j], "coefficient " + j);
        assertClose(spark.intercept(), ((double[]) o.modelJson().get("intercepts"))[0], "intercept");
    }
}
