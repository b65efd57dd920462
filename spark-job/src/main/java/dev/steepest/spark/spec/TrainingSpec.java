package dev.steepest.spark.spec;

import dev.steepest.core.optim.LrScaling;
import dev.steepest.core.optim.prox.L1Prox;
import dev.steepest.core.train.ArmijoLineSearch;
import dev.steepest.core.train.DivergencePolicy;
import dev.steepest.core.train.EarlyStopping;
import dev.steepest.core.train.GradientSource;
import dev.steepest.core.train.LbfgsTraining;
import dev.steepest.core.train.TrainingListener;
import dev.steepest.core.model.Model;
import dev.steepest.core.train.TrainingLoop;
import dev.steepest.core.train.TrainingOptions;
import dev.steepest.core.train.TrainingPlan;
import dev.steepest.core.train.TrainingSettings;
import dev.steepest.spark.InputError;
import dev.steepest.spark.config.JobConfig;
import dev.steepest.spark.config.OptimizerKind;
import java.util.List;
import java.util.StringJoiner;

/**
 * One run's training spec: the validated {@link JobConfig} turned into typed values, in this one place — the model,
 * the optimizer chain, the schedule, the batch rule and stopping ({@link TrainingSettings}), regularization, the
 * loop's options, the data options ({@link InputSpec}), how steps reach the executors ({@link StepSpec}), and where
 * the run starts from and what it writes besides its outputs ({@link RunSpec}: output directory, warm start,
 * checkpoints). {@link #of} checks everything that does not depend on
 * the data, before Spark starts; {@link #plan} computes the run's plan once, from the number of training rows, and
 * checks what depends on it, before the loop starts — so no input error comes out of the core loop. The CLI
 * ({@code steepest train}) and the Spark ML Estimators both build one and hand it to {@code TrainJob}.
 *
 * @param settings             the batch rule (size, rate, scaling rule, warmup), L2, the seed and the stopping
 *                             rules (epochs, max iterations, tolerances)
 * @param l1                   regularization.l1 (the proximal step; 0: none)
 * @param averagingStartEpoch  Polyak averaging from this epoch on; NaN: none
 * @param lineSearch           train.line-search = armijo's search, or null
 * @param earlyStopping        early stopping on the validation loss, or null
 * @param steps                how steps reach the executors and their sums come back (train.step-mode, ...)
 * @param run                  output.dir, model.init-from and the checkpoints
 */
public record TrainingSpec(JobConfig config, ModelSpec model, OptimizerSpec optimizer, ScheduleSpec schedule,
                           TrainingSettings settings, double l1, double decoupledWeightDecay,
                           boolean regularizeIntercepts, double averagingStartEpoch, ArmijoLineSearch lineSearch,
                           DivergencePolicy divergence, EarlyStopping earlyStopping, InputSpec data,
                           double progressSeconds, boolean stepMetrics, String tensorboardDir,
                           StepSpec steps, RunSpec run) {

    /** The most trial steps of one Armijo search (shrink 0.5: down to 1e-18 of the scheduled rate). */
    private static final int LINE_SEARCH_TRIALS = 60;

    /** The spec of {@code cfg} (a config the schema validated), checked as far as it can be without the data. */
    public static TrainingSpec of(JobConfig cfg) {
        ModelSpec model = ModelSpec.of(cfg);
        TrainingSettings settings = settings(cfg);
        ScheduleSpec schedule = ScheduleSpec.of(cfg);
        if (settings.batchSize() != TrainingSettings.FULL_BATCH || settings.lrScaling() == LrScaling.NONE) {
            // the effective rate is known before the data: as TrainingLoop.plan computes it
            long batch = settings.batchSize() == TrainingSettings.FULL_BATCH ? 1 : settings.batchSize();
            schedule.checkEffectiveRate(settings.lr() * settings.lrScaling().factor(batch,
                    settings.referenceBatchSize()));
        }
        ArmijoLineSearch lineSearch = "armijo".equals(cfg.string("train.line-search"))
                ? new ArmijoLineSearch(cfg.doubleValue("train.armijo.c1"), cfg.doubleValue("train.armijo.shrink"),
                        LINE_SEARCH_TRIALS) : null;
        EarlyStopping early = cfg.has("train.early-stopping.patience")
                ? new EarlyStopping((int) Math.min(Integer.MAX_VALUE, cfg.longValue("train.early-stopping.patience")),
                        cfg.doubleValue("train.early-stopping.min-delta")) : null;
        DivergencePolicy divergence = new DivergencePolicy(cfg.doubleValue("train.divergence-factor"),
                "backoff".equals(cfg.string("train.on-divergence")), (int) cfg.longValue("train.max-backoffs"));
        return new TrainingSpec(cfg, model, OptimizerSpec.of(cfg), schedule, settings,
                cfg.doubleValue("regularization.l1"), cfg.doubleValue("regularization.decoupled-weight-decay"),
                cfg.bool("regularization.include-intercepts"),
                "polyak".equals(cfg.string("train.averaging")) ? cfg.doubleValue("train.averaging-start-epoch")
                        : Double.NaN,
                lineSearch, divergence, early, InputSpec.of(cfg, model.maxClasses()),
                cfg.doubleValue("train.progress-seconds"), "step".equals(cfg.string("train.metrics")),
                cfg.string("train.tensorboard-dir"), StepSpec.of(cfg), RunSpec.of(cfg));
    }

    /** The batch rule and the stopping rules: train.*, optimizer.lr and regularization.l2. */
    public static TrainingSettings settings(JobConfig cfg) {
        long batch = cfg.fullBatch() ? TrainingSettings.FULL_BATCH : Long.parseLong(cfg.string("train.batch-size"));
        return new TrainingSettings(batch, cfg.epochs(),
                cfg.has("train.max-iterations") ? cfg.longValue("train.max-iterations") : 0L,
                cfg.longValue("train.seed"), cfg.doubleValue("optimizer.lr"), LrScaling.parse(cfg.string("train.lr-scaling")),
                cfg.longValue("train.reference-batch-size"), cfg.doubleValue("train.warmup-epochs"),
                cfg.doubleValue("regularization.l2"), tolerance(cfg, "train.tolerance.loss-change"),
                tolerance(cfg, "train.tolerance.gradient-norm"), tolerance(cfg, "train.tolerance.parameter-change"));
    }

    private static double tolerance(JobConfig cfg, String key) {
        return cfg.has(key) ? cfg.doubleValue(key) : Double.NaN;
    }

    /**
     * The run's plan for {@code numRows} training rows, computed once (the loop is handed it), with the checks that
     * depend on it: a batch larger than the data, and the schedule's ({@link ScheduleSpec#check}).
     */
    public TrainingPlan plan(long numRows) {
        TrainingPlan plan;
        try {
            plan = TrainingLoop.plan(settings, numRows);
        } catch (IllegalArgumentException e) {
            throw new InputError("train.batch-size: " + settings.batchSize() + " is larger than the data set ("
                    + numRows + " rows); use 'full' for batch gradient descent");
        }
        schedule.check(plan);
        return plan;
    }

    /** The loop's options: schedule, plateau, L1 prox, decoupled decay, intercepts, averaging, line search, divergence. */
    public TrainingOptions options() {
        TrainingOptions o = TrainingOptions.defaults()
                .withSchedule(schedule.factory())
                .withPlateau(schedule.plateau())
                .withDecoupledWeightDecay(decoupledWeightDecay)
                .withRegularizedIntercepts(regularizeIntercepts);
        if (l1 > 0) o = o.withProx(new L1Prox(l1));
        if (!Double.isNaN(averagingStartEpoch)) o = o.withAveragingFrom(averagingStartEpoch);
        if (lineSearch != null) o = o.withLineSearch(lineSearch);
        return o.withDivergence(divergence);
    }

    /**
     * The L-BFGS driver for {@code optimizer.name = lbfgs} (null for every other optimizer): memory
     * {@code optimizer.history}, OWL-QN with {@code regularization.l1}; {@code plan} as {@link #plan} made it, or null.
     */
    public LbfgsTraining lbfgs(GradientSource source, Model model, TrainingPlan plan, TrainingOptions options,
                               List<TrainingListener> listeners) {
        if (!optimizer.lbfgs()) return null;
        return new LbfgsTraining(source, model, settings, plan, optimizer.history(), l1, regularizeIntercepts,
                options.validator(), listeners);
    }

    /** One line for the log: the optimizer with its resolved options, clipping, regularization and schedule. */
    public String describe() {
        OptimizerKind kind = optimizer.kind();
        StringBuilder s = new StringBuilder("optimizer ").append(kind.configName()).append(" (");
        StringJoiner opts = new StringJoiner(", ");
        java.util.Map<String, Object> resolved = config.resolved();
        kind.takes().keySet().forEach(k -> opts.add(k.substring("optimizer.".length()) + " " + resolved.get(k)));
        s.append(opts).append(")");
        for (String k : List.of("clip.value", "clip.norm")) {
            if (config.has(k)) s.append(", ").append(k).append(' ').append(config.string(k));
        }
        for (String k : List.of("regularization.l2", "regularization.l1", "regularization.decoupled-weight-decay")) {
            if (config.doubleValue(k) != 0.0) s.append(", ").append(k.substring(15)).append(' ').append(config.string(k));
        }
        s.append(", schedule ").append(schedule.kind().configName());
        if (!Double.isNaN(averagingStartEpoch)) {
            s.append(", Polyak averaging from epoch ").append(config.string("train.averaging-start-epoch"));
        }
        return s.toString();
    }
}
