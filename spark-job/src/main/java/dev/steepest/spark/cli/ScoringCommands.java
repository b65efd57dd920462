package dev.steepest.spark.cli;

import dev.steepest.spark.InputError;
import dev.steepest.spark.config.JobConfig;
import dev.steepest.spark.data.BlockLoader;
import dev.steepest.spark.data.Errors;
import dev.steepest.spark.job.SparkSessions;
import dev.steepest.spark.output.Storage;
import dev.steepest.spark.spec.TrainingSpec;
import java.io.PrintStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * {@code steepest predict} and {@code steepest evaluate}: the run directory's model and the data are checked before
 * Spark starts; errors are one line with exit code 2 (input), stack traces only with {@code --verbose}.
 */
final class ScoringCommands {
    private ScoringCommands() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        boolean verbose = false;
        for (String a : args) verbose |= a.equals("--verbose");
        SparkSession spark = null;
        try {
            ScoringArgs cli = ScoringArgs.parse(args);
            RunModel run = RunModel.open(cli.model(), Storage.hadoopConf(RunModel.sparkSets(cli.sets())));
            JobConfig cfg = run.scoringConfig(cli.data(), cli.sets());
            Configuration conf = Storage.hadoopConf(cfg.sparkSettings());
            BlockLoader.checkExists(conf, "--data", cli.data());
            boolean predict = cli.command().equals("predict");
            String target = cli.out() != null ? cli.out()
                    : new org.apache.hadoop.fs.Path(cli.model().replaceAll("/model\\.json$", ""),
                    predict ? "predictions" : "evaluation.json").toString();
            org.apache.hadoop.fs.Path t = new org.apache.hadoop.fs.Path(target);
            if (!cli.overwrite() && t.getFileSystem(conf).exists(t)) {
                throw new InputError("--out: '" + target + "' exists; pass --overwrite to replace it");
            }
            TrainingSpec spec = TrainingSpec.of(cfg); // the model and data options training had, typed
            spark = SparkSessions.create(cfg);
            if (predict) {
                PredictCommand.run(spark, run, spec, cli, target, out);
            } else {
                EvaluateCommand.run(spark, run, spec, cli, target, out);
            }
            return ExitCode.OK;
        } catch (Exception e) { // Spark's exceptions are checked in Java's eyes but thrown from Scala
            RuntimeException cause = Errors.inputErrorOr(e, "input");
            if (cause instanceof InputError) {
                err.println("steepest: error: " + cause.getMessage());
                if (verbose) e.printStackTrace(err);
                return ExitCode.INPUT;
            }
            err.println("steepest: failed: " + e + (verbose ? "" : " (run with --verbose for the stack trace)"));
            if (verbose) e.printStackTrace(err);
            return ExitCode.FAILURE;
        } finally {
            if (spark != null) spark.stop();
        }
    }
}
