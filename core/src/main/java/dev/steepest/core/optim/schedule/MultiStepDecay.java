package dev.steepest.core.optim.schedule;

import dev.steepest.core.optim.LearningRateSchedule;
import java.util.Arrays;
import java.util.Objects;

/**
 * Piecewise-constant decay at given steps: the rate is multiplied by {@code gamma} at each milestone.
 * <pre>
 *   rate(t) = lr0 * gamma^#{ i : milestones[i] &lt;= t }
 * </pre>
 * PyTorch: {@code torch.optim.lr_scheduler.MultiStepLR(optimizer, milestones, gamma)} (stepped once per update).
 * The schedule of Goyal et al. 2017 for ResNet-50 ("divide by 10 at epochs 30, 60 and 80").
 *
 * <p>Milestones must be strictly increasing and non-negative (PyTorch also accepts repeated milestones, counting
 * each occurrence; here a repeat is rejected as a likely mistake). No milestones means a constant rate.
 *
 * @param lr0        the rate before the first milestone; finite, {@code > 0}
 * @param milestones the steps at which the rate is multiplied by {@code gamma}; strictly increasing,
 *                   {@code >= 0} (copied)
 * @param gamma      the factor applied at each milestone; finite, {@code > 0}
 */
public record MultiStepDecay(double lr0, long[] milestones, double gamma) implements LearningRateSchedule {
    public MultiStepDecay {
        lr0 = Args.rate("lr0", lr0);
        Objects.requireNonNull(milestones, "milestones");
        long[] m = milestones.clone();
        for (int i = 0; i < m.length; i++) {
            if (m[i] < 0) throw new IllegalArgumentException("milestones must be >= 0, got " + m[i]);
            if (i > 0 && m[i] <= m[i - 1]) {
                throw new IllegalArgumentException("milestones must be strictly increasing: " + Arrays.toString(m));
            }
        }
        milestones = m;
        gamma = Args.positive("gamma", gamma);
    }

    @Override
    public double rate(long t) {
        Args.step(t);
        // number of milestones <= t (bisect_right)
        int lo = 0;
        int hi = milestones.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (milestones[mid] <= t) lo = mid + 1;
            else hi = mid;
        }
        return lr0 * StrictMath.pow(gamma, lo);
    }

    /** A copy of the milestones. */
    @Override
    public long[] milestones() {
        return milestones.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MultiStepDecay s && Double.compare(lr0, s.lr0) == 0
                && Arrays.equals(milestones, s.milestones) && Double.compare(gamma, s.gamma) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(lr0, Arrays.hashCode(milestones), gamma);
    }

    @Override
    public String toString() {
        return "MultiStepDecay[lr0=" + lr0 + ", milestones=" + Arrays.toString(milestones) + ", gamma=" + gamma + "]";
    }
}
