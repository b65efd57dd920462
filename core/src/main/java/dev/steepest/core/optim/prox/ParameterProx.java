package dev.steepest.core.optim.prox;

import dev.steepest.core.model.ParameterGroup;
import java.io.Serializable;
import java.util.List;

/**
 * The proximal operator of a non-smooth regularizer {@code h}, applied to the <em>parameters</em> after a
 * gradient step of size {@code lr} (proximal gradient descent; forward-backward splitting, J. Duchi, Y. Singer,
 * "Efficient Online and Batch Learning Using Forward Backward Splitting", JMLR 10, 2009; N. Parikh, S. Boyd,
 * "Proximal Algorithms", Foundations and Trends in Optimization 1(3), 2014, section 4.2):
 * <pre>
 *   p_half = p + updates                                   (the optimizer's step, lr = lr(t) of that step)
 *   p_next = prox_{lr h}(p_half) = argmin_x  h(x) + ||x - p_half||^2 / (2 lr)
 * </pre>
 * Only groups with {@code regularized = true} are touched (intercepts and biases are not penalized). With plain
 * (S)GD this is exactly ISTA / prox-SGD; after momentum or adaptive steps it is the usual heuristic of
 * applying the prox with the step's base rate. Implementations are pure: a new array, the input unchanged.
 */
public interface ParameterProx extends Serializable {

    /**
     * @param params the parameters after the gradient step (not modified)
     * @param lr     the step size {@code lr(t) >= 0} of that step
     * @param groups the parameter groups; only regularized ones are changed
     * @return {@code prox_{lr h}(params)}, a new array
     */
    double[] apply(double[] params, double lr, List<ParameterGroup> groups);

    /** The penalty {@code h(params)} itself, added to the reported objective. */
    double penalty(double[] params, List<ParameterGroup> groups);

    /** {@code sum |w_i|} over the regularized groups. */
    static double l1Norm(double[] params, List<ParameterGroup> groups) {
        double s = 0.0;
        for (ParameterGroup g : groups) {
            if (!g.regularized()) continue;
            for (int i = g.offset(); i < g.end(); i++) s += Math.abs(params[i]);
        }
        return s;
    }

    /**
     * Soft-thresholding, the proximal operator of {@code t * |x|}: {@code sign(x) * max(|x| - t, 0)}. Returns
     * exactly {@code +0.0} when {@code |x| <= t}.
     */
    static double softThreshold(double x, double t) {
        if (x > t) return x - t;
        if (x < -t) return x + t;
        return x != x ? x : 0.0; // NaN stays NaN
    }

    /** @throws IllegalArgumentException unless {@code lr} is finite and {@code >= 0} */
    static void checkRate(double lr) {
        if (!(lr >= 0.0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("lr must be finite and >= 0: " + lr);
        }
    }
}
