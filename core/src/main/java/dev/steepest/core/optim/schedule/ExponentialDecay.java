package dev.steepest.core.optim.schedule;

import dev.steepest.core.optim.LearningRateSchedule;
import java.util.Objects;

/**
 * Exponential decay: the rate is multiplied by {@code gamma} every step.
 * <pre>
 *   rate(t) = lr0 * gamma^t
 * </pre>
 * PyTorch: {@code torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma)} (stepped once per update).
 *
 * <p>{@code gamma > 1} is allowed (a growing rate, as in a learning-rate range test) but usually a mistake.
 */
public final class ExponentialDecay implements LearningRateSchedule {
    private static final long serialVersionUID = 1L;

    private final double lr0;
    private final double gamma;

    /**
     * @param lr0   the rate at step 0; finite, {@code > 0}
     * @param gamma the factor applied every step; finite, {@code > 0}
     */
    public ExponentialDecay(double lr0, double gamma) {
        this.lr0 = Args.rate("lr0", lr0);
        this.gamma = Args.positive("gamma", gamma);
    }

    @Override
    public double rate(long t) {
        return lr0 * StrictMath.pow(gamma, Args.step(t));
    }

    public double lr0() {
        return lr0;
    }

    public double gamma() {
        return gamma;
    }

    private Object readResolve() {
        return new ExponentialDecay(lr0, gamma);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExponentialDecay s && Double.compare(lr0, s.lr0) == 0
                && Double.compare(gamma, s.gamma) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(lr0, gamma);
    }

    @Override
    public String toString() {
        return "ExponentialDecay[lr0=" + lr0 + ", gamma=" + gamma + "]";
    }
}
