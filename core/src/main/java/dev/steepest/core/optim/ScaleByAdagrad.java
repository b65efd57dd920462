package dev.steepest.core.optim;

import java.util.Arrays;

/**
 * Adagrad's per-coordinate scaling (Duchi, Hazan &amp; Singer 2011), with PyTorch's {@code lr_decay} and
 * {@code initial_accumulator_value}. At update {@code t = 1, 2, ...}:
 * <pre>
 *   sum = sum + g * g                       (sum starts at initialAccumulator)
 *   out = g / (1 + (t - 1) * lrDecay) / (sqrt(sum) + eps)
 * </pre>
 * followed, in a chain, by {@code -lr * out}; so {@code lr / (1 + (t - 1) * lrDecay)} is PyTorch's {@code clr}. The
 * gain on coordinate {@code i} is {@code out_i / g_i}.
 */
public final class ScaleByAdagrad implements GradientTransformation {
    private static final long serialVersionUID = 1L;

    private final double lrDecay;
    private final double initialAccumulator;
    private final double eps;

    /**
     * @throws IllegalArgumentException if {@code lrDecay}, {@code initialAccumulator} or {@code eps} is negative
     *                                  or not a number
     */
    public ScaleByAdagrad(double lrDecay, double initialAccumulator, double eps) {
        if (!(lrDecay >= 0.0) || Double.isInfinite(lrDecay)) {
            throw new IllegalArgumentException("lr_decay must be finite and >= 0: " + lrDecay);
        }
        if (!(initialAccumulator >= 0.0) || Double.isInfinite(initialAccumulator)) {
            throw new IllegalArgumentException("initial_accumulator must be finite and >= 0: " + initialAccumulator);
        }
        if (!(eps >= 0.0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("eps must be finite and >= 0: " + eps);
        }
        this.lrDecay = lrDecay;
        this.initialAccumulator = initialAccumulator;
        this.eps = eps;
    }

    /** The number of updates made so far and the running sum of squared gradients. */
    public record AdagradState(long count, double[] sum) implements OptState {
        @Override
        public boolean equals(Object o) {
            return o instanceof AdagradState s && count == s.count && Arrays.equals(sum, s.sum);
        }

        @Override
        public int hashCode() {
            return 31 * Long.hashCode(count) + Arrays.hashCode(sum);
        }

        @Override
        public String toString() {
            return "AdagradState[count=" + count + ", sum=" + Arrays.toString(sum) + "]";
        }
    }

    @Override
    public OptState init(double[] params) {
        double[] sum = new double[params.length];
        Arrays.fill(sum, initialAccumulator);
        return new AdagradState(0, sum);
    }

    @Override
    public Update update(double[] gradient, OptState state, double[] params) {
        AdagradState s = (AdagradState) state;
        long t = s.count() + 1;
        double decay = 1.0 + (t - 1) * lrDecay;
        double[] sum = new double[gradient.length];
        double[] out = new double[gradient.length];
        double[] gains = new double[gradient.length];
        for (int i = 0; i < out.length; i++) {
            double g = gradient[i];
            sum[i] = s.sum()[i] + g * g;
            double denom = Math.sqrt(sum[i]) + eps;
            gains[i] = 1.0 / decay / denom;
            out[i] = g / decay / denom;
        }
        return new Update(out, new AdagradState(t, sum), 1.0, gains);
    }
}
