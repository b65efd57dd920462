package dev.steepest.core.optim.schedule;

import dev.steepest.core.optim.LearningRateSchedule;

/**
 * Exponential decay: the rate is multiplied by {@code gamma} every step.
 * <pre>
 *   rate(t) = lr0 * gamma^t
 * </pre>
 * PyTorch: {@code torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma)} (stepped once per update).
 *
 * <p>{@code gamma > 1} is allowed (a growing rate, as in a learning-rate range test) but usually a mistake.
 *
 * @param lr0   the rate at step 0; finite, {@code > 0}
 * @param gamma the factor applied every step; finite, {@code > 0}
 */
public record ExponentialDecay(double lr0, double gamma) implements LearningRateSchedule {
    public ExponentialDecay {
        lr0 = Args.rate("lr0", lr0);
        gamma = Args.positive("gamma", gamma);
    }

    @Override
    public double rate(long t) {
        return lr0 * StrictMath.pow(gamma, Args.step(t));
    }
}
