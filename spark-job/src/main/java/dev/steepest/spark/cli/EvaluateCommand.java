package dev.steepest.spark.cli;

import dev.steepest.core.model.Evaluation;
import dev.steepest.core.model.Model;
import dev.steepest.spark.data.BlockLoader;
import dev.steepest.spark.data.TrainingData;
import dev.steepest.spark.exec.SparkGradientSource;
import dev.steepest.spark.job.TrainJob;
import dev.steepest.spark.ml.FlatParameters;
import dev.steepest.spark.ml.ModelJson;
import dev.steepest.spark.spec.TrainingSpec;
import java.io.PrintStream;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * {@code steepest evaluate}: the metrics summary.json's {@code test} has, for a trained model on new labelled data,
 * as JSON on stdout and in a file. The data goes through training's own reader for held-out sets (columns,
 * categories, classes — a label training did not see is an input error —, bad-record policy) and the model's own
 * evaluation kernel, so the data set training was tested on gives its {@code test} figures.
 */
final class EvaluateCommand {
    private EvaluateCommand() {
    }

    /** Evaluates {@code run}'s model on {@code cli.data()}, read and evaluated with {@code training}'s settings. */
    static void run(SparkSession spark, RunModel run, TrainingSpec training, ScoringArgs cli, String target,
                    PrintStream out) {
        BlockLoader.Options options = training.data().loader();
        TrainingData data = BlockLoader.loadHeldOut(spark, "--data", cli.data(), options, run.spec(options));
        try {
            int classes = run.model().isClassifier() ? run.model().labelMapping().size() : 0;
            Model model = training.model().create(run.model().numFeatures(), classes);
            double[] params = FlatParameters.of(run.model(), model);
            Evaluation e = SparkGradientSource.evaluate(JavaSparkContext.fromSparkContext(spark.sparkContext()),
                    data.blocks(), model, params, training.steps().broadcastThresholdBytes());
            Map<String, Object> metrics = TrainJob.testMetrics(e, model);
            if (data.skippedRows() > 0) metrics.put("skipped_records", data.skipped());
            String json = ModelJson.text(metrics);
            Path file = new Path(target);
            ModelJson.writeText(spark.sparkContext().hadoopConfiguration(), file, json + "\n");
            out.println(json);
        } finally {
            data.release();
        }
    }
}
