package dev.steepest.core.optim;

/**
 * Gradient clipping by value, as {@code torch.nn.utils.clip_grad_value_}: every component is clamped to
 * {@code [-tau, tau]},
 * <pre>
 *   out_i = min(max(g_i, -tau), tau)
 * </pre>
 * Put it first in a {@link Chain} (before weight decay and momentum), which is where PyTorch applies it: on
 * {@code p.grad}, before {@code optimizer.step()}. A NaN component stays NaN, as with {@code torch.clamp}.
 * Stateless; the gradient is not modified, the result is a new array.
 */
public final class ClipByValue implements GradientTransformation {
    private static final long serialVersionUID = 1L;

    private final double tau;

    /** @throws IllegalArgumentException unless {@code tau} is positive and finite */
    public ClipByValue(double tau) {
        if (!(tau > 0.0) || Double.isInfinite(tau)) {
            throw new IllegalArgumentException("clip value must be positive and finite: " + tau);
        }
        this.tau = tau;
    }

    public double tau() {
        return tau;
    }

    @Override
    public OptState init(double[] params) {
        return EmptyState.INSTANCE;
    }

    @Override
    public Update update(double[] gradient, OptState state, double[] params) {
        double[] out = new double[gradient.length];
        for (int i = 0; i < out.length; i++) out[i] = Math.min(Math.max(gradient[i], -tau), tau);
        return new Update(out, state);
    }
}
