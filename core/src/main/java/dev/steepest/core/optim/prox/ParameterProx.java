package dev.steepest.core.optim.prox;

import dev.steepest.core.model.ParameterGroup;
import java.io.Serializable;
import java.util.List;

/**
 * The proximal operator of a non-smooth regularizer {@code h}, applied to the <em>parameters</em> after a
 * gradient step (proximal gradient descent; forward-backward splitting, J. Duchi, Y. Singer, "Efficient Online
 * and Batch Learning Using Forward Backward Splitting", JMLR 10, 2009; N. Parikh, S. Boyd, "Proximal Algorithms",
 * Foundations and Trends in Optimization 1(3), 2014, section 4.2), in the metric of the step:
 * <pre>
 *   p_half = p + updates                      (the optimizer's step: p_i - s_i * d_i, s_i its step on coordinate i)
 *   p_next = argmin_x  h(x) + sum_i (x_i - p_half_i)^2 / (2 s_i)
 * </pre>
 * where {@code s_i = lr * scales[i]} is the step the optimizer takes along the gradient on coordinate {@code i}
 * once its state has settled (minus the gain of its chain, {@link
 * dev.steepest.core.optim.GradientTransformation.Update}): {@code lr} for SGD (ISTA), {@code lr / (1 - mu)} for
 * heavy-ball momentum, {@code lr / (sqrt(v_hat_i) + eps)} for Adam. This is the proximal step of the
 * preconditioned methods of J. Yun, A. Lozano, E. Yang, "Adaptive Proximal Gradient Methods for Structured Neural
 * Networks", NeurIPS 2021 (ProxGen): because the penalty is thresholded with the same step as the gradient, a
 * fixed point {@code p = prox(p - s * g)} satisfies {@code 0 in grad f(p) + subdiff h(p)}, i.e. is a minimizer of
 * {@code f + h}, whatever the optimizer's metric (a prox with the plain {@code lr} after a momentum step of
 * {@code lr / (1 - mu)} would instead settle at the minimizer of {@code f + (1 - mu) h}).
 * Only groups with {@code regularized = true} are touched (intercepts and biases are not penalized).
 * Implementations are pure: a new array, the input unchanged.
 */
public interface ParameterProx extends Serializable {

    /**
     * @param params the parameters after the gradient step (not modified)
     * @param lr     the step size {@code lr(t) >= 0} of that step, on every coordinate
     * @param groups the parameter groups; only regularized ones are changed
     * @return {@code prox_{lr h}(params)}, a new array
     */
    default double[] apply(double[] params, double lr, List<ParameterGroup> groups) {
        return apply(params, lr, null, groups);
    }

    /**
     * The prox in the metric of a step {@code s_i = lr * scales[i]} per coordinate.
     *
     * @param params the parameters after the gradient step (not modified)
     * @param lr     a common factor of the steps, finite and {@code >= 0}
     * @param scales the per-coordinate factors (finite, {@code >= 0}), or null for 1 everywhere
     * @param groups the parameter groups; only regularized ones are changed
     * @return the proximal point, a new array
     */
    double[] apply(double[] params, double lr, double[] scales, List<ParameterGroup> groups);

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
