package dev.steepest.core.optim.prox;

import dev.steepest.core.model.ParameterGroup;
import java.util.List;

/**
 * L1 (lasso) penalty {@code h(w) = l1 * ||w||_1} by its proximal operator, soft-thresholding (Parikh &amp; Boyd
 * 2014, section 6.5.2; Duchi &amp; Singer 2009, FOBOS with l1):
 * <pre>
 *   w_i = sign(w_i) * max(|w_i| - s_i * l1, 0)      on regularized groups; other components unchanged
 * </pre>
 * with {@code s_i} the step of coordinate {@code i} ({@code lr} for SGD; see {@link ParameterProx}). Components
 * with {@code |w_i| <= s_i * l1} become exactly {@code 0.0}, which is what makes the model sparse.
 *
 * @param l1 the penalty weight, finite and {@code >= 0}
 */
public record L1Prox(double l1) implements ParameterProx {
    private static final long serialVersionUID = 1L;

    public L1Prox {
        if (!(l1 >= 0.0) || Double.isInfinite(l1)) {
            throw new IllegalArgumentException("l1 must be finite and >= 0: " + l1);
        }
    }

    @Override
    public double penalty(double[] params, List<ParameterGroup> groups) {
        return l1 * ParameterProx.l1Norm(params, groups);
    }

    @Override
    public double[] apply(double[] params, double lr, double[] scales, List<ParameterGroup> groups) {
        ParameterProx.checkRate(lr);
        double t = lr * l1;
        double[] out = params.clone();
        for (ParameterGroup g : groups) {
            if (!g.regularized()) continue;
            for (int i = g.offset(); i < g.end(); i++) {
                out[i] = ParameterProx.softThreshold(params[i], scales == null ? t : t * scales[i]);
            }
        }
        return out;
    }
}
