package dev.steepest.spark.job;

import dev.steepest.core.data.Block;
import dev.steepest.core.model.Evaluation;
import dev.steepest.core.model.MlpModel;
import dev.steepest.core.model.Model;
import dev.steepest.core.model.Standardized;
import dev.steepest.core.train.BackoffEvent;
import dev.steepest.core.train.GradientSource;
import dev.steepest.core.train.Objective;
import dev.steepest.core.train.TrainingListener;
import dev.steepest.core.train.LbfgsTraining;
import dev.steepest.core.train.TrainingLoop;
import dev.steepest.core.train.TrainingOptions;
import dev.steepest.core.train.TrainingPlan;
import dev.steepest.core.train.TrainingResult;
import dev.steepest.core.train.TrainingSettings;
import dev.steepest.spark.InputError;
import dev.steepest.spark.config.JobConfig;
import dev.steepest.spark.data.BlockLoader;
import dev.steepest.spark.data.DataSpec;
import dev.steepest.spark.data.TrainingData;
import dev.steepest.spark.data.ValidationSplit;
import dev.steepest.spark.exec.SparkGradientSource;
import dev.steepest.spark.output.DeadGradientWarning;
import dev.steepest.spark.data.InputFiles;
import dev.steepest.spark.output.Json;
import dev.steepest.spark.output.LoadProgress;
import dev.steepest.spark.output.MetricsWriter;
import dev.steepest.spark.output.TensorBoardWriter;
import dev.steepest.spark.output.ProgressReporter;
import dev.steepest.spark.output.RunDirectory;
import dev.steepest.spark.spec.InputSpec;
import dev.steepest.spark.spec.TrainingSpec;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * One training run on a Spark session: data to cached blocks, the core training loop over the distributed
 * gradient source, then the final training loss, held-out metrics and the three output files.
 */
public final class TrainJob {
    private TrainJob() {
    }

    /**
     * What a run produced; {@code summary} and {@code modelJson} are what summary.json and model.json hold,
     * {@code epochHistory} every epoch's record in order (the Spark ML models' training summary).
     */
    public record Outcome(TrainingResult result, Model model, DataSpec spec, Map<String, Object> summary,
                          Map<String, Object> modelJson, List<dev.steepest.core.train.EpochRecord> epochHistory) {
    }

    /**
     * Trains as {@code cfg} says. {@code out} may be null (tests): then nothing is written.
     * {@code startNanos} marks the start of the run for {@code wall_seconds}.
     */
    public static Outcome run(SparkSession spark, JobConfig cfg, RunDirectory out, PrintStream console,
                              long startNanos) {
        return run(spark, cfg, TrainingInputs.FILES, out, console, startNanos, List.of());
    }

    /** As above, with the data sets read by {@code inputs} (the Spark ML Estimators stage DataFrames). */
    public static Outcome run(SparkSession spark, JobConfig cfg, TrainingInputs inputs, RunDirectory out,
                              PrintStream console, long startNanos) {
        return run(spark, cfg, inputs, out, console, startNanos, List.of());
    }

    /** As above, with {@code extra} listeners on the training loop (the CLI's stop on a signal). */
    public static Outcome run(SparkSession spark, JobConfig cfg, TrainingInputs inputs, RunDirectory out,
                              PrintStream console, long startNanos, List<TrainingListener> extra) {
        return run(spark, cfg, inputs, out, console, startNanos, extra, null);
    }

    /** As above, going on from the checkpoint {@code resumed} ({@code steepest train --resume}) when not null. */
    public static Outcome run(SparkSession spark, JobConfig cfg, TrainingInputs inputs, RunDirectory out,
                              PrintStream console, long startNanos, List<TrainingListener> extra,
                              dev.steepest.spark.checkpoint.Resumption.Located resumed) {
        return run(spark, cfg, inputs, out, console, startNanos, extra, resumed, o -> o);
    }

    /**
     * As above, with the loop's options as {@code adjust} makes them from the config's (the learning-rate range
     * test's own schedule): the same data path, model, optimizer and step modes otherwise.
     */
    public static Outcome run(SparkSession spark, JobConfig cfg, TrainingInputs inputs, RunDirectory out,
                              PrintStream console, long startNanos, List<TrainingListener> extra,
                              dev.steepest.spark.checkpoint.Resumption.Located resumed,
                              java.util.function.UnaryOperator<TrainingOptions> adjust) {
        return run(spark, TrainingSpec.of(cfg), inputs, out, console, startNanos, extra, resumed, adjust);
    }

    /** As above, for a spec already built (the CLI and the Estimators build it before Spark starts). */
    public static Outcome run(SparkSession spark, TrainingSpec spec, TrainingInputs inputs, RunDirectory out,
                              PrintStream console, long startNanos, List<TrainingListener> extra,
                              dev.steepest.spark.checkpoint.Resumption.Located resumed) {
        return run(spark, spec, inputs, out, console, startNanos, extra, resumed, o -> o);
    }

    /** The run of {@code spec}: every overload ends here. */
    public static Outcome run(SparkSession spark, TrainingSpec spec, TrainingInputs inputs, RunDirectory out,
                              PrintStream console, long startNanos, List<TrainingListener> extra,
                              dev.steepest.spark.checkpoint.Resumption.Located resumed,
                              java.util.function.UnaryOperator<TrainingOptions> adjust) {
        JobConfig cfg = spec.config();
        InputSpec data = spec.data();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        String refusal = StepSources.refusal(spec.steps(), jsc.getConf());
        if (refusal != null) throw new InputError(refusal);
        BlockLoader.Options options = data.loader();
        WarmStart.Source warm = inputs.initialModel(spark, spec.run().initFrom());
        LoadClock loads = new LoadClock();
        TrainingData train = watched(spark, spec, inputs, console, loads, "data.train", data.trainPath(),
                () -> inputs.training(spark, "data.train", data.trainPath(), options));
        List<TrainingData> cached = new ArrayList<>(List.of(train));
        DataSpec trainSpec = train.spec();
        MetricsWriter metrics = null;
        TensorBoardWriter tensorboard = null;
        List<String> eventWarnings = new ArrayList<>();
        StepSources.Steps steps = null;
        Recovery recovery = new Recovery(spark.sparkContext(), console::println);
        try {
            // the held-out set is read and checked (columns, labels) before training, so its errors cost no training
            TrainingData held = data.testPath() == null ? null : watched(spark, spec, inputs, console, loads,
                    "data.test", data.testPath(), () -> inputs.heldOut(spark, "data.test", data.testPath(), options,
                            trainSpec));
            if (held != null) cached.add(held);
            TrainingData loadedTrain = train;
            TrainingData validation = null;
            if (data.validationPath() != null) {
                validation = watched(spark, spec, inputs, console, loads, "data.validation", data.validationPath(),
                        () -> inputs.heldOut(spark, "data.validation", data.validationPath(), options, trainSpec));
                cached.add(validation);
            } else if (data.splitsValidation()) {
                // the validation rows leave the training set: from here on `train` is the rest
                double[] cls = train.spec().classes();
                ValidationSplit.Parts parts = ValidationSplit.split(train, data.validationFraction(),
                        spec.settings().seed(), cls == null ? 1 : cls.length, data.truncateLineage());
                inputs.release(loadedTrain); // both parts are cached: the whole set is not needed (unless shared)
                train = parts.train();
                validation = parts.validation();
                cached.add(train);
                cached.add(validation);
            }
            recovery.track("data.train", train);
            recovery.track(data.validationPath() != null ? "data.validation" : "validation rows", validation);
            recovery.track("data.test", held);
            Map<String, Object> badRecords = badRecords(options, loadedTrain, held,
                    data.validationPath() != null ? validation : null);
            double[] classes = train.spec().classes();
            Model raw = spec.model().create(train.spec().numFeatures(), classes == null ? 0 : classes.length);
            JavaRDD<Block> trainBlocks = train.blocks();
            Standardized standardized = spec.model().standardize()
                    ? new Standardized(raw, recovery.call(() -> "the feature moments",
                            () -> SparkGradientSource.featureMoments(trainBlocks)).std()) : null;
            Model model = standardized != null ? standardized : raw;
            TrainingSettings settings = spec.settings();
            TrainingPlan plan = spec.plan(train.numRows()); // once: the loop is handed it
            double[] initial = warm == null ? spec.model().initialParameters(model) : WarmStart.parameters(warm, model);
            long threshold = spec.steps().broadcastThresholdBytes();
            steps = StepSources.create(spec.steps(), jsc, train.blocks(), train.partitionSizes(), model,
                    console::println, recovery);
            GradientSource source = steps.source();

            List<TrainingListener> listeners = new ArrayList<>();
            listeners.add(recovery);
            listeners.add(new TrainingListener() {
                @Override
                public void onPlan(TrainingPlan p) {
                    console.println(p.describe());
                }
            });
            listeners.add(new ProgressReporter(console, spec.progressSeconds(), settings.epochs(),
                    settings.maxIterations(), plan.stepsPerEpoch()));
            listeners.add(new TrainingListener() {
                @Override
                public void onBackoff(BackoffEvent e) {
                    console.println("backoff " + e.backoffs() + ": step " + e.step() + " (epoch " + (e.epoch() + 1)
                            + ") diverged: " + e.reason() + "; restored the last good state, learning rate x"
                            + e.lrFactor() + " from now on");
                }
            });
            List<dev.steepest.core.train.EpochRecord> epochHistory = new ArrayList<>();
            listeners.add(new TrainingListener() {
                @Override
                public void onEpoch(dev.steepest.core.train.EpochRecord e) {
                    epochHistory.add(e);
                }
            });
            listeners.addAll(extra);
            DeadGradientWarning deadGradients = new DeadGradientWarning(console);
            listeners.add(deadGradients);
            if (out != null) {
                metrics = new MetricsWriter(out.file("metrics.jsonl"), spec.stepMetrics(),
                        e -> epochValidationMetrics(e, model));
                listeners.add(metrics);
            }
            if (spec.tensorboardDir() != null) {
                tensorboard = TensorBoardWriter.open(spec.tensorboardDir(), jsc.hadoopConfiguration(),
                        resumed == null ? -1 : resumed.checkpoint().state().iteration(),
                        e -> epochValidationMetrics(e, model), eventWarnings::add);
                listeners.add(tensorboard);
                console.println("tensorboard events: " + tensorboard.file());
            }
            console.println("training " + model.type() + " on " + train.numRows() + " rows x "
                    + train.spec().numFeatures() + " features in " + train.partitionSizes().length
                    + " partitions (" + train.cachedBytes() / 1024 + " KiB cached)"
                    + (validation == null ? "" : "; validating on " + validation.numRows() + " rows"));
            console.println("kernels: BLAS " + dev.steepest.core.model.Blas.implementation() + " on the driver");
            console.println(steps.describe());

            TrainingOptions loopOptions = spec.options();
            if (validation != null) {
                JavaRDD<Block> validationBlocks = validation.blocks();
                loopOptions = loopOptions.withValidation(
                        p -> recovery.call(() -> "a validation pass",
                                () -> SparkGradientSource.evaluate(jsc, validationBlocks, model, p, threshold)),
                        spec.earlyStopping());
            }
            loopOptions = adjust.apply(loopOptions);
            console.println(spec.describe());
            LbfgsTraining lbfgs = spec.lbfgs(source, model, plan, loopOptions, listeners);
            if (warm != null) console.println("warm start from " + warm.name().substring(warm.name().indexOf(' ') + 1));
            Checkpointing checkpoints = lbfgs != null ? null
                    : Checkpointing.start(spark, cfg, spec.run().checkpoints(), out, train, metrics, resumed,
                            console::println);
            if (checkpoints != null && checkpoints.listener() != null) listeners.add(checkpoints.listener());
            TrainingResult result = lbfgs != null ? lbfgs.run(initial)
                    : new TrainingLoop(source, model, settings, plan, spec.optimizer().factory(), listeners,
                            loopOptions)
                            .run(initial, checkpoints.resume());
            Map<String, Object> checkpointSummary = checkpoints == null ? null : checkpoints.finish(result);
            if (metrics != null) metrics.close();
            if (tensorboard != null) tensorboard.close();

            double[] params = result.params();
            double finalLoss = Objective.of(model, settings, loopOptions)
                    .value(source.computeAll(params).meanLoss(), params);
            steps.close();

            Map<String, Object> test = null;
            if (held != null) {
                JavaRDD<Block> heldBlocks = held.blocks();
                Evaluation e = recovery.call(() -> "the test evaluation",
                        () -> SparkGradientSource.evaluate(jsc, heldBlocks, model, params, threshold));
                test = testMetrics(e, model);
            }
            Map<String, Object> validated = null;
            if (validation != null) {
                JavaRDD<Block> validationBlocks = validation.blocks();
                Evaluation e = recovery.call(() -> "the validation evaluation",
                        () -> SparkGradientSource.evaluate(jsc, validationBlocks, model, params, threshold));
                validated = testMetrics(e, model);
            }

            Map<String, Object> modelJson = modelJson(cfg, model, train.spec(),
                    standardized != null ? standardized.toOriginal(params) : params);
            Map<String, Object> summary = summary(result, train, finalLoss, test, validated, startNanos);
            summary.put("load_seconds", loads.seconds());
            summary.put("rows_per_second_loaded", loads.rows / Math.max(loads.seconds(), 1e-9));
            if (badRecords != null) summary.put("bad_records", badRecords);
            List<String> warnings = new ArrayList<>(recovery.warnings());
            warnings.addAll(steps.warnings());
            warnings.addAll(deadGradients.warnings());
            if (checkpoints != null) warnings.addAll(checkpoints.warnings());
            warnings.addAll(eventWarnings);
            if (tensorboard != null) summary.put("tensorboard_events", tensorboard.file());
            if (checkpointSummary != null && !checkpointSummary.isEmpty()) summary.put("checkpoints", checkpointSummary);
            summary.put("warnings", warnings);
            summary.put("step_mode", steps.mode());
            summary.put("resident_link", steps.link());
            summary.put("resident_layout", steps.ranLayout());
            if (out != null) {
                try {
                    Json.write(out.file("model.json"), modelJson);
                    dev.steepest.spark.ml.SteepestModels.save(spark, modelJson, out.file("spark-model").toString());
                    Json.write(out.file("summary.json"), summary);
                } catch (RuntimeException e) { // a full disk: the model is kept elsewhere and the message says where
                    throw out.failed(e, modelJson);
                }
            }
            console.println(String.format(java.util.Locale.ROOT,
                    "stopped: %s after %d steps (%.4g epochs) in %.2f s; final train loss %.6g%s",
                    result.stopReason(), result.iterations(), result.epochs(), result.trainSeconds(), finalLoss,
                    (validated == null ? "" : "; validation " + describe(validated))
                            + (test == null ? "" : "; test " + describe(test))));
            for (TrainingData d : java.util.Arrays.asList(loadedTrain, held, validation)) {
                if (d != null && d.skippedRows() > 0) {
                    console.println("skipped " + d.skippedRows() + " bad records of " + d.path() + ": "
                            + d.skipped().toString().replaceAll("[{}]", "").replace("=", " "));
                }
            }
            return new Outcome(result, model, train.spec(), summary, modelJson, List.copyOf(epochHistory));
        } finally {
            if (steps != null) steps.close();
            recovery.close();
            if (metrics != null) metrics.close();
            if (tensorboard != null) tensorboard.close();
            for (TrainingData d : cached) inputs.release(d);
        }
    }

    /**
     * The time spent loading the run's data sets (training, test, validation: reading, checking, caching) and the
     * rows they hold, for summary.json's {@code load_seconds} and {@code rows_per_second_loaded}.
     */
    private static final class LoadClock {
        long nanos;
        long rows;

        double seconds() {
            return nanos / 1e9;
        }
    }

    /** Loads a data set with a progress line while it takes longer than train.progress-seconds (LoadProgress). */
    private static TrainingData watched(SparkSession spark, TrainingSpec spec, TrainingInputs inputs, PrintStream console,
                                        LoadClock clock, String key, String path,
                                        java.util.function.Supplier<TrainingData> load) {
        long start = System.nanoTime();
        long bytes = inputs == TrainingInputs.FILES
                ? InputFiles.totalBytes(spark.sparkContext().hadoopConfiguration(), key, path) : 0;
        try (LoadProgress p = LoadProgress.start(spark.sparkContext(), key, bytes,
                spec.progressSeconds(), console)) {
            TrainingData data = load.get();
            clock.nanos += System.nanoTime() - start;
            clock.rows += data.numRows();
            return data;
        }
    }

    /**
     * With {@code data.on-bad-record = skip}: per data set, the records skipped and their count per reason (what
     * summary.json holds under {@code bad_records}); the run's last lines repeat them for each data set that had any.
     */
    static Map<String, Object> badRecords(BlockLoader.Options options, TrainingData train, TrainingData test,
                                          TrainingData validation) {
        if (!options.skipBadRecords()) return null;
        Map<String, Object> m = new LinkedHashMap<>();
        for (TrainingData d : java.util.Arrays.asList(train, test, validation)) {
            if (d == null) continue;
            String name = d == train ? "train" : d == test ? "test" : "validation";
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("skipped", d.skippedRows());
            entry.put("reasons", d.skipped());
            m.put(name, entry);
        }
        return m;
    }

    private static String describe(Map<String, Object> metrics) {
        StringBuilder s = new StringBuilder();
        metrics.forEach((k, v) -> {
            if (v instanceof double[][]) return; // the confusion matrix is for summary.json, not the log line
            s.append(s.length() > 0 ? ", " : "").append(k.replace('_', ' ')).append(' ')
                    .append(v instanceof Double d ? String.format(java.util.Locale.ROOT, "%.6g", d) : v);
        });
        return s.toString();
    }

    public static Map<String, Object> testMetrics(Evaluation e, Model model) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", e.count());
        if (model.isClassifier()) {
            int k = Math.max(2, model.numOutputs());
            m.put("accuracy", e.accuracy());
            // the model's own loss: log loss for logistic and softmax, hinge loss for the SVM
            m.put("hinge".equals(model.type()) ? "hinge_loss" : "log_loss", e.meanLoss());
            m.put("macro_f1", e.macroF1(k));
            if (model.numOutputs() == 1) m.put("auc", e.auc());
            m.put("confusion_matrix", e.confusionMatrix(k));
        } else {
            m.put("rmse", e.rmse());
            m.put("mae", e.mae());
            m.put("r2", e.r2());
            if ("huber".equals(model.type())) m.put("huber_loss", e.meanLoss());
        }
        return m;
    }

    static Map<String, Object> modelJson(JobConfig cfg, Model model, DataSpec spec, double[] params) {
        int d = model.numFeatures();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format_version", dev.steepest.core.score.ScoringModel.FORMAT_VERSION);
        m.put("type", model.type());
        m.put("num_features", d);
        Model inner = model instanceof Standardized st ? st.inner() : model;
        if (inner instanceof MlpModel mlp) {
            // a network: its layers, input to output, each {weights (out x in), bias, activation}
            m.put("layers", mlp.layers(params));
        } else {
            int k = model.numOutputs();
            double[][] coefficients = new double[k][];
            double[] intercepts = new double[k];
            for (int c = 0; c < k; c++) coefficients[c] = Arrays.copyOfRange(params, c * d, (c + 1) * d);
            if (model.numParameters() > k * d) System.arraycopy(params, k * d, intercepts, 0, k);
            m.put("coefficients", coefficients);
            m.put("intercepts", intercepts);
        }
        m.put("feature_names", spec.featureNames());
        m.put("label_mapping", spec.labelMapping());
        m.put("config", cfg.resolved());
        return m;
    }

    /**
     * The validation metrics of one epoch for metrics.jsonl: {@code rows}, {@code loss} (the model's loss, as
     * {@code log_loss} / {@code hinge_loss} / the squared or Huber loss: the data term of the objective) and
     * {@code accuracy} for classifiers, {@code rmse} for regression.
     */
    static Map<String, Object> epochValidationMetrics(Evaluation e, Model model) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", e.count());
        m.put("loss", e.meanLoss());
        if (model.isClassifier()) m.put("accuracy", e.accuracy()); else m.put("rmse", e.rmse());
        return m;
    }

    static Map<String, Object> summary(TrainingResult r, TrainingData train, double finalLoss,
                                       Map<String, Object> test, Map<String, Object> validation, long startNanos) {
        TrainingPlan plan = r.plan();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stop_reason", r.stopReason());
        if (r.divergenceMessage() != null) m.put("divergence", r.divergenceMessage());
        m.put("iterations", r.iterations());
        m.put("epochs", r.epochs());
        m.put("batch_size", plan.batchSize());
        m.put("steps_per_epoch", plan.stepsPerEpoch());
        m.put("base_lr", plan.baseLr());
        m.put("effective_lr", plan.effectiveLr());
        m.put("lr_rule", plan.describe());
        m.put("final_train_loss", finalLoss);
        m.put("test", test);
        m.put("validation", validation);
        m.put("best_epoch", r.bestEpoch() < 0 ? null : r.bestEpoch() + 1);
        m.put("best_validation_loss", r.bestEpoch() < 0 ? null : r.bestValidationLoss());
        m.put("backoffs", r.backoffs());
        m.put("rows", train.numRows());
        m.put("partitions", train.partitionSizes().length);
        m.put("cached_bytes", train.cachedBytes());
        m.put("wall_seconds", (System.nanoTime() - startNanos) / 1e9);
        m.put("train_seconds", r.trainSeconds());
        m.put("samples_per_second", r.rowsProcessed() / Math.max(r.trainSeconds(), 1e-9));
        // the driver's; executors choose the same way from their own environment (core's Blas)
        m.put("blas", dev.steepest.core.model.Blas.implementation());
        return m;
    }
}
