package dev.steepest.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.steepest.spark.job.TrainJob;
import dev.steepest.spark.ml.ModelJson;
import dev.steepest.spark.ml.SparkMlReference;
import dev.steepest.spark.ml.SteepestClassificationModel;
import dev.steepest.spark.ml.SteepestModels;
import dev.steepest.spark.ml.SteepestRegressionModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The models' transform, which scores each row in one call straight from the features' stored form, against Spark
 * ML's own transform of the same model (three UDFs over {@code Vector} values): the same schema, the same rows, the
 * same bits, for every model head, dense and sparse rows, each combination of output columns, and thresholds.
 */
class OneCallTransformTest extends LocalSparkTest {
    private static final String LOGISTIC = "data.train = \"" + SparkTestSupport.sample("logistic.csv") + "\"\n"
            + "train.epochs = 2\ntrain.batch-size = 64\noptimizer.lr = 0.1\nspark.master = \"local[2]\"\n";
    private static final String SOFTMAX = LOGISTIC.replace("logistic.csv", "softmax.csv");
    private static final String LINEAR = LOGISTIC.replace("logistic.csv", "linear.csv") + "data.label = y\n";
    private static final String MLP = "model.type = mlp\nmodel.hidden = [5]\n";

    private static Model<?> model(String hocon) {
        return SteepestModels.of(ModelJson.text(train(hocon).modelJson()));
    }

    /** Rows of d features, dense and sparse (with explicit and implicit zeros), with an id and a passthrough. */
    private static Dataset<Row> rows(long seed, int d) {
        return rows(spark, seed, d);
    }

    private static Dataset<Row> rows(org.apache.spark.sql.SparkSession session, long seed, int d) {
        Random r = new Random(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            double[] x = new double[d];
            for (int j = 0; j < d; j++) x[j] = r.nextInt(3) == 0 ? 0.0 : r.nextGaussian() * 3;
            Vector v = i % 2 == 0 ? Vectors.dense(x) : Vectors.dense(x).toSparse();
            rows.add(RowFactory.create((long) i, v, "r" + i));
        }
        StructType schema = new StructType().add("id", DataTypes.LongType, false).add("features", new VectorUDT())
                .add("note", DataTypes.StringType);
        return session.createDataFrame(rows, schema).repartition(3);
    }

    private static void assertSameOutput(Dataset<Row> expected, Dataset<Row> actual) {
        assertEquals(expected.schema().prettyJson(), actual.schema().prettyJson()); // metadata too
        assertEquals(expected.schema(), actual.schema());
        List<Row> a = actual.orderBy("id").collectAsList();
        List<Row> b = expected.orderBy("id").collectAsList();
        assertEquals(200, a.size());
        for (int i = 0; i < a.size(); i++) {
            for (int c = 0; c < a.get(i).size(); c++) {
                Object x = a.get(i).get(c);
                Object y = b.get(i).get(c);
                if (y instanceof Vector v) {
                    assertArrayEquals(bits(v.toArray()), bits(((Vector) x).toArray()), "row " + i + " column " + c);
                } else if (y instanceof Double d) {
                    assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits((Double) x));
                } else {
                    assertEquals(y, x);
                }
            }
        }
    }

    private static long[] bits(double[] v) {
        long[] b = new long[v.length];
        for (int i = 0; i < v.length; i++) b[i] = Double.doubleToRawLongBits(v[i]);
        return b;
    }

    @Test
    void everyClassifierHeadAndEveryChoiceOfOutputColumnsTransformsAsSparkMlsOwnTransform() {
        List<SteepestClassificationModel> models = List.of(
                (SteepestClassificationModel) model(LOGISTIC + "model.type = logistic"),
                (SteepestClassificationModel) model(SOFTMAX + "model.type = softmax"),
                (SteepestClassificationModel) model(LOGISTIC + "model.type = hinge"),
                (SteepestClassificationModel) model(SOFTMAX + MLP),
                (SteepestClassificationModel) model(LOGISTIC + MLP + "model.head = logistic"));
        Dataset<Row> df = rows(11, 4);
        String[][] outputs = {{"rawPrediction", "probability", "prediction"}, {"", "probability", "prediction"},
            {"rawPrediction", "", "prediction"}, {"rawPrediction", "probability", ""}, {"", "", "prediction"},
            {"", "probability", ""}, {"raw2", "p2", "pred2"}};
        for (SteepestClassificationModel m : models) {
            for (String[] o : outputs) {
                SteepestClassificationModel c = m.copy(new org.apache.spark.ml.param.ParamMap());
                c.setRawPredictionCol(o[0]).setProbabilityCol(o[1]).setPredictionCol(o[2]);
                assertSameOutput(SparkMlReference.transform(c, df), c.transform(df));
            }
            double[] thresholds = new double[m.numClasses()];
            for (int k = 0; k < thresholds.length; k++) thresholds[k] = 0.2 + 0.3 * k;
            SteepestClassificationModel t = m.copy(new org.apache.spark.ml.param.ParamMap()).setThresholds(thresholds);
            assertSameOutput(SparkMlReference.transform(t, df), t.transform(df));
            t.setRawPredictionCol("");
            assertSameOutput(SparkMlReference.transform(t, df), t.transform(df));
        }
    }

    /**
     * In {@code session} (ReproducibilityTest: local-cluster, the expression and the model shipped to executor JVMs):
     * {@code model}'s transform equals Spark ML's own.
     */
    static void transformsAsSparkMlsOwnIn(org.apache.spark.sql.SparkSession session, SteepestClassificationModel model) {
        Dataset<Row> df = rows(session, 14, model.numFeatures());
        assertSameOutput(SparkMlReference.transform(model, df), model.transform(df));
    }

    @Test
    void regressorsTransformAsSparkMlsOwnTransform() {
        for (String hocon : List.of(LINEAR + "model.type = linear", LINEAR + "model.type = huber",
            LINEAR + MLP + "model.head = squared")) {
            SteepestRegressionModel m = (SteepestRegressionModel) model(hocon);
            Dataset<Row> df = rows(12, 5);
            assertSameOutput(SparkMlReference.transform(m, df), m.transform(df));
        }
    }

    @Test
    void theOutputsAreComputedOnceARowAndARowWithoutFeaturesIsRefusedNamingTheColumn() {
        SteepestClassificationModel m = (SteepestClassificationModel) model(SOFTMAX + "model.type = softmax");
        Dataset<Row> scored = m.transform(rows(13, 4));
        String plan = scored.queryExecution().executedPlan().toString();
        assertEquals(1, plan.split("steepest_score\\(", -1).length - 1, plan);
        assertFalse(List.of(scored.columns()).contains("__steepest_scores"));
        StructType schema = new StructType().add("id", DataTypes.LongType).add("features", new VectorUDT());
        List<Row> nullRow = List.of(RowFactory.create(1L, null));
        Exception e = assertThrows(Exception.class, () -> m.transform(spark.createDataFrame(nullRow, schema)).collect());
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof IllegalArgumentException)) cause = cause.getCause();
        assertEquals("features: a null vector in column features; every row to score needs its features",
                cause.getMessage());
    }
}
