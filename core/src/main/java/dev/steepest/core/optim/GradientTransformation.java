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

    /** The transformed gradient (or, after the last piece, the update to add) and the next state. */
    record Update(double[] updates, OptState state) {
    }

    /** Applies {@code updates} to {@code params}: {@code params + updates}, as a new array. */
    static double[] applyUpdates(double[] params, double[] updates) {
        double[] next = new double[params.length];
        for (int i = 0; i < params.length; i++) next[i] = params[i] + updates[i];
        return next;
    }
}
