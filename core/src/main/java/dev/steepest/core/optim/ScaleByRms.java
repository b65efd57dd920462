package dev.steepest.core.optim;

import java.util.Arrays;

/**
 * RMSprop's scaling by a running root-mean-square of the gradient (Tieleman &amp; Hinton 2012), optionally
 * centered (Graves 2013: divide by a running standard deviation instead), exactly as {@code torch.optim.RMSprop}:
 * <pre>
 *   v    = alpha * v + (1 - alpha) * g^2                     (v starts at 0)
 *   centered:  gavg = alpha * gavg + (1 - alpha) * g        (gavg starts at 0)
 *              out  = g / (sqrt(v - gavg^2) + eps)
 *   otherwise: out  = g / (sqrt(v) + eps)
 * </pre>
 * followed, in a chain, by momentum (optional) and {@code -lr * out}. The gain on coordinate {@code i} is
 * {@code 1 / denom_i}.
 */
public final class ScaleByRms implements GradientTransformation {
    private static final long serialVersionUID = 1L;

    private final double alpha;
    private final double eps;
    private final boolean centered;

    /** @throws IllegalArgumentException if {@code alpha} is outside [0, 1] or {@code eps} is negative */
    public ScaleByRms(double alpha, double eps, boolean centered) {
        if (!(alpha >= 0.0 && alpha <= 1.0)) {
            throw new IllegalArgumentException("alpha must be in [0, 1]: " + alpha);
        }
        if (!(eps >= 0.0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("eps must be finite and >= 0: " + eps);
        }
        this.alpha = alpha;
        this.eps = eps;
        this.centered = centered;
    }

    /** The running mean of squared gradients and, when centered, of gradients ({@code null} otherwise). */
    public record RmsState(double[] squareAvg, double[] gradAvg) implements OptState {
        @Override
        public boolean equals(Object o) {
            return o instanceof RmsState s && Arrays.equals(squareAvg, s.squareAvg) && Arrays.equals(gradAvg, s.gradAvg);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(squareAvg) + Arrays.hashCode(gradAvg);
        }

        @Override
        public String toString() {
            return "RmsState[squareAvg=" + Arrays.toString(squareAvg) + ", gradAvg=" + Arrays.toString(gradAvg) + "]";
        }
    }

    @Override
    public OptState init(double[] params) {
        return new RmsState(new double[params.length], centered ? new double[params.length] : null);
    }

    @Override
    public Update update(double[] gradient, OptState state, double[] params) {
        RmsState s = (RmsState) state;
        double keep = 1.0 - alpha;
        int n = gradient.length;
        double[] v = new double[n];
        double[] gavg = centered ? new double[n] : null;
        double[] out = new double[n];
        double[] gains = new double[n];
        for (int i = 0; i < n; i++) {
            double g = gradient[i];
            v[i] = s.squareAvg()[i] * alpha + keep * g * g; // torch: square_avg.mul_(alpha).addcmul_(g, g, 1 - alpha)
            double denom;
            if (centered) {
                gavg[i] = s.gradAvg()[i] * alpha + keep * g;
                denom = Math.sqrt(v[i] - gavg[i] * gavg[i]) + eps;
            } else {
                denom = Math.sqrt(v[i]) + eps;
            }
            gains[i] = 1.0 / denom;
            out[i] = g / denom;
        }
        return new Update(out, new RmsState(v, gavg), 1.0, gains);
    }
}
