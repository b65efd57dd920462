package dev.steepest.core.optim.prox;

import dev.steepest.core.model.ParameterGroup;
import java.util.List;

/**
 * Elastic-net penalty {@code h(w) = l1 * ||w||_1 + (l2 / 2) * ||w||_2^2} (Zou &amp; Hastie 2005) by its proximal
 * operator (Parikh &amp; Boyd 2014, section 6.5.2; Duchi &amp; Singer 2009, FOBOS): soft-threshold, then shrink,
 * <pre>
 *   w_i = sign(w_i) * max(|w_i| - s_i * l1, 0) / (1 + s_i * l2)      on regularized groups; others unchanged
 * </pre>
 * (from the optimality condition {@code (x - w)/s_i + l1 * sign(x) + l2 * x = 0}; {@code s_i} the step of
 * coordinate {@code i}, {@code lr} for SGD, see {@link ParameterProx}). With {@code l2 = 0} this is
 * {@link L1Prox}. The {@code l2} part is a penalty of its own: do not also add it as weight decay to the gradient.
 *
 * @param l1 the L1 weight, finite and {@code >= 0}
 * @param l2 the L2 weight, finite and {@code >= 0}
 */
public record ElasticNetProx(double l1, double l2) implements ParameterProx {
    private static final long serialVersionUID = 1L;

    public ElasticNetProx {
        if (!(l1 >= 0.0) || Double.isInfinite(l1)) {
            throw new IllegalArgumentException("l1 must be finite and >= 0: " + l1);
        }
        if (!(l2 >= 0.0) || Double.isInfinite(l2)) {
            throw new IllegalArgumentException("l2 must be finite and >= 0: " + l2);
        }
    }

    @Override
    public double penalty(double[] params, List<ParameterGroup> groups) {
        double sq = 0.0;
        for (ParameterGroup g : groups) {
            if (g.regularized()) sq += g.squaredNorm(params);
        }
        return l1 * ParameterProx.l1Norm(params, groups) + 0.5 * l2 * sq;
    }

    @Override
    public double[] apply(double[] params, double lr, double[] scales, List<ParameterGroup> groups) {
        ParameterProx.checkRate(lr);
        double[] out = params.clone();
        for (ParameterGroup g : groups) {
            if (!g.regularized()) continue;
            for (int i = g.offset(); i < g.end(); i++) {
                double s = scales == null ? lr : lr * scales[i];
                out[i] = ParameterProx.softThreshold(params[i], s * l1) / (1.0 + s * l2);
            }
        }
        return out;
    }
}
