package dev.steepest.spark.ml;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Tests' access to Spark ML's own transform of a steepest model (the reference the one-call transform equals). */
public final class SparkMlReference {
    private SparkMlReference() {
    }

    public static Dataset<Row> transform(SteepestClassificationModel m, Dataset<?> df) {
        return m.sparkTransform(df);
    }

    public static Dataset<Row> transform(SteepestRegressionModel m, Dataset<?> df) {
        return m.sparkTransform(df);
    }
}
