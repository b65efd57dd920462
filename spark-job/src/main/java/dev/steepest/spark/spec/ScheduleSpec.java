package dev.steepest.spark.spec;

import dev.steepest.core.optim.LearningRateSchedule;
import dev.steepest.core.optim.schedule.CosineAnnealing;
import dev.steepest.core.optim.schedule.CosineWarmRestarts;
import dev.steepest.core.optim.schedule.ExponentialDecay;
import dev.steepest.core.optim.schedule.InverseTimeDecay;
import dev.steepest.core.optim.schedule.MultiStepDecay;
import dev.steepest.core.optim.schedule.OneCycle;
import dev.steepest.core.optim.schedule.PolynomialDecay;
import dev.steepest.core.optim.schedule.ReduceOnPlateau;
import dev.steepest.core.optim.schedule.StepDecay;
import dev.steepest.core.train.ScheduleFactory;
import dev.steepest.core.train.TrainingPlan;
import dev.steepest.spark.InputError;
import dev.steepest.spark.config.JobConfig;
import dev.steepest.spark.config.ScheduleKind;
import dev.steepest.spark.config.ScheduleOptions;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * {@code schedule.*} as typed values, resolved from the config and {@link ScheduleKind}'s defaults (NaN / 0 for the
 * keys the schedule does not take), and the core schedule each builds. Lengths are in epochs, converted to steps
 * with the run's steps per epoch; every schedule starts from the effective (batch-scaled) rate, and warmup, when
 * set, ramps up to it. What depends on the data ({@link #check}: milestones on one step, a floor above the effective
 * rate) is checked once the plan is known, before the loop starts; {@link #factory} and {@link #plateau} are then
 * plain functions of the plan that throw nothing.
 *
 * @param totalEpochs    schedule.total-epochs, NaN for the run's length ({@code runEpochs} epochs, or
 *                       {@code maxIterations} steps when epochs are open)
 * @param milestones     multistep: the epochs to decay at (else null)
 */
public record ScheduleSpec(ScheduleKind kind, double gamma, double stepEpochs, double[] milestones, double decay,
                           double power, double totalEpochs, double minLr, double restartEpochs, long restartMult,
                           double pctStart, double divFactor, double finalDivFactor, boolean cosineAnneal,
                           boolean threePhase, double factor, int patience, double threshold, boolean absoluteThreshold,
                           int cooldown, int runEpochs, long maxIterations) {

    static ScheduleSpec of(JobConfig cfg) {
        ScheduleKind kind = cfg.schedule();
        @SuppressWarnings("unchecked")
        List<Double> ms = kind.takes().containsKey("schedule.milestones")
                ? (List<Double>) ScheduleOptions.value(cfg, "schedule.milestones") : null;
        return new ScheduleSpec(kind, num(cfg, "schedule.gamma"), num(cfg, "schedule.step-epochs"),
                ms == null ? null : ms.stream().mapToDouble(Double::doubleValue).toArray(), num(cfg, "schedule.decay"),
                num(cfg, "schedule.power"),
                cfg.has("schedule.total-epochs") ? cfg.doubleValue("schedule.total-epochs") : Double.NaN,
                num(cfg, "schedule.min-lr"), num(cfg, "schedule.restart-epochs"),
                (long) num(cfg, "schedule.restart-mult"), num(cfg, "schedule.pct-start"),
                num(cfg, "schedule.div-factor"), num(cfg, "schedule.final-div-factor"),
                "cos".equals(word(cfg, "schedule.anneal")), Boolean.TRUE.equals(taken(cfg, "schedule.three-phase")),
                num(cfg, "schedule.factor"), (int) num(cfg, "schedule.patience"), num(cfg, "schedule.threshold"),
                "abs".equals(word(cfg, "schedule.threshold-mode")), (int) num(cfg, "schedule.cooldown"),
                cfg.epochs(), cfg.has("train.max-iterations") ? cfg.longValue("train.max-iterations") : 0L);
    }

    private boolean takesMinLr() {
        return kind.takes().containsKey("schedule.min-lr");
    }

    /** Before the data: a floor above the effective rate, when that rate does not depend on the data. */
    void checkEffectiveRate(double effectiveLr) {
        if (takesMinLr() && minLr > effectiveLr) {
            throw new InputError("schedule.min-lr: " + minLr + " is above the effective learning rate " + effectiveLr);
        }
    }

    /** What depends on the run's plan: multistep's milestones on distinct steps, and the floor below the rate. */
    void check(TrainingPlan plan) {
        if (kind == ScheduleKind.MULTISTEP) {
            long[] steps = milestoneSteps(plan.stepsPerEpoch());
            for (int i = 1; i < steps.length; i++) {
                if (steps[i] <= steps[i - 1]) {
                    throw new InputError("schedule.milestones: " + Arrays.stream(milestones).boxed().toList()
                            + " fall on the same step at " + plan.stepsPerEpoch() + " steps per epoch");
                }
            }
        }
        checkEffectiveRate(plan.effectiveLr());
    }

    /** The step-indexed schedule; constant and plateau give the constant rate (the plateau is {@link #plateau}). */
    public ScheduleFactory factory() {
        if (kind == ScheduleKind.CONSTANT || kind == ScheduleKind.PLATEAU) return ScheduleFactory.CONSTANT;
        return this::build;
    }

    /** Reduce-on-plateau for {@code schedule.name = plateau}, else null. */
    public Function<TrainingPlan, ReduceOnPlateau> plateau() {
        if (kind != ScheduleKind.PLATEAU) return null;
        ReduceOnPlateau.ThresholdMode mode = absoluteThreshold ? ReduceOnPlateau.ThresholdMode.ABS
                : ReduceOnPlateau.ThresholdMode.REL;
        return plan -> new ReduceOnPlateau(plan.effectiveLr(), ReduceOnPlateau.Mode.MIN, factor, patience, threshold,
                mode, cooldown, minLr);
    }

    private LearningRateSchedule build(TrainingPlan plan) {
        double lr0 = plan.effectiveLr();
        long spe = plan.stepsPerEpoch();
        return switch (kind) {
            case CONSTANT, PLATEAU -> LearningRateSchedule.constant(lr0);
            case STEP -> new StepDecay(lr0, steps(stepEpochs, spe), gamma);
            case MULTISTEP -> new MultiStepDecay(lr0, milestoneSteps(spe), gamma);
            // gamma is per epoch; the rate decays smoothly, by gamma^(1/steps-per-epoch) each step
            case EXPONENTIAL -> new ExponentialDecay(lr0, Math.pow(gamma, 1.0 / spe));
            case INVERSE_TIME -> new InverseTimeDecay(lr0, decay);
            case POLYNOMIAL -> new PolynomialDecay(lr0, totalSteps(plan), power, minLr);
            case COSINE -> new CosineAnnealing(lr0, totalSteps(plan), minLr);
            case COSINE_RESTARTS -> new CosineWarmRestarts(lr0, steps(restartEpochs, spe), restartMult, minLr);
            case ONE_CYCLE -> new OneCycle(lr0, totalSteps(plan), pctStart, divFactor, finalDivFactor, cosineAnneal,
                    threePhase);
        };
    }

    private long[] milestoneSteps(long stepsPerEpoch) {
        long[] out = new long[milestones.length];
        for (int i = 0; i < out.length; i++) out[i] = steps(milestones[i], stepsPerEpoch);
        return out;
    }

    private static long steps(double epochs, long stepsPerEpoch) {
        return Math.max(1, Math.round(epochs * stepsPerEpoch));
    }

    /** schedule.total-epochs, else the run's length: train.epochs, or train.max-iterations when epochs are open. */
    private long totalSteps(TrainingPlan plan) {
        if (!Double.isNaN(totalEpochs)) return steps(totalEpochs, plan.stepsPerEpoch());
        return runEpochs > 0 ? runEpochs * plan.stepsPerEpoch() : maxIterations;
    }

    /** The key's value when the schedule takes it (the config's, else the default), else null. */
    private static Object taken(JobConfig cfg, String key) {
        return cfg.schedule().takes().containsKey(key) ? ScheduleOptions.value(cfg, key) : null;
    }

    private static double num(JobConfig cfg, String key) {
        Object v = taken(cfg, key);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static String word(JobConfig cfg, String key) {
        Object v = taken(cfg, key);
        return v == null ? null : String.valueOf(v);
    }
}
