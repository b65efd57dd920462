package dev.steepest.core.optim;

import java.io.Serializable;

/**
 * An optimizer, or one piece of one, in the style of Optax: an explicit {@code init(params) -> state} and a pure
 * {@code update(gradient, state, params) -> (updates, state)}.
 *
 * <p><b>Sign convention</b> (stated once, for every optimizer in steepest): a transformation receives the
 * gradient of the loss (the ascent direction) and the last piece of a chain returns the <em>update to add</em>
 * to the parameters, {@code params_next = params + updates}; {@link ScaleByLearningRate} supplies the minus
 * sign. Inputs are never modified; outputs are new arrays.
 */
public interface GradientTransformation extends Serializable {

    OptState init(double[] params);

    Update update(double[] gradient, OptState state, double[] params);

    /**
     * The transformed gradient (or, after the last piece, the update to add), the next state, and the piece's
     * <em>gain</em>: the factor {@code out_i ~ gain * gains[i] * in_i} by which it maps its input once its state
     * has settled (a momentum buffer at {@code g / (1 - mu)}, Adam's {@code m_hat} at {@code g}); {@code gains}
     * {@code null} means 1 on every coordinate. For a whole chain, the product of its pieces' gains is minus the
     * step the update takes along the gradient in each coordinate: the metric in which the proximal step of a
     * non-smooth penalty is taken ({@link dev.steepest.core.optim.prox.ParameterProx}), so that a fixed point of
     * step + prox is a minimizer of the penalized objective.
     */
    record Update(double[] updates, OptState state, double gain, double[] gains) {
        /** An update whose gain is 1 on every coordinate (clipping, added decay, pass-through pieces). */
        public Update(double[] updates, OptState state) {
            this(updates, state, 1.0, null);
        }

        /** The gain on coordinate {@code i}. */
        public double gainAt(int i) {
            return gains == null ? gain : gain * gains[i];
        }

        /** {@code a}'s gain followed by {@code b}'s: the product, coordinate by coordinate. */
        static double[] product(double[] a, double[] b) {
            if (a == null) return b;
            if (b == null) return a;
            double[] out = new double[a.length];
            for (int i = 0; i < a.length; i++) out[i] = a[i] * b[i];
            return out;
        }
    }

    /** Applies {@code updates} to {@code params}: {@code params + updates}, as a new array. */
    static double[] applyUpdates(double[] params, double[] updates) {
        double[] next = new double[params.length];
        for (int i = 0; i < params.length; i++) next[i] = params[i] + updates[i];
        return next;
    }
}
