package dev.steepest.core.optim;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Polyak-Ruppert iterate averaging: B. T. Polyak, A. B. Juditsky, "Acceleration of Stochastic Approximation by
 * Averaging", SIAM J. Control Optim. 30(4), 1992. The averaged iterate {@code mean_n = (1/n) sum_{k=1..n} p_k}
 * of SGD reaches the optimal asymptotic variance with a slowly decaying step. Kept as an immutable running mean,
 * <pre>
 *   count = count + 1
 *   mean  = mean + (p - mean) / count
 * </pre>
 * which is exact (not a weighted or exponential average) and never holds a sum that could overflow. Pure: each
 * {@link #add} returns a new state; the parameters and the old state are not modified. Which iterates to add
 * (all, or only those after a burn-in, "suffix averaging") is the caller's choice.
 */
public final class PolyakAverage {
    private PolyakAverage() {
    }

    /** The mean of the {@code count} parameter vectors added so far (zeros when {@code count = 0}). */
    public record AverageState(double[] mean, long count) implements Serializable {
        public AverageState {
            if (count < 0) throw new IllegalArgumentException("count < 0: " + count);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof AverageState s && count == s.count && Arrays.equals(mean, s.mean);
        }

        @Override
        public int hashCode() {
            return 31 * Long.hashCode(count) + Arrays.hashCode(mean);
        }

        @Override
        public String toString() {
            return "AverageState[count=" + count + ", mean=" + Arrays.toString(mean) + "]";
        }
    }

    /** No iterate yet: a zero mean of the given dimension and count 0. */
    public static AverageState empty(int dimension) {
        return new AverageState(new double[dimension], 0);
    }

    /**
     * The mean with {@code params} added: {@code mean + (params - mean) / (count + 1)}; the first add returns a
     * copy of {@code params} exactly.
     *
     * @throws IllegalArgumentException if the dimensions differ
     */
    public static AverageState add(AverageState s, double[] params) {
        double[] mean = s.mean();
        if (mean.length != params.length) {
            throw new IllegalArgumentException("dimension " + params.length + " != average's " + mean.length);
        }
        long n = s.count() + 1;
        double[] next = new double[mean.length];
        for (int i = 0; i < next.length; i++) next[i] = mean[i] + (params[i] - mean[i]) / n;
        return new AverageState(next, n);
    }
}
