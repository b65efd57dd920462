package dev.steepest.core.optim.schedule;

import dev.steepest.core.optim.LearningRateSchedule;
import java.util.Objects;

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
 */
public final class PolynomialDecay implements LearningRateSchedule {
    private static final long serialVersionUID = 1L;

    private final double lr0;
    private final long totalSteps;
    private final double power;
    private final double endLr;

    /**
     * @param lr0        the rate at step 0; finite, {@code > 0}
     * @param totalSteps the step at which {@code endLr} is reached; {@code >= 1}
     * @param power      the exponent; finite, {@code > 0}
     * @param endLr      the final rate; {@code 0 <= endLr <= lr0} (0 matches torch's {@code PolynomialLR})
     */
    public PolynomialDecay(double lr0, long totalSteps, double power, double endLr) {
        this.lr0 = Args.rate("lr0", lr0);
        this.totalSteps = Args.atLeastOne("totalSteps", totalSteps);
        this.power = Args.positive("power", power);
        this.endLr = Args.floor("endLr", endLr, "lr0", lr0);
    }

    @Override
    public double rate(long t) {
        double remaining = 1.0 - (double) Math.min(Args.step(t), totalSteps) / totalSteps;
        return (lr0 - endLr) * StrictMath.pow(remaining, power) + endLr;
    }

    public double lr0() {
        return lr0;
    }

    public long totalSteps() {
        return totalSteps;
    }

    public double power() {
        return power;
    }

    public double endLr() {
        return endLr;
    }

    private Object readResolve() {
        return new PolynomialDecay(lr0, totalSteps, power, endLr);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PolynomialDecay s && Double.compare(lr0, s.lr0) == 0 && totalSteps == s.totalSteps
                && Double.compare(power, s.power) == 0 && Double.compare(endLr, s.endLr) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(lr0, totalSteps, power, endLr);
    }

    @Override
    public String toString() {
        return "PolynomialDecay[lr0=" + lr0 + ", totalSteps=" + totalSteps + ", power=" + power + ", endLr=" + endLr
                + "]";
    }
}
