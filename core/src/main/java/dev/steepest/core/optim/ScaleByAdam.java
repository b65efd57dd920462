package dev.steepest.core.optim;

import java.util.Arrays;

/**
 * Adam's bias-corrected moment scaling (Kingma &amp; Ba 2015), with the AMSGrad option (Reddi, Kale &amp; Kumar
 * 2018), in the order of operations of {@code torch.optim.Adam}. At update {@code t = 1, 2, ...}:
 * <pre>
 *   m     = beta1 * m + (1 - beta1) * g                     (m, v, vmax start at 0)
 *   v     = beta2 * v + (1 - beta2) * g^2
 *   amsgrad: vmax = max(vmax, v), and vmax replaces v below
 *   out   = (m / (1 - beta1^t)) / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 * followed, in a chain, by {@code -lr * out}. The gain on coordinate {@code i} is the denominator's inverse
 * ({@code m_hat} settles at the input).
 */
public final class ScaleByAdam implements GradientTransformation {
    private static final long serialVersionUID = 1L;

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final boolean amsgrad;

    /** @throws IllegalArgumentException if a beta is outside [0, 1) or {@code eps} is negative */
    public ScaleByAdam(double beta1, double beta2, double eps, boolean amsgrad) {
        if (!(beta1 >= 0.0 && beta1 < 1.0)) throw new IllegalArgumentException("beta1 must be in [0, 1): " + beta1);
        if (!(beta2 >= 0.0 && beta2 < 1.0)) throw new IllegalArgumentException("beta2 must be in [0, 1): " + beta2);
        if (!(eps >= 0.0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("eps must be finite and >= 0: " + eps);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.amsgrad = amsgrad;
    }

    /** The step count, the two moment estimates and, with AMSGrad, the running maximum of {@code v}. */
    public record AdamState(long count, double[] mu, double[] nu, double[] nuMax) implements OptState {
        @Override
        public boolean equals(Object o) {
            return o instanceof AdamState s && count == s.count && Arrays.equals(mu, s.mu)
                    && Arrays.equals(nu, s.nu) && Arrays.equals(nuMax, s.nuMax);
        }

        @Override
        public int hashCode() {
            int h = Long.hashCode(count);
            h = 31 * h + Arrays.hashCode(mu);
            h = 31 * h + Arrays.hashCode(nu);
            return 31 * h + Arrays.hashCode(nuMax);
        }

        @Override
        public String toString() {
            return "AdamState[count=" + count + ", mu=" + Arrays.toString(mu) + ", nu=" + Arrays.toString(nu)
                    + ", nuMax=" + Arrays.toString(nuMax) + "]";
        }
    }

    @Override
    public OptState init(double[] params) {
        int n = params.length;
        return new AdamState(0, new double[n], new double[n], amsgrad ? new double[n] : null);
    }

    @Override
    public Update update(double[] gradient, OptState state, double[] params) {
        AdamState s = (AdamState) state;
        long t = s.count() + 1;
        double bc1 = 1.0 - Math.pow(beta1, t);
        double bc2Sqrt = Math.sqrt(1.0 - Math.pow(beta2, t));
        double keep1 = 1.0 - beta1;
        double keep2 = 1.0 - beta2;
        int n = gradient.length;
        double[] m = new double[n];
        double[] v = new double[n];
        double[] vmax = amsgrad ? new double[n] : null;
        double[] out = new double[n];
        double[] gains = new double[n];
        for (int i = 0; i < n; i++) {
            double g = gradient[i];
            m[i] = s.mu()[i] * beta1 + keep1 * g;     // torch: exp_avg.mul_(beta1).add_(g, alpha=1 - beta1)
            v[i] = s.nu()[i] * beta2 + keep2 * g * g; // torch: exp_avg_sq.mul_(beta2).addcmul_(g, g, 1 - beta2)
            double second = v[i];
            if (amsgrad) {
                vmax[i] = Math.max(s.nuMax()[i], v[i]);
                second = vmax[i];
            }
            double denom = Math.sqrt(second) / bc2Sqrt + eps;
            gains[i] = 1.0 / denom;
            out[i] = m[i] / bc1 / denom;
        }
        return new Update(out, new AdamState(t, m, v, vmax), 1.0, gains);
    }
}
