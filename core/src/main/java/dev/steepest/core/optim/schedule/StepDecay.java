package dev.steepest.core.optim.schedule;

import dev.steepest.core.optim.LearningRateSchedule;

/**
 * Step decay: the rate is multiplied by {@code gamma} every {@code stepSize} steps.
 * <pre>
 *   rate(t) = lr0 * gamma^floor(t / stepSize)
 * </pre>
 * PyTorch: {@code torch.optim.lr_scheduler.StepLR(optimizer, step_size=stepSize, gamma=gamma)} (stepped once per
 * update). The classic schedule of Krizhevsky et al. 2012 and He et al. 2016 ("divide by 10 every N epochs").
 *
 * <p>{@code gamma > 1} is allowed (a growing rate) but usually a configuration mistake.
 *
 * @param lr0      the rate for steps {@code [0, stepSize)}; finite, {@code > 0}
 * @param stepSize the period of the decay in steps; {@code >= 1}
 * @param gamma    the factor applied every period; finite, {@code > 0}
 */
public record StepDecay(double lr0, long stepSize, double gamma) implements LearningRateSchedule {
    public StepDecay {
        lr0 = Args.rate("lr0", lr0);
        stepSize = Args.atLeastOne("stepSize", stepSize);
        gamma = Args.positive("gamma", gamma);
    }

    @Override
    public double rate(long t) {
        return lr0 * StrictMath.pow(gamma, Args.step(t) / stepSize);
    }
}
