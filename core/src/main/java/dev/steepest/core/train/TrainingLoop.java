package dev.steepest.core.train;

import dev.steepest.core.model.Accumulator;
import dev.steepest.core.model.Model;
import dev.steepest.core.model.ParameterGroup;
import dev.steepest.core.optim.GradientTransformation;
import dev.steepest.core.optim.InjectLearningRate;
import dev.steepest.core.optim.LearningRateSchedule;
import dev.steepest.core.optim.LinearWarmup;
import dev.steepest.core.optim.PolyakAverage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The driver loop, independent of where gradients come from:
 * <pre>
 *   for each epoch e, for each step k of ceil(n / B):
 *     sums      = source.compute(theta, plan(e, k))          // per-partition kernel sums, merged in order
 *     loss, g   = objective(sums)                            // L2 and the prox penalty once, here (Objective)
 *     theta    += optimizer.update(g, state, theta)          // rate, decoupled decay: InjectLearningRate
 *     (line search: theta - t g instead, t backtracked from lr until Armijo holds; ArmijoLineSearch)
 *     theta     = prox(theta, steps)                         // L1 / elastic net, in the optimizer's metric
 *   between epochs: convergence checks, validation, early stopping, reduce-on-plateau (EpochEnd)
 * </pre>
 * Everything the run depends on between two steps is one {@link LoopState} value. The learning rate lives in the
 * optimizer state ({@link InjectLearningRate}): its factor is the plateau's scale times the divergence backoffs'
 * factor, and the rate of each step is read from there. With Polyak averaging the returned parameters are the
 * mean of the iterates from the configured epoch on. With a {@link Validator}, the model is evaluated on the
 * validation rows after every epoch (recorded in the {@link EpochRecord}); {@code plateau} then watches the
 * validation loss, and {@link EarlyStopping} may end the run with reason {@code early-stopping}, returning the
 * best epoch's parameters. A diverging step (see {@link DivergencePolicy}) stops the run with reason
 * {@code diverged}, keeping the parameters from before that step, or backs off (see {@link Backoff}).
 */
public final class TrainingLoop {
    private final GradientSource source;
    private final Model model;
    private final TrainingSettings settings;
    private final OptimizerFactory optimizerFactory;
    private final List<TrainingListener> listeners;
    private final TrainingOptions options;
    /** The plan the caller computed once ({@link #plan}), or null: the loop computes it from the source's rows. */
    private final TrainingPlan fixedPlan;

    public TrainingLoop(GradientSource source, Model model, TrainingSettings settings,
                        OptimizerFactory optimizerFactory, List<TrainingListener> listeners) {
        this(source, model, settings, optimizerFactory, listeners, TrainingOptions.defaults());
    }

    public TrainingLoop(GradientSource source, Model model, TrainingSettings settings,
                        OptimizerFactory optimizerFactory, List<TrainingListener> listeners, TrainingOptions options) {
        this(source, model, settings, null, optimizerFactory, listeners, options);
    }

    /**
     * As above, with the run's {@code plan} as the caller computed it (once, from the same settings and the source's
     * rows; a plan for another number of rows is refused when the run starts).
     */
    public TrainingLoop(GradientSource source, Model model, TrainingSettings settings, TrainingPlan plan,
                        OptimizerFactory optimizerFactory, List<TrainingListener> listeners, TrainingOptions options) {
        this.fixedPlan = plan;
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

    /** {@code given} when not null (it must be for {@code numRows} rows), else the plan of {@code s}. */
    static TrainingPlan planFor(TrainingPlan given, TrainingSettings s, long numRows) {
        if (given == null) return plan(s, numRows);
        if (given.numRows() != numRows) {
            throw new IllegalArgumentException("the plan is for " + given.numRows() + " rows, the source has " + numRows);
        }
        return given;
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

    /** What a run holds fixed: its plan, objective, optimizer, planner and end-of-epoch step. */
    private record Run(TrainingPlan plan, Objective objective, InjectLearningRate optimizer, BatchPlanner planner,
                       EpochEnd epochEnd, long averageFrom, double[] initialParams, long startNanos) {
    }

    /**
     * A step's outcome: the state after it, its record, or why it diverged (then the state to back off from), or
     * a reason to stop without taking it ({@code stop}).
     */
    private record Stepped(LoopState state, StepRecord record, String failure, String stop) {
        Stepped(LoopState state, StepRecord record, String failure) {
            this(state, record, failure, null);
        }
    }

    /**
     * Runs the loop from {@code initialParams} (not modified). Divergence (see {@link DivergencePolicy}) either
     * stops the run, keeping the parameters from before the diverging step, or — with backoff — restores the last
     * verified state, halves the rate for the rest of the run and goes on (see {@link Backoff}).
     */
    public TrainingResult run(double[] initialParams) {
        return run(initialParams, null);
    }

    /**
     * Runs the loop from {@code initialParams}, or — with a {@code resume} — goes on from the state a checkpoint
     * saved after one of this same run's steps: the epoch's remaining steps are the planner's steps after the
     * {@link EpochProgress#drawn() drawn} ones, and any backoff redo queue comes first, exactly as the
     * uninterrupted run would have gone on, so the final parameters are bit-identical. {@code initialParams} are
     * still the run's initial parameters (the divergence check's reference may need them).
     */
    public TrainingResult run(double[] initialParams, Resume resume) {
        long[] sizes = source.partitionSizes();
        long n = 0;
        for (long s : sizes) n += s;
        TrainingPlan plan = planFor(fixedPlan, settings, n);
        LearningRateSchedule schedule = schedule(plan, options.schedule());
        Objective objective = Objective.of(model, settings, options);
        List<ParameterGroup> groups = objective.groups();
        EpochEnd epochEnd = new EpochEnd(settings, options, plan);
        InjectLearningRate optimizer = new InjectLearningRate(schedule, s -> optimizerFactory.create(s, groups),
                options.decoupledWeightDecay(), groups);
        double[] params = initialParams.clone();
        LoopState state = LoopState.initial(params, optimizer.init(params), Double.isNaN(options.averagingStartEpochs())
                ? null : PolyakAverage.empty(model.numParameters()), epochEnd.initial());
        long averageFrom = Double.isNaN(options.averagingStartEpochs()) ? -1
                : Math.round(options.averagingStartEpochs() * plan.stepsPerEpoch());
        BatchPlanner planner = new BatchPlanner(sizes, plan.batchSize(), settings.seed());
        for (TrainingListener l : listeners) l.onPlan(plan);
        long startNanos = System.nanoTime() - (resume == null ? 0 : Math.round(resume.elapsedSeconds() * 1e9));
        Run run = new Run(plan, objective, optimizer, planner, epochEnd, averageFrom, initialParams, startNanos);
        if (resume != null) state = resume.checked(model.numParameters(), plan.stepsPerEpoch());

        String stopReason = null;
        String divergence = null;
        for (long epoch = resume == null ? 0 : state.epoch().index(); stopReason == null; epoch++) {
            if (settings.epochs() > 0 && epoch >= settings.epochs()) {
                stopReason = "epochs";
                break;
            }
            BatchPlanner.Epoch steps = planner.epoch(epoch);
            if (resume != null && epoch == resume.state().epoch().index()) {
                for (long k = 0; k < state.epoch().drawn(); k++) steps.next();
            } else {
                state = state.startEpoch(epoch);
            }
            while (!state.backoff().redo().isEmpty() || steps.hasNext()) {
                if (settings.maxIterations() > 0 && state.iteration() >= settings.maxIterations()) {
                    stopReason = "max-iterations";
                    break;
                }
                Backoff.Step step;
                if (!state.backoff().redo().isEmpty()) {
                    step = state.backoff().redo().get(0);
                    state = state.withBackoff(state.backoff().pop());
                } else {
                    long k = steps.stepInEpoch();
                    step = new Backoff.Step(steps.next(), epoch, k);
                    state = state.withEpoch(state.epoch().drew());
                }
                Stepped done = step(run, state, step);
                if (done.failure() != null) {
                    Backoff b = done.state().backoff();
                    if (!b.allowed(options.divergence())) {
                        divergence = divergenceMessage(done.state(), step, done.failure());
                        stopReason = "diverged";
                        break;
                    }
                    state = b.restore(done.state(), step);
                    state = state.withOptimizer(InjectLearningRate.withFactor(state.optimizer(),
                            state.history().plateauScale() * state.backoff().factor()));
                    BackoffEvent event = new BackoffEvent(done.state().iteration() + 1, step.epoch(),
                            state.backoff().factor(), done.failure(), state.backoff().count());
                    for (TrainingListener l : listeners) l.onBackoff(event);
                    continue;
                }
                if (done.stop() != null) {
                    stopReason = done.stop();
                    break;
                }
                state = done.state();
                for (TrainingListener l : listeners) l.onStep(done.record());
                for (TrainingListener l : listeners) {
                    String reason = l.stopRequest();
                    if (reason != null && stopReason == null) stopReason = reason;
                }
                for (TrainingListener l : listeners) l.onState(state, seconds(run.startNanos()));
                if (stopReason != null) break;
            }
            if (stopReason != null || state.epoch().weightSum() == 0.0) break;
            EpochEnd.Outcome end = epochEnd.finish(state, seconds(run.startNanos()));
            for (TrainingListener l : listeners) l.onEpoch(end.record());
            state = end.state().startEpoch(epoch + 1); // this epoch is over: a state saved now resumes in the next
            stopReason = end.stopReason();
        }
        return result(run, state, stopReason, divergence);
    }

    /** One step from {@code s}: the checks, the update and the prox. */
    private Stepped step(Run run, LoopState s, Backoff.Step step) {
        Objective objective = run.objective();
        double[] params = s.params();
        Accumulator sums = source.compute(params, step.plan());
        double[] gradient = sums.meanGradient();
        objective.addL2Gradient(params, gradient);
        double loss = objective.value(sums.meanLoss(), params);
        double gradientNorm = norm(gradient);
        double lr = run.optimizer().rate(s.optimizer());
        DivergencePolicy policy = options.divergence();
        DivergencePolicy.Checked checked = policy.check(loss, gradientNorm, lr, s.reference(),
                () -> objective.value(source.computeAll(run.initialParams()).meanLoss(), run.initialParams()));
        s = s.withReference(checked.reference());
        if (checked.failure() != null) return new Stepped(s, null, checked.failure());
        if (policy.backoff()) s = s.withBackoff(s.backoff().verify(s, step));
        GradientTransformation.Update update = run.optimizer().update(gradient, s.optimizer(), params);
        double[] next = GradientTransformation.applyUpdates(params, update.updates());
        double lossAfter = Double.NaN;
        int trials = 0;
        if (options.lineSearch() != null) {
            // plain full-batch GD (the config allows nothing else): -lr g becomes -t g, t accepted by Armijo
            ArmijoLineSearch.Accepted a = options.lineSearch().search(params, gradient, loss, lr,
                    x -> objective.value(source.computeAll(x).meanLoss(), x));
            if (a.point() == null) return new Stepped(s, null, null, "no-progress");
            next = a.point();
            lr = a.step();
            lossAfter = a.objective();
            trials = a.trials();
        }
        if (options.prox() != null) next = prox(next, update, lr, objective.groups());
        if (!allFinite(next)) return new Stepped(s, null, "the update made the parameters non-finite at lr " + lr);
        boolean averaged = s.average() != null && s.iteration() + 1 > run.averageFrom();
        LoopState after = s.advance(next, update.state(), averaged, sums.count(), loss, sums.weightSum(), gradient);
        StepRecord record = new StepRecord(after.iteration(), step.epoch(), step.stepInEpoch(), loss, lr, gradientNorm,
                groupNorms(gradient, objective.groups()), sums.count(), seconds(run.startNanos()), lossAfter, trials);
        return new Stepped(after, record, null);
    }

    /**
     * The prox in the metric of the step just taken: the threshold of coordinate {@code i} is the chain's settled
     * step along the gradient there, minus its gain ({@code lr} for SGD, {@code lr / (1 - mu)} with momentum,
     * {@code lr / (sqrt(v_hat_i) + eps)} for Adam; see {@link dev.steepest.core.optim.prox.ParameterProx}), so
     * that the run settles at the minimizer of the penalized objective. A chain that reports no descent gain (a
     * hand-made transformation without {@code ScaleByLearningRate}) gets the rate {@code lr}, as plain SGD.
     */
    private double[] prox(double[] params, GradientTransformation.Update update, double lr,
                          List<ParameterGroup> groups) {
        double step = -update.gain();
        if (!(step > 0.0)) return options.prox().apply(params, lr, null, groups);
        return options.prox().apply(params, step, update.gains(), groups);
    }

    /** The divergence line: where, what, and a rate to try. */
    private String divergenceMessage(LoopState s, Backoff.Step step, String failure) {
        int backoffs = s.backoff().count();
        return "step " + (s.iteration() + 1) + " (epoch " + (step.epoch() + 1) + "): " + failure
                + (backoffs > 0 ? " after " + backoffs + " backoff" + (backoffs == 1 ? "" : "s") : "")
                + "; try a lower optimizer.lr: optimizer.lr = "
                + DivergencePolicy.shortNumber(settings.lr() * s.backoff().factor() * 0.1, 3) + " or lower";
    }

    private static TrainingResult result(Run run, LoopState s, String stopReason, String divergence) {
        double epochs = (double) s.iteration() / run.plan().stepsPerEpoch();
        double[] params = s.params();
        if (s.average() != null && s.average().count() > 0) params = s.average().mean().clone();
        EpochHistory h = s.history();
        if ("early-stopping".equals(stopReason) && h.bestParams() != null) params = h.bestParams();
        return new TrainingResult(params, InjectLearningRate.inner(s.optimizer()), stopReason, s.iteration(), epochs,
                run.plan(), seconds(run.startNanos()), s.rows(), s.lastLoss(), divergence, h.bestEpoch(),
                h.bestValidationLoss(), s.backoff().count(), s);
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
