package dev.steepest.spark.cli;

import dev.steepest.spark.InputError;
import dev.steepest.spark.checkpoint.Checkpoint;
import dev.steepest.spark.checkpoint.Resumption;
import dev.steepest.spark.checkpoint.SavedConfig;
import dev.steepest.spark.job.Checkpointing;
import dev.steepest.spark.config.ConfigLoader;
import dev.steepest.spark.config.JobConfig;
import dev.steepest.spark.data.BlockLoader;
import dev.steepest.spark.data.Errors;
import dev.steepest.spark.job.SparkSessions;
import dev.steepest.spark.job.TrainJob;
import dev.steepest.spark.job.TrainingInputs;
import dev.steepest.spark.output.OutputFailure;
import dev.steepest.spark.output.RunDirectory;
import dev.steepest.spark.spec.RunSpec;
import dev.steepest.spark.spec.TrainingSpec;
import java.io.File;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;
import java.time.format.DateTimeFormatter;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * The steepest command line, for the launcher ({@code spark-job/bin/steepest}) and for {@code spark-submit
 * --class dev.steepest.spark.cli.Main}. Config, arguments and the output directory are checked before Spark
 * starts; errors are one line on stderr with exit code 2 (input) or 3 (diverged), stack traces only with
 * {@code --verbose}.
 */
public final class Main {
    private Main() {
    }

    private static final String OUT_OF_MEMORY_HINT = "%s; give the driver more heap with STEEPEST_DRIVER_MEMORY=8g "
            + "(the launcher; spark.driver.memory or --driver-memory under spark-submit) and executors more with "
            + "spark.executor.memory, or lower train.batch-size / use data.precision = float32";

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the CLI and returns the exit code (tests call this in-process). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        switch (args.length == 0 ? "" : args[0]) { // the looking sub-commands parse their own arguments
            case "report" -> {
                return dev.steepest.spark.report.ReportCommand.run(args, out, err);
            }
            case "lr-find" -> {
                return dev.steepest.spark.lrfind.LrFindCommand.run(args, out, err);
            }
            case "compare" -> {
                return dev.steepest.spark.compare.CompareCommand.run(args, out, err);
            }
            case "predict", "evaluate" -> {
                return ScoringCommands.run(args, out, err);
            }
            default -> { }
        }
        long start = System.nanoTime();
        boolean verbose = false;
        for (String a : args) verbose |= a.equals("--verbose");
        RunDirectory dir = null;
        SparkSession spark = null;
        StopSignals signals = StopSignals.install(err);
        Thread exitWatch = new Thread(() -> err.println("steepest: " + OUT_OF_MEMORY_HINT.replace("%s",
                "Spark ended the JVM during the run: exit code 52 is Spark's for a thread out of memory (50 for "
                + "another uncaught error, logged above)")));
        Runtime.getRuntime().addShutdownHook(exitWatch);
        try {
            CliArgs cli = CliArgs.parse(args);
            if (cli.help()) {
                out.println(CliArgs.USAGE);
                return ExitCode.OK;
            }
            checkBlasMode();
            Resumption.Located resumed = null;
            JobConfig cfg;
            RunSpec run; // output.dir, model.init-from and the checkpoints: checked before the rest of the spec
            String outDir;
            boolean overwrite = cli.overwrite();
            if (cli.resume() != null) {
                resumed = Resumption.locate(cli.resume(), hadoopConf(ConfigLoader.read(
                        cli.config() == null ? null : new File(cli.config()), cli.sets()).spark()));
                Checkpoint saved = resumed.checkpoint();
                cfg = cli.config() != null ? ConfigLoader.load(new File(cli.config()), cli.sets())
                        : SavedConfig.load(saved.source(), cli.sets());
                String changed = Resumption.changedSetting(saved.config(), cfg.resolved());
                if (changed != null) throw new InputError("--resume " + resumed.path() + ": " + changed);
                run = RunSpec.of(cfg);
                outDir = cli.out() != null ? cli.out()
                        : run.outputDir() != null ? run.outputDir() : saved.runDirectory();
                overwrite = true; // the run goes on where it wrote: its own earlier output is replaced on commit
                RunDirectory.check(outDir, true, hadoopConf(cfg.sparkSettings()));
            } else {
                cfg = ConfigLoader.load(new File(cli.config()), cli.sets());
                run = RunSpec.of(cfg);
                outDir = outputDirectory(cli, run);
                RunDirectory.check(outDir, overwrite, hadoopConf(cfg.sparkSettings()));
                Checkpointing.checkNewRun(run.checkpoints(), outDir, overwrite, hadoopConf(cfg.sparkSettings()));
            }
            checkInputsExist(cfg, run);
            TrainingSpec spec = TrainingSpec.of(cfg); // the whole spec, checked before Spark starts

            spark = SparkSessions.create(cfg);
            SparkSession session = spark;
            signals.beforeTraining(() -> session.sparkContext().cancelAllJobs());
            if (signals.received() != null) return stoppedBeforeTraining(signals, err);
            dir = RunDirectory.open(outDir, overwrite, spark.sparkContext().hadoopConfiguration());
            TrainJob.Outcome outcome = TrainJob.run(spark, spec, TrainingInputs.FILES, dir, out, start,
                    List.of(signals.listener()), resumed);
            if (cli.report() && !dir.local()) { // written with the outputs: report reads local directories
                String name = new org.apache.hadoop.fs.Path(dir.target()).getName();
                dev.steepest.spark.report.ReportCommand.write(dir.file(""), name, dir.file("report.html"));
                out.println("report: " + dir.target("report.html"));
            }
            dir.commit();
            Checkpointing.afterCommit(spec.run().checkpoints(), dir.target(),
                    spark.sparkContext().hadoopConfiguration(), out::println);
            out.println("outputs: " + dir.target());
            if (cli.report() && dir.local()) dev.steepest.spark.report.ReportCommand.run(
                    new String[] {"report", dir.target()}, out, err);
            String stop = outcome.result().stopReason();
            if (signals.received() != null && stop.equals(signals.received().toLowerCase(Locale.ROOT))) {
                err.println("steepest: stopped by " + signals.received() + " after step " + outcome.result().iterations()
                        + String.format(Locale.ROOT, " (%.4g epochs)", outcome.result().epochs())
                        + "; the model so far is in " + dir.target() + " (stop_reason " + stop + "); go on with: "
                        + "steepest train --resume " + dir.target());
                return signals.exitCode();
            }
            if (outcome.result().diverged()) {
                err.println("steepest: training diverged at " + outcome.result().divergenceMessage()
                        + "; the last good parameters are in " + dir.target("model.json"));
                return ExitCode.DIVERGED;
            }
            return ExitCode.OK;
        } catch (OutputFailure e) {
            err.println("steepest: error: " + e.getMessage());
            if (verbose) e.printStackTrace(err);
            return ExitCode.OUTPUT;
        } catch (OutOfMemoryError e) {
            err.println("steepest: " + OUT_OF_MEMORY_HINT.replace("%s", "out of memory on the driver (" + e.getMessage()
                    + ")"));
            if (verbose) e.printStackTrace(err);
            return ExitCode.OUT_OF_MEMORY;
        } catch (Exception e) { // Spark's exceptions are checked in Java's eyes but thrown from Scala
            if (signals.received() != null) return stoppedBeforeTraining(signals, err);
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
            if (dir != null) dir.abort();
            if (spark != null) spark.stop();
            signals.close();
            try {
                Runtime.getRuntime().removeShutdownHook(exitWatch);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting: the hook says why
            }
        }
    }

    private static int stoppedBeforeTraining(StopSignals signals, PrintStream err) {
        err.println("steepest: stopped by " + signals.received() + " before the outputs were complete; nothing was "
                + "written");
        return signals.exitCode();
    }

    /** A Hadoop configuration with the spark.hadoop.* settings, as Spark makes it. */
    static Configuration hadoopConf(java.util.Map<String, String> sparkSettings) {
        return dev.steepest.spark.output.Storage.hadoopConf(sparkSettings);
    }

    /** Missing inputs (and a warm start's model that is none) fail before Spark starts; spark.hadoop.* keys reach the FileSystem as under Spark. */
    public static void checkInputsExist(JobConfig cfg) {
        checkInputsExist(cfg, RunSpec.of(cfg));
    }

    /** As above, with the warm start {@code run} names ({@link RunSpec#initFrom}, from {@code cfg}). */
    public static void checkInputsExist(JobConfig cfg, RunSpec run) {
        Configuration conf = hadoopConf(cfg.sparkSettings());
        BlockLoader.checkExists(conf, "data.train", cfg.trainPath());
        if (cfg.testPath() != null) BlockLoader.checkExists(conf, "data.test", cfg.testPath());
        if (cfg.validationPath() != null) BlockLoader.checkExists(conf, "data.validation", cfg.validationPath());
        if (run.initFrom() != null) dev.steepest.spark.job.WarmStart.read(conf, RunSpec.INIT_FROM_KEY, run.initFrom());
    }

    private static String outputDirectory(CliArgs cli, RunSpec run) {
        if (cli.out() != null) return cli.out();
        if (run.outputDir() != null) return run.outputDir();
        String name = new File(cli.config()).getName().replaceAll("\\.(conf|hocon|json|properties)$", "");
        String time = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        return Paths.get("runs", name + "-" + time).toString();
    }

    /** The kernels' BLAS property ({@code -Dsteepest.blas}, core's {@code Blas}), checked before anything runs. */
    private static void checkBlasMode() {
        try {
            dev.steepest.core.model.Blas.Mode.parse(System.getProperty("steepest.blas", "auto"));
        } catch (IllegalArgumentException e) {
            throw new InputError("-D" + e.getMessage());
        }
    }
}
