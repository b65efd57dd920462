package dev.steepest.core.train;

import dev.steepest.core.model.Accumulator;
import dev.steepest.core.model.Evaluation;
import dev.steepest.core.model.Model;
import dev.steepest.core.model.ParameterGroup;
import dev.steepest.core.optim.GradientTransformation;
import dev.steepest.core.optim.LearningRateSchedule;
import dev.steepest.core.optim.LinearWarmup;
import dev.steepest.core.optim.OptState;
import dev.steepest.core.optim.PolyakAverage;
import dev.steepest.core.optim.schedule.ReduceOnPlateau;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Locale;

/**
 * The driver loop, independent of where gradients come from:
 * <pre>
 *   for each epoch e, for each step k of ceil(n / B):
 *     sums      = source.compute(theta, plan(e, k))          // per-partition kernel sums, merged in order
 *     loss, g   = sums / weightSum + l2 terms                 // regularization once, here
 *     theta    += optimizer.update(g, state, theta)           // schedule, momentum, ...: see optim
 *     theta     = prox(theta - lr wd theta_before)              // decoupled decay, L1 / elastic net (options)
 *   between epochs: convergence checks, reduce-on-plateau
 * </pre>
 * With Polyak averaging the returned parameters are the mean of the iterates from the configured epoch on.
 * With a {@link Validator}, the model is evaluated on the validation rows after every epoch (recorded in the
 * {@link EpochRecord}); {@code plateau} then watches the validation loss, and {@link EarlyStopping} may end the
 * run with reason {@code early-stopping}, returning the best epoch's parameters. A diverging step (see
 * {@link DivergencePolicy}) stops the run with reason {@code diverged}, keeping the parameters from before that
 * step, or backs off (see {@link #run(double[])}).
 */
public final class TrainingLoop {
    private final GradientSource source;
    private final Model model;
    private final TrainingSettings settings;
    private final OptimizerFactory optimizerFactory;
    private final List<TrainingListener> listeners;
    private final TrainingOptions options;

    public TrainingLoop(GradientSource source, Model model, TrainingSettings settings,
                        OptimizerFactory optimizerFactory, List<TrainingListener> listeners) {
        this(source, model, settings, optimizerFactory, listeners, TrainingOptions.defaults());
    }

    public TrainingLoop(GradientSource source, Model model, TrainingSettings settings,
                        OptimizerFactory optimizerFactory, List<TrainingListener> listeners, TrainingOptions options) {
        this.source = source;
        this.model = model;
        this.settings = settings;
        this.optimizerFactory = optimizerFactory;
        this.listeners = List.copyOf(listeners);
        this.options = options;
    }

    /** Resolves batch size, steps per epoch, the scaled rate and the warmup length for {@code numRows} rows. */
    public static TrainingPlan plan(TrainingSettings s, long numRows) {
        long batch = s.batchSize() == TrainingSettings.FULL_BATCH ? numRows : s.batchSize();
        if (batch > numRows) {
            throw new IllegalArgumentException("batch size " + batch + " is larger than the data set (" + numRows
                    + " rows)");
        }
        long steps = (numRows + batch - 1) / batch;
        double effective = s.lr() * s.lrScaling().factor(batch, s.referenceBatchSize());
        long warmup = Math.round(s.warmupEpochs() * steps);
        return new TrainingPlan(numRows, batch, steps, s.lr(), effective, s.lrScaling(), s.referenceBatchSize(),
                s.warmupEpochs(), warmup);
    }

    /** The rate per step: the effective rate, reached by a linear ramp from the base rate during warmup. */
    public static LearningRateSchedule schedule(TrainingPlan plan) {
        return schedule(plan, ScheduleFactory.CONSTANT);
    }

    /** {@code factory}'s schedule, reached by a linear ramp from the base rate during warmup (Goyal et al. 2017). */
    public static LearningRateSchedule schedule(TrainingPlan plan, ScheduleFactory factory) {
        LearningRateSchedule target = factory.create(plan);
        return plan.warmupSteps() > 0 ? new LinearWarmup(plan.baseLr(), plan.warmupSteps(), target) : target;
    }

    /** The model's groups, or all of them marked regularized when intercepts are regularized too. */
    private List<ParameterGroup> groups() {
        List<ParameterGroup> groups = model.groups();
        if (!options.regularizeIntercepts()) return groups;
        List<ParameterGroup> all = new ArrayList<>(groups.size());
        for (ParameterGroup g : groups) all.add(new ParameterGroup(g.name(), g.offset(), g.length(), true));
        return all;
    }

    /** A step to (re)do before the planner's next one: its plan and where it belongs. */
    private record PendingStep(StepPlan plan, long epoch, long stepInEpoch) {
    }

    /**
     * The last verified state: the parameters of a step whose loss and gradient passed the divergence checks, with
     * everything needed to redo that step from them (a backoff restores it). The arrays are never modified after
     * the snapshot (the loop replaces its parameter vector on each step), except {@code epochGradient}, copied.
     */
    private record Snapshot(double[] params, OptState state, PolyakAverage.AverageState average, long iteration,
                            double lastLoss, StepPlan plan, long epoch, long stepInEpoch, double epochLoss,
                            double epochWeight, double[] epochGradient) {
    }

    /**
     * Runs the loop from {@code initialParams} (not modified). Divergence (see {@link DivergencePolicy}) either
     * stops the run, keeping the parameters from before the diverging step, or — with backoff — restores the last
     * verified state (parameters, optimizer state, Polyak average, step count: that of the latest step whose loss
     * passed the checks, so when the loss itself diverged the step before is redone), halves the rate for the rest
     * of the run and goes on; the step record of a redone step appears again after the backoff. A step whose
     * restored state lies in the previous epoch is redone at the start of the current one and counts in it.
     */
    public TrainingResult run(double[] initialParams) {
        long[] sizes = source.partitionSizes();
        long n = 0;
        for (long s : sizes) n += s;
        TrainingPlan plan = plan(settings, n);
        LearningRateSchedule baseSchedule = schedule(plan, options.schedule());
        List<ParameterGroup> groups = groups();
        ReduceOnPlateau plateau = options.plateau() == null ? null : options.plateau().apply(plan);
        ReduceOnPlateau.PlateauState plateauState = plateau == null ? null : plateau.initial();
        LearningRateSchedule schedule = baseSchedule;
        GradientTransformation optimizer = optimizerFactory.create(schedule, groups);
        long averageFrom = Double.isNaN(options.averagingStartEpochs()) ? -1
                : Math.round(options.averagingStartEpochs() * plan.stepsPerEpoch());
        PolyakAverage.AverageState average = averageFrom < 0 ? null : PolyakAverage.empty(model.numParameters());
        BatchPlanner planner = new BatchPlanner(sizes, plan.batchSize(), settings.seed());
        for (TrainingListener l : listeners) l.onPlan(plan);

        List<ConvergenceCheck> checks = new ArrayList<>();
        if (!Double.isNaN(settings.lossChangeTol())) checks.add(ConvergenceCheck.lossChange(settings.lossChangeTol()));
        if (!Double.isNaN(settings.gradientNormTol())) checks.add(ConvergenceCheck.gradientNorm(settings.gradientNormTol()));
        if (!Double.isNaN(settings.parameterChangeTol())) {
            checks.add(ConvergenceCheck.parameterChange(settings.parameterChangeTol()));
        }
        DivergencePolicy divergencePolicy = options.divergence();
        Validator validator = options.validator();
        EarlyStopping earlyStopping = options.earlyStopping();

        double[] params = initialParams.clone();
        OptState state = optimizer.init(params);
        long start = System.nanoTime();
        long iteration = 0;
        long rows = 0;
        double lastLoss = Double.NaN;
        String stopReason = null;
        String divergence = null;
        EpochRecord previous = null;
        int p = model.numParameters();
        double firstLoss = Double.NaN;   // the first step's batch objective
        double startLoss = Double.NaN;   // the full objective at the initial parameters, computed when needed
        double lrFactor = 1.0;           // the backoffs' persistent multiplier
        int backoffs = 0;
        Snapshot good = null;
        ArrayDeque<PendingStep> redo = new ArrayDeque<>();
        long bestEpoch = -1;
        double bestValidationLoss = Double.NaN;
        double[] bestParams = null;
        int epochsWithoutImprovement = 0;

        for (long epoch = 0; stopReason == null; epoch++) {
            if (settings.epochs() > 0 && epoch >= settings.epochs()) {
                stopReason = "epochs";
                break;
            }
            double[] epochStart = params.clone();
            double[] epochGradient = new double[p];
            double epochLoss = 0.0;
            double epochWeight = 0.0;
            BatchPlanner.Epoch steps = planner.epoch(epoch);
            while (!redo.isEmpty() || steps.hasNext()) {
                if (settings.maxIterations() > 0 && iteration >= settings.maxIterations()) {
                    stopReason = "max-iterations";
                    break;
                }
                long stepEpoch = epoch;
                long stepInEpoch;
                StepPlan stepPlan;
                if (!redo.isEmpty()) {
                    PendingStep pending = redo.removeFirst();
                    stepEpoch = pending.epoch();
                    stepInEpoch = pending.stepInEpoch();
                    stepPlan = pending.plan();
                } else {
                    stepInEpoch = steps.stepInEpoch();
                    stepPlan = steps.next();
                }
                Accumulator sums = source.compute(params, stepPlan);
                double[] gradient = sums.meanGradient();
                double loss = sums.meanLoss() + addL2(params, gradient, groups)
                        + (options.prox() == null ? 0.0 : options.prox().penalty(params, groups));
                double gradientNorm = norm(gradient);
                double lr = schedule.rate(iteration);
                String where = "step " + (iteration + 1) + " (epoch " + (stepEpoch + 1) + "): ";
                String failure = null;
                if (!Double.isFinite(loss) || !Double.isFinite(gradientNorm)) {
                    failure = "the " + (Double.isFinite(loss) ? "gradient" : "loss") + " is not finite at lr " + lr;
                } else {
                    if (Double.isNaN(firstLoss)) firstLoss = loss;
                    double factor = divergencePolicy.factor();
                    if (loss > factor * firstLoss && Double.isNaN(startLoss)) startLoss = objective(initialParams, groups);
                    double reference = Math.max(firstLoss, Double.isNaN(startLoss) ? firstLoss : startLoss);
                    if (reference > 0.0 && loss > factor * reference) {
                        failure = "the loss " + shortNumber(loss, 6) + " is more than " + shortNumber(factor, 6)
                                + " times the starting loss " + shortNumber(reference, 6) + " at lr " + lr;
                    }
                }
                GradientTransformation.Update update = null;
                double[] next = null;
                if (failure == null) {
                    if (divergencePolicy.backoff()) {
                        good = new Snapshot(params, state, average, iteration, lastLoss, stepPlan, stepEpoch,
                                stepInEpoch, epochLoss, epochWeight, epochGradient.clone());
                    }
                    update = optimizer.update(gradient, state, params);
                    next = afterStep(GradientTransformation.applyUpdates(params, update.updates()), params, lr,
                            groups);
                    if (!allFinite(next)) failure = "the update made the parameters non-finite at lr " + lr;
                }
                if (failure != null) {
                    if (!divergencePolicy.backoff() || good == null || backoffs >= divergencePolicy.maxBackoffs()) {
                        divergence = where + failure + (backoffs > 0 ? " after " + backoffs + " backoff"
                                + (backoffs == 1 ? "" : "s") : "") + "; try a lower optimizer.lr: optimizer.lr = "
                                + shortNumber(settings.lr() * lrFactor * 0.1, 3) + " or lower";
                        stopReason = "diverged";
                        break;
                    }
                    long failedStep = iteration + 1;
                    // redo the verified step; then this one, unless it is the verified step itself (its update failed)
                    redo.addFirst(new PendingStep(stepPlan, stepEpoch, stepInEpoch));
                    if (good.iteration() != iteration) {
                        redo.addFirst(new PendingStep(good.plan(), good.epoch(), good.stepInEpoch()));
                    }
                    backoffs++;
                    lrFactor *= DivergencePolicy.BACKOFF_MULTIPLIER;
                    schedule = scaledSchedule(baseSchedule, plateauState == null ? 1.0 : plateauState.scale(),
                            lrFactor);
                    optimizer = optimizerFactory.create(schedule, groups);
                    params = good.params();
                    state = good.state();
                    average = good.average();
                    iteration = good.iteration();
                    lastLoss = good.lastLoss();
                    if (good.epoch() == epoch) {
                        epochLoss = good.epochLoss();
                        epochWeight = good.epochWeight();
                        epochGradient = good.epochGradient().clone();
                    } else {
                        epochStart = params.clone();
                    }
                    BackoffEvent event = new BackoffEvent(failedStep, stepEpoch, lrFactor, failure, backoffs);
                    for (TrainingListener l : listeners) l.onBackoff(event);
                    continue;
                }
                params = next;
                state = update.state();
                iteration++;
                if (average != null && iteration > averageFrom) average = PolyakAverage.add(average, params);
                rows += sums.count();
                lastLoss = loss;
                double w = sums.weightSum();
                epochLoss += loss * w;
                epochWeight += w;
                for (int i = 0; i < p; i++) epochGradient[i] += gradient[i] * w;
                StepRecord record = new StepRecord(iteration, stepEpoch, stepInEpoch, loss, lr, gradientNorm,
                        groupNorms(gradient, groups), sums.count(), seconds(start));
                for (TrainingListener l : listeners) l.onStep(record);
                for (TrainingListener l : listeners) {
                    String reason = l.stopRequest();
                    if (reason != null && stopReason == null) stopReason = reason;
                }
                if (stopReason != null) break;
            }
            if (stopReason != null || epochWeight == 0.0) break;
            for (int i = 0; i < p; i++) epochGradient[i] /= epochWeight;
            double[] delta = new double[p];
            for (int i = 0; i < p; i++) delta[i] = params[i] - epochStart[i];
            // the model at the end of the epoch: the average once averaging has started
            double[] modelParams = average != null && average.count() > 0 ? average.mean() : params;
            Evaluation validation = validator == null ? null : validator.evaluate(modelParams);
            EpochRecord current = new EpochRecord(epoch, iteration, epochLoss / epochWeight, norm(epochGradient),
                    norm(delta), norm(epochStart), seconds(start), validation);
            for (TrainingListener l : listeners) l.onEpoch(current);
            for (ConvergenceCheck c : checks) {
                if (c.converged(previous, current)) {
                    stopReason = c.reason();
                    break;
                }
            }
            previous = current;
            if (validation != null) {
                double vloss = validation.meanLoss();
                boolean improved = bestEpoch < 0 ? !Double.isNaN(vloss)
                        : earlyStopping != null ? earlyStopping.improves(vloss, bestValidationLoss)
                        : vloss < bestValidationLoss;
                if (improved) {
                    bestEpoch = epoch;
                    bestValidationLoss = vloss;
                    bestParams = modelParams.clone();
                    epochsWithoutImprovement = 0;
                } else {
                    epochsWithoutImprovement++;
                }
                if (stopReason == null && earlyStopping != null
                        && epochsWithoutImprovement >= earlyStopping.patience()) {
                    stopReason = "early-stopping";
                }
            }
            if (plateau != null && stopReason == null) {
                double watched = validation != null ? validation.meanLoss() : current.meanLoss();
                ReduceOnPlateau.PlateauState next = plateau.observe(plateauState, watched);
                if (next.scale() != plateauState.scale()) {
                    // same pieces, same state structure: only the rate from the next step on changes
                    schedule = scaledSchedule(baseSchedule, next.scale(), lrFactor);
                    optimizer = optimizerFactory.create(schedule, groups);
                }
                plateauState = next;
            }
        }
        double epochs = (double) iteration / plan.stepsPerEpoch();
        if (average != null && average.count() > 0) params = average.mean().clone();
        if ("early-stopping".equals(stopReason) && bestParams != null) params = bestParams;
        return new TrainingResult(params, state, stopReason, iteration, epochs, plan, seconds(start), rows,
                lastLoss, divergence, bestEpoch, bestValidationLoss, backoffs);
    }

    /** The base schedule times the plateau's scale and the backoffs' factor (the base itself when both are 1). */
    private static LearningRateSchedule scaledSchedule(LearningRateSchedule base, double plateauScale,
                                                       double lrFactor) {
        double scale = plateauScale * lrFactor;
        return scale == 1.0 ? base : ReduceOnPlateau.scaled(base, scale);
    }

    /** {@code x} to {@code digits} significant digits, without trailing zeros: 1000, 0.05, 1.5E-7. */
    static String shortNumber(double x, int digits) {
        if (!Double.isFinite(x)) return Double.toString(x);
        BigDecimal d = new BigDecimal(x).round(new MathContext(digits)).stripTrailingZeros();
        double a = Math.abs(x);
        return a == 0.0 || (a >= 1e-4 && a < 1e9) ? d.toPlainString() : d.toString();
    }

    /** The full objective (data term, L2, prox penalty) over every training row at {@code params}. */
    private double objective(double[] params, List<ParameterGroup> groups) {
        return source.computeAll(params).meanLoss() + l2Penalty(params, groups, settings.l2())
                + (options.prox() == null ? 0.0 : options.prox().penalty(params, groups));
    }

    /**
     * What follows the optimizer's update: decoupled weight decay {@code - lr wd theta} (on the parameters before
     * the step, as AdamW), then the proximal operator (L1, elastic net) with the step's rate.
     */
    private double[] afterStep(double[] next, double[] before, double lr, List<ParameterGroup> groups) {
        double wd = options.decoupledWeightDecay();
        if (wd != 0.0) {
            for (ParameterGroup g : groups) {
                if (!g.regularized()) continue;
                for (int i = g.offset(); i < g.end(); i++) next[i] -= lr * wd * before[i];
            }
        }
        return options.prox() == null ? next : options.prox().apply(next, lr, groups);
    }

    /** Adds the L2 gradient {@code l2 * w} into {@code gradient}; returns the penalty {@code l2/2 ||w||^2}. */
    private double addL2(double[] params, double[] gradient, List<ParameterGroup> groups) {
        double l2 = settings.l2();
        if (l2 == 0.0) return 0.0;
        for (ParameterGroup g : groups) {
            if (!g.regularized()) continue;
            for (int i = g.offset(); i < g.end(); i++) gradient[i] += l2 * params[i];
        }
        return l2Penalty(params, groups, l2);
    }

    /** {@code l2/2 ||w||^2} over the regularized groups. */
    public static double l2Penalty(double[] params, List<ParameterGroup> groups, double l2) {
        if (l2 == 0.0) return 0.0;
        double sq = 0.0;
        for (ParameterGroup g : groups) {
            if (g.regularized()) sq += g.squaredNorm(params);
        }
        return 0.5 * l2 * sq;
    }

    /** The gradient's norm per parameter group, in layout order. */
    private static Map<String, Double> groupNorms(double[] gradient, List<ParameterGroup> groups) {
        Map<String, Double> norms = new LinkedHashMap<>();
        for (ParameterGroup g : groups) norms.put(g.name(), g.norm(gradient));
        return norms;
    }

    private static boolean allFinite(double[] v) {
        for (double x : v) {
            if (!Double.isFinite(x)) return false;
        }
        return true;
    }

    static double norm(double[] v) {
        double s = 0.0;
        for (double x : v) s += x * x;
        return Math.sqrt(s);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
