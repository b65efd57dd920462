package dev.steepest.core.optim;

import dev.steepest.core.model.ParameterGroup;
import dev.steepest.core.optim.schedule.ReduceOnPlateau;
import java.io.Serializable;
import java.util.List;

/**
 * The learning rate of a run as optimizer state, in the manner of Optax's {@code inject_hyperparams}: wraps the
 * optimizer scaledChain for a schedule, and its state carries, as values, the number of updates made and a factor on
 * the schedule (in the training loop: the plateau's scale times the divergence backoffs' factor). The rate of
 * the next update is {@link #rate(OptState) factor * schedule(count)}, read here and nowhere else: the loop
 * reports it, hands it to the proximal step, and this class applies the decoupled weight decay with it, while
 * the wrapped optimizer, scaledChain for the same scaled schedule, applies it at the same count.
 *
 * <p>Changing the factor is a change of state ({@link #withFactor}), not a new optimizer: the wrapped
 * optimizer's own state (momentum, moments, its step count) goes on unchanged. The optimizer for a factor is
 * scaledChain on first use and kept until the factor changes (a plateau reduction or a backoff builds one more).
 *
 * <p>With {@code decoupledWeightDecay = wd != 0} the update becomes {@code u - lr(t) wd theta} on the regularized
 * groups (Loshchilov &amp; Hutter 2019), for any optimizer: {@link AddDecayedWeights} with the coefficient
 * {@code -lr(t) wd}, after the wrapped optimizer.
 */
public final class InjectLearningRate implements GradientTransformation {
    private static final long serialVersionUID = 1L;

    /** Builds the wrapped optimizer for a schedule (the base schedule, or the base scaled by the factor). */
    @FunctionalInterface
    public interface Builder extends Serializable {
        GradientTransformation build(LearningRateSchedule schedule);
    }

    /**
     * The state: {@code count} updates made, the {@code factor} on the schedule, and the wrapped optimizer's
     * state.
     */
    public record RateState(long count, double factor, OptState inner) implements OptState {
        public RateState {
            if (count < 0) throw new IllegalArgumentException("count < 0: " + count);
            if (!(factor > 0.0) || Double.isInfinite(factor)) {
                throw new IllegalArgumentException("factor must be finite and > 0, got " + factor);
            }
        }
    }

    private final LearningRateSchedule schedule;
    private final Builder builder;
    private final double decoupledWeightDecay;
    private final List<ParameterGroup> groups;
    private transient ScaledChain scaledChain;

    private record ScaledChain(double factor, LearningRateSchedule schedule, GradientTransformation optimizer) {
    }

    /**
     * @param schedule             the base schedule, {@code lr(t)} at factor 1
     * @param builder              the optimizer for a schedule
     * @param decoupledWeightDecay {@code wd >= 0}; 0 for none
     * @param groups               the parameter groups; the decay acts on the regularized ones
     */
    public InjectLearningRate(LearningRateSchedule schedule, Builder builder, double decoupledWeightDecay,
                              List<ParameterGroup> groups) {
        if (!(decoupledWeightDecay >= 0.0) || Double.isInfinite(decoupledWeightDecay)) {
            throw new IllegalArgumentException("decoupled weight decay must be finite and >= 0: "
                    + decoupledWeightDecay);
        }
        this.schedule = schedule;
        this.builder = builder;
        this.decoupledWeightDecay = decoupledWeightDecay;
        this.groups = AddDecayedWeights.regularized(groups);
    }

    /** The rate of the next update in {@code state}: {@code factor * schedule(count)}. */
    public double rate(OptState state) {
        RateState s = (RateState) state;
        return scaledChain(s.factor()).schedule().rate(s.count());
    }

    /** {@code state} with the factor set to {@code factor}; the count and the wrapped state are kept. */
    public static RateState withFactor(OptState state, double factor) {
        RateState s = (RateState) state;
        return new RateState(s.count(), factor, s.inner());
    }

    /** The wrapped optimizer's state. */
    public static OptState inner(OptState state) {
        return ((RateState) state).inner();
    }

    @Override
    public OptState init(double[] params) {
        return new RateState(0, 1.0, scaledChain(1.0).optimizer().init(params));
    }

    @Override
    public Update update(double[] gradient, OptState state, double[] params) {
        RateState s = (RateState) state;
        ScaledChain b = scaledChain(s.factor());
        Update inner = b.optimizer().update(gradient, s.inner(), params);
        double[] u = inner.updates();
        if (decoupledWeightDecay != 0.0) {
            double lr = b.schedule().rate(s.count());
            u = AddDecayedWeights.add(u, -(lr * decoupledWeightDecay), params, groups);
        }
        return new Update(u, new RateState(s.count() + 1, s.factor(), inner.state()), inner.gain(), inner.gains());
    }

    /** The scaled schedule and its optimizer for {@code factor}: the base itself at factor 1. */
    private ScaledChain scaledChain(double factor) {
        ScaledChain b = scaledChain;
        if (b == null || Double.compare(b.factor(), factor) != 0) {
            LearningRateSchedule scaled = factor == 1.0 ? schedule : ReduceOnPlateau.scaled(schedule, factor);
            b = new ScaledChain(factor, scaled, builder.build(scaled));
            scaledChain = b;
        }
        return b;
    }
}
