package dev.steepest.core.optim.schedule;

import dev.steepest.core.optim.LearningRateSchedule;

/**
 * Polynomial decay from {@code lr0} to {@code endLr} over {@code totalSteps} steps, then constant at
 * {@code endLr}.
 * <pre>
 *   rate(t) = (lr0 - endLr) * (1 - min(t, T) / T)^power + endLr        (T = totalSteps)
 * </pre>
 * PyTorch: {@code torch.optim.lr_scheduler.PolynomialLR(optimizer, total_iters=T, power=power)} (stepped once per
 * update), which always decays to 0: it is the case {@code endLr = 0}, where the formula above reduces exactly to
 * torch's {@code lr0 * (1 - min(T, t) / T)^power}. With {@code endLr > 0} it is TensorFlow's / Optax's
 * {@code polynomial_decay} (torch: a {@code LambdaLR}). {@code power = 1} is linear decay; {@code power = 0.9} is
 * the "poly" policy of Chen et al. 2017 (DeepLab).
 *
 * @param lr0        the rate at step 0; finite, {@code > 0}
 * @param totalSteps the step at which {@code endLr} is reached; {@code >= 1}
 * @param power      the exponent; finite, {@code > 0}
 * @param endLr      the final rate; {@code 0 <= endLr <= lr0} (0 matches torch's {@code PolynomialLR})
 */
public record PolynomialDecay(double lr0, long totalSteps, double power, double endLr)
        implements LearningRateSchedule {
    public PolynomialDecay {
        lr0 = Args.rate("lr0", lr0);
        totalSteps = Args.atLeastOne("totalSteps", totalSteps);
        power = Args.positive("power", power);
        endLr = Args.floor("endLr", endLr, "lr0", lr0);
    }

    @Override
    public double rate(long t) {
        double remaining = 1.0 - (double) Math.min(Args.step(t), totalSteps) / totalSteps;
        return (lr0 - endLr) * StrictMath.pow(remaining, power) + endLr;
    }
}
