package dev.steepest.core.train;

import dev.steepest.core.model.Evaluation;
import dev.steepest.core.model.Model;
import dev.steepest.core.model.ParameterGroup;
import dev.steepest.core.optim.EmptyState;
import dev.steepest.core.optim.lbfgs.Iterate;
import dev.steepest.core.optim.lbfgs.Lbfgs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The driver of {@code optimizer.name = lbfgs}, beside {@link TrainingLoop}: full-batch L-BFGS (OWL-QN when
 * {@code l1 > 0}) on the same {@link GradientSource}, one {@code computeAll} per function evaluation. One
 * quasi-Newton iteration is one step and one epoch (it sees every row, however many evaluations its line search
 * takes), so the loop's stopping rules apply unchanged: {@code epochs}, {@code maxIterations} and the three
 * tolerances on the {@link EpochRecord}s, with the same listeners, step and epoch records:
 * <ul>
 *   <li>a step's {@code loss} and {@code gradientNorm} are the objective (L2 and L1 included) and the norm of its
 *   (pseudo-)gradient at the parameters before the step, as for every optimizer; its {@code lr} is the step
 *   length the line search accepted, its {@code rows} the rows read (rows x evaluations);</li>
 *   <li>stop reason {@code no-progress} when no step along the quasi-Newton or the steepest direction lowers the
 *   objective (the optimum at the precision of the sums), {@code diverged} when the objective is not finite.</li>
 * </ul>
 * Validation runs after every epoch, as in the loop; schedules, clipping, averaging, early stopping and backoff do
 * not apply to a method that picks its own step (the config rejects them). Its result has no {@link LoopState}
 * ({@code state} is null): its history is not a loop state.
 */
public final class LbfgsTraining {
    private final GradientSource source;
    private final Model model;
    private final TrainingSettings settings;
    private final int history;
    private final double l1;
    private final boolean regularizeIntercepts;
    private final Validator validator;
    private final List<TrainingListener> listeners;
    private final TrainingPlan fixedPlan;

    public LbfgsTraining(GradientSource source, Model model, TrainingSettings settings, int history, double l1,
                         boolean regularizeIntercepts, Validator validator, List<TrainingListener> listeners) {
        this(source, model, settings, null, history, l1, regularizeIntercepts, validator, listeners);
    }

    /** As above, with the run's {@code plan} as the caller computed it (see {@link TrainingLoop}). */
    public LbfgsTraining(GradientSource source, Model model, TrainingSettings settings, TrainingPlan plan, int history,
                         double l1, boolean regularizeIntercepts, Validator validator,
                         List<TrainingListener> listeners) {
        this.fixedPlan = plan;
        this.source = source;
        this.model = model;
        this.settings = settings;
        this.history = history;
        this.l1 = l1;
        this.regularizeIntercepts = regularizeIntercepts;
        this.validator = validator;
        this.listeners = List.copyOf(listeners);
    }

    public TrainingResult run(double[] initialParams) {
        long n = 0;
        for (long s : source.partitionSizes()) n += s;
        TrainingPlan plan = TrainingLoop.planFor(fixedPlan, settings, n);
        if (plan.stepsPerEpoch() != 1) throw new IllegalArgumentException("L-BFGS needs full batches");
        for (TrainingListener l : listeners) l.onPlan(plan);
        List<ParameterGroup> groups = Objective.groups(model, regularizeIntercepts);
        List<ConvergenceCheck> checks = new ArrayList<>();
        if (!Double.isNaN(settings.lossChangeTol())) checks.add(ConvergenceCheck.lossChange(settings.lossChangeTol()));
        if (!Double.isNaN(settings.gradientNormTol())) {
            checks.add(ConvergenceCheck.gradientNorm(settings.gradientNormTol()));
        }
        if (!Double.isNaN(settings.parameterChangeTol())) {
            checks.add(ConvergenceCheck.parameterChange(settings.parameterChangeTol()));
        }
        long start = System.nanoTime();
        FullObjective f = new FullObjective(source, groups, settings.l2());
        double[] weights = l1 > 0 ? FullObjective.l1Weights(groups, model.numParameters(), l1) : null;
        Lbfgs.Run run = new Lbfgs(history, weights).start(f, initialParams);
        Iterate current = run.current();
        String stopReason = null;
        String divergence = null;
        EpochRecord previous = null;
        long bestEpoch = -1;
        double bestValidationLoss = Double.NaN;
        while (stopReason == null) {
            long k = current.iteration();
            if (!Double.isFinite(current.objective()) || !Double.isFinite(current.optimalityNorm())) {
                stopReason = "diverged";
                divergence = "step " + (k + 1) + ": the objective or its gradient is not finite";
                break;
            }
            if (settings.epochs() > 0 && k >= settings.epochs()) {
                stopReason = "epochs";
                break;
            }
            if (settings.maxIterations() > 0 && k >= settings.maxIterations()) {
                stopReason = "max-iterations";
                break;
            }
            double[] startX = current.x();
            Iterate next = run.step();
            if (next.stalled()) {
                stopReason = "no-progress";
                break;
            }
            StepRecord record = new StepRecord(next.iteration(), k, 0, current.objective(), next.step(),
                    current.optimalityNorm(), groupNorms(current.optimalityGradient(), groups),
                    n * next.evaluations(), seconds(start));
            for (TrainingListener l : listeners) l.onStep(record);
            for (TrainingListener l : listeners) {
                String reason = l.stopRequest();
                if (reason != null && stopReason == null) stopReason = reason;
            }
            double[] delta = new double[next.x().length];
            for (int i = 0; i < delta.length; i++) delta[i] = next.x()[i] - startX[i];
            current = next;
            if (stopReason != null) break;
            Evaluation validation = validator == null ? null : validator.evaluate(next.x());
            EpochRecord epoch = new EpochRecord(k, next.iteration(), record.loss(), record.gradientNorm(),
                    TrainingLoop.norm(delta), TrainingLoop.norm(startX), seconds(start), validation);
            for (TrainingListener l : listeners) l.onEpoch(epoch);
            if (validation != null && (bestEpoch < 0 || validation.meanLoss() < bestValidationLoss)) {
                bestEpoch = k;
                bestValidationLoss = validation.meanLoss();
            }
            for (ConvergenceCheck c : checks) {
                if (c.converged(previous, epoch)) {
                    stopReason = c.reason();
                    break;
                }
            }
            previous = epoch;
        }
        long iterations = current.iteration();
        return new TrainingResult(current.x().clone(), EmptyState.INSTANCE, stopReason, iterations, iterations, plan,
                seconds(start), n * f.evaluations(), current.objective(), divergence, bestEpoch, bestValidationLoss,
                0, null);
    }

    private static Map<String, Double> groupNorms(double[] gradient, List<ParameterGroup> groups) {
        Map<String, Double> norms = new LinkedHashMap<>();
        for (ParameterGroup g : groups) norms.put(g.name(), g.norm(gradient));
        return norms;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
