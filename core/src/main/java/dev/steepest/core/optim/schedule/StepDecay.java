package dev.steepest.core.optim.schedule;

import dev.steepest.core.optim.LearningRateSchedule;
import java.util.Objects;

/**
 * Step decay: the rate is multiplied by {@code gamma} every {@code stepSize} steps.
 * <pre>
 *   rate(t) = lr0 * gamma^floor(t / stepSize)
 * </pre>
 * PyTorch: {@code torch.optim.lr_scheduler.StepLR(optimizer, step_size=stepSize, gamma=gamma)} (stepped once per
 * update). The classic schedule of Krizhevsky et al. 2012 and He et al. 2016 ("divide by 10 every N epochs").
 *
 * <p>{@code gamma > 1} is allowed (a growing rate) but usually a configuration mistake.
 */
public final class StepDecay implements LearningRateSchedule {
    private static final long serialVersionUID = 1L;

    private final double lr0;
    private final long stepSize;
    private final double gamma;

    /**
     * @param lr0      the rate for steps {@code [0, stepSize)}; finite, {@code > 0}
     * @param stepSize the period of the decay in steps; {@code >= 1}
     * @param gamma    the factor applied every period; finite, {@code > 0}
     */
    public StepDecay(double lr0, long stepSize, double gamma) {
        this.lr0 = Args.rate("lr0", lr0);
        this.stepSize = Args.atLeastOne("stepSize", stepSize);
        this.gamma = Args.positive("gamma", gamma);
    }

    @Override
    public double rate(long t) {
        return lr0 * StrictMath.pow(gamma, Args.step(t) / stepSize);
    }

    public double lr0() {
        return lr0;
    }

    public long stepSize() {
        return stepSize;
    }

    public double gamma() {
        return gamma;
    }

    private Object readResolve() {
        return new StepDecay(lr0, stepSize, gamma);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StepDecay s && Double.compare(lr0, s.lr0) == 0 && stepSize == s.stepSize
                && Double.compare(gamma, s.gamma) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(lr0, stepSize, gamma);
    }

    @Override
    public String toString() {
        return "StepDecay[lr0=" + lr0 + ", stepSize=" + stepSize + ", gamma=" + gamma + "]";
    }
}
