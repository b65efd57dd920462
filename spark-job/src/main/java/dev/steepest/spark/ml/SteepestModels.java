package dev.steepest.spark.ml;

import dev.steepest.core.score.ScoringModel;
import java.util.Map;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.SparkSession;

/** The Spark ML model of a trained model.json: a {@link SteepestClassificationModel} or a {@link SteepestRegressionModel}. */
public final class SteepestModels {
    /** The sub-directory of a CLI run's output that holds the Spark ML model. */
    public static final String RUN_SUBDIRECTORY = "spark-model";

    private SteepestModels() {
    }

    /** The Spark ML model of model.json's text (a new uid). */
    public static org.apache.spark.ml.PredictionModel<?, ?> of(String modelJson) {
        ScoringModel m = ModelJson.parse(modelJson, "model.json");
        return m.isClassifier()
                ? new SteepestClassificationModel(Identifiable$.MODULE$.randomUID("steepestClassifier"), modelJson)
                : new SteepestRegressionModel(Identifiable$.MODULE$.randomUID("steepestRegressor"), modelJson);
    }

    /**
     * Saves the Spark ML model of a run's model.json object under {@code path} (a Hadoop path or URI), as
     * {@code write().save(path)} does: what a CLI run puts in {@value #RUN_SUBDIRECTORY}.
     */
    public static void save(SparkSession spark, Map<String, Object> modelJson, String path) {
        ModelIO.save(spark, (ModelIO.Saved) of(ModelJson.text(modelJson)), path);
    }
}
