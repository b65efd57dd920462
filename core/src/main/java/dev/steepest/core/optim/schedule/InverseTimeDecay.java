package dev.steepest.core.optim.schedule;

import dev.steepest.core.optim.LearningRateSchedule;
import java.util.Objects;

/**
 * Inverse-time decay, the {@code 1/t} step sizes of stochastic approximation (Robbins &amp; Monro 1951; Bottou
 * 2012, "Stochastic Gradient Descent Tricks", section 5.2).
 * <pre>
 *   rate(t) = lr0 / (1 + decay * t)
 * </pre>
 * PyTorch has no class for it; the equivalent is
 * {@code torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: 1 / (1 + decay * t))} (stepped once per update).
 * Keras: {@code InverseTimeDecay(lr0, decay_steps=1, decay_rate=decay)}. {@code decay = 0} is a constant rate.
 */
public final class InverseTimeDecay implements LearningRateSchedule {
    private static final long serialVersionUID = 1L;

    private final double lr0;
    private final double decay;

    /**
     * @param lr0   the rate at step 0; finite, {@code > 0}
     * @param decay the decay per step; finite, {@code >= 0}
     */
    public InverseTimeDecay(double lr0, double decay) {
        this.lr0 = Args.rate("lr0", lr0);
        this.decay = Args.nonNegative("decay", decay);
    }

    @Override
    public double rate(long t) {
        return lr0 / (1.0 + decay * Args.step(t));
    }

    public double lr0() {
        return lr0;
    }

    public double decay() {
        return decay;
    }

    private Object readResolve() {
        return new InverseTimeDecay(lr0, decay);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InverseTimeDecay s && Double.compare(lr0, s.lr0) == 0
                && Double.compare(decay, s.decay) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(lr0, decay);
    }

    @Override
    public String toString() {
        return "InverseTimeDecay[lr0=" + lr0 + ", decay=" + decay + "]";
    }
}
