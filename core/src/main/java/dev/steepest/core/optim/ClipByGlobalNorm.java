package dev.steepest.core.optim;

/**
 * Gradient clipping by global L2 norm, exactly as {@code torch.nn.utils.clip_grad_norm_} (norm_type 2): the norm
 * is taken over the whole flat gradient (all parameter groups together, as PyTorch does over
 * {@code model.parameters()}), and
 * <pre>
 *   total = ||g||_2
 *   coef  = max_norm / (total + 1e-6)
 *   out   = g * min(coef, 1)
 * </pre>
 * Multiplying by 1.0 is exact, so an unclipped gradient comes back bit for bit. Because of the {@code 1e-6}, a
 * clipped gradient has norm slightly <em>below</em> {@code max_norm} ({@code max_norm * total / (total + 1e-6)}),
 * and a gradient whose norm is less than {@code 1e-6} below {@code max_norm} is scaled too (by a factor within
 * {@code 1e-6 / max_norm} of 1); only {@code total + 1e-6 <= max_norm} leaves it untouched. A non-finite norm
 * behaves as in PyTorch with {@code error_if_nonfinite=False}: NaN makes every component NaN, an infinite norm
 * gives {@code coef = 0}.
 *
 * <p>Put it first in a {@link Chain}, before weight decay and momentum, which is where PyTorch applies it (on
 * {@code p.grad}, before {@code optimizer.step()}). Stateless; the gradient is not modified, the result is a new
 * array. Sign convention: the direction is kept, only the length changes.
 */
public final class ClipByGlobalNorm implements GradientTransformation {
    private static final long serialVersionUID = 1L;

    /** The constant PyTorch adds to the norm in the denominator of the clip coefficient. */
    public static final double EPS = 1e-6;

    private final double maxNorm;

    /** @throws IllegalArgumentException unless {@code maxNorm} is positive and finite */
    public ClipByGlobalNorm(double maxNorm) {
        if (!(maxNorm > 0.0) || Double.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("clip norm must be positive and finite: " + maxNorm);
        }
        this.maxNorm = maxNorm;
    }

    public double maxNorm() {
        return maxNorm;
    }

    /** The Euclidean norm of the whole vector, {@code sqrt(sum g_i^2)}. */
    public static double globalNorm(double[] g) {
        double sum = 0.0;
        for (double x : g) sum += x * x;
        return Math.sqrt(sum);
    }

    @Override
    public OptState init(double[] params) {
        return EmptyState.INSTANCE;
    }

    @Override
    public Update update(double[] gradient, OptState state, double[] params) {
        double coef = Math.min(maxNorm / (globalNorm(gradient) + EPS), 1.0); // NaN stays NaN, as torch.clamp
        double[] out = new double[gradient.length];
        for (int i = 0; i < out.length; i++) out[i] = gradient[i] * coef;
        return new Update(out, state);
    }
}
