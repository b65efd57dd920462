package dev.steepest.core.optim.schedule;

import dev.steepest.core.optim.LearningRateSchedule;

/**
 * Inverse-time decay, the {@code 1/t} step sizes of stochastic approximation (Robbins &amp; Monro 1951; Bottou
 * 2012, "Stochastic Gradient Descent Tricks", section 5.2).
 * <pre>
 *   rate(t) = lr0 / (1 + decay * t)
 * </pre>
 * PyTorch has no class for it; the equivalent is
 * {@code torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: 1 / (1 + decay * t))} (stepped once per update).
 * Keras: {@code InverseTimeDecay(lr0, decay_steps=1, decay_rate=decay)}. {@code decay = 0} is a constant rate.
 *
 * @param lr0   the rate at step 0; finite, {@code > 0}
 * @param decay the decay per step; finite, {@code >= 0}
 */
public record InverseTimeDecay(double lr0, double decay) implements LearningRateSchedule {
    public InverseTimeDecay {
        lr0 = Args.rate("lr0", lr0);
        decay = Args.nonNegative("decay", decay);
    }

    @Override
    public double rate(long t) {
        return lr0 / (1.0 + decay * Args.step(t));
    }
}
