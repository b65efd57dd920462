package dev.steepest.core.optim;

import java.util.Arrays;

/**
 * Heavy-ball momentum exactly as PyTorch's {@code torch.optim.SGD} (Sutskever et al. 2013 formulation):
 * <pre>
 *   t = 1:  b = g
 *   t > 1:  b = mu * b + (1 - dampening) * g
 *   out   = nesterov ? g + mu * b : b
 * </pre>
 * followed, in a chain, by {@code -lr * out}. The first step copies the gradient without dampening, as PyTorch
 * does. Nesterov requires {@code mu > 0} and {@code dampening = 0} (checked by the config). The gain is the
 * settled one, {@link #gain()}.
 */
public final class TraceMomentum implements GradientTransformation {
    private static final long serialVersionUID = 1L;

    private final double momentum;
    private final double dampening;
    private final boolean nesterov;

    public TraceMomentum(double momentum, double dampening, boolean nesterov) {
        this.momentum = momentum;
        this.dampening = dampening;
        this.nesterov = nesterov;
    }

    /**
     * The settled gain: with a constant input {@code g} the buffer tends to {@code (1 - d) g / (1 - mu)}, so the
     * output to {@code (1 - d) / (1 - mu)} times {@code g}, plus {@code g} itself for Nesterov.
     */
    public double gain() {
        double heavyBall = (1.0 - dampening) / (1.0 - momentum);
        return nesterov ? 1.0 + momentum * heavyBall : heavyBall;
    }

    /** The momentum buffer; {@code null} before the first step. */
    public record MomentumState(double[] buffer) implements OptState {
        @Override
        public boolean equals(Object o) {
            return o instanceof MomentumState m && Arrays.equals(buffer, m.buffer);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(buffer);
        }

        @Override
        public String toString() {
            return "MomentumState" + Arrays.toString(buffer);
        }
    }

    @Override
    public OptState init(double[] params) {
        return new MomentumState(null);
    }

    @Override
    public Update update(double[] gradient, OptState state, double[] params) {
        double[] prev = ((MomentumState) state).buffer();
        double[] b = new double[gradient.length];
        if (prev == null) {
            System.arraycopy(gradient, 0, b, 0, b.length);
        } else {
            double keep = 1.0 - dampening;
            for (int i = 0; i < b.length; i++) b[i] = momentum * prev[i] + keep * gradient[i];
        }
        double[] out;
        if (nesterov) {
            out = new double[b.length];
            for (int i = 0; i < b.length; i++) out[i] = gradient[i] + momentum * b[i];
        } else {
            out = b.clone();
        }
        return new Update(out, new MomentumState(b), gain(), null);
    }
}
