package dev.steepest.core.optim;

import dev.steepest.core.model.ParameterGroup;
import java.util.ArrayList;
import java.util.List;

/**
 * The layer-wise trust ratio of LARS and LAMB (You et al. 2017, 2020; Optax's {@code scale_by_trust_ratio}). On
 * each given group (layer) {@code l}:
 * <pre>
 *   u_l = c * ||w_l|| / (||g_l|| + beta * ||w_l||) * (g_l + beta * w_l)     (ratio 1 if ||w_l|| = 0 or ||g_l|| = 0)
 * </pre>
 * other components pass through. LARS ({@link Lars.LocalRate}) uses its trust coefficient {@code eta} as
 * {@code c} and its weight decay as {@code beta}: the paper's equation (6) puts the decay in the denominator as
 * {@code ||g|| + beta ||w||}, not {@code ||g + beta w||}. LAMB ({@link Lamb.ScaleByTrustRatio}) has {@code c = 1}
 * and {@code beta = 0}: its decay is added before, to Adam's direction, by {@link AddDecayedWeights}; then the
 * ratio is {@code ||w_l|| / ||u_l||}. The decay is {@link AddDecayedWeights#add}'s loop. Stateless. The gain on a
 * layer's coordinates is its ratio (the decay is an added term, not a gain).
 */
public class ScaleByTrustRatio implements GradientTransformation {
    private static final long serialVersionUID = 1L;

    private final double coefficient;
    private final double weightDecay;
    private final boolean decayInside;
    private final List<ParameterGroup> groups;

    /** LAMB's (Optax's) ratio {@code ||w_l|| / ||u_l||}: coefficient 1, no decay inside. */
    public ScaleByTrustRatio(List<ParameterGroup> groups) {
        this(1.0, 0.0, false, groups);
    }

    /**
     * LARS' ratio, with the decay inside (even when it is 0: {@code ||g|| + 0 ||w||}).
     *
     * @param coefficient the trust coefficient {@code c}; finite, {@code > 0}
     * @param weightDecay {@code beta}, inside the ratio and the step; finite, {@code >= 0}
     * @param groups      the groups that get decay and a trust ratio (all others pass through)
     */
    public ScaleByTrustRatio(double coefficient, double weightDecay, List<ParameterGroup> groups) {
        this(coefficient, weightDecay, true, groups);
    }

    private ScaleByTrustRatio(double coefficient, double weightDecay, boolean decayInside,
                              List<ParameterGroup> groups) {
        if (!(weightDecay >= 0.0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight_decay must be finite and >= 0: " + weightDecay);
        }
        if (!(coefficient > 0.0) || Double.isInfinite(coefficient)) {
            throw new IllegalArgumentException("trust coefficient must be finite and > 0: " + coefficient);
        }
        this.coefficient = coefficient;
        this.weightDecay = weightDecay;
        this.decayInside = decayInside;
        this.groups = List.copyOf(groups);
    }

    /**
     * The groups a layer-wise method decays and rescales: with {@code excludeUnregularized} only the regularized
     * ones, otherwise all of them.
     */
    public static List<ParameterGroup> layerwise(List<ParameterGroup> groups, boolean excludeUnregularized) {
        List<ParameterGroup> out = new ArrayList<>(groups.size());
        for (ParameterGroup g : groups) {
            if (g.regularized() || !excludeUnregularized) out.add(g);
        }
        return List.copyOf(out);
    }

    @Override
    public OptState init(double[] params) {
        return EmptyState.INSTANCE;
    }

    @Override
    public Update update(double[] gradient, OptState state, double[] params) {
        double[] decayed = decayInside ? AddDecayedWeights.add(gradient, weightDecay, params, groups) : gradient;
        double[] u = gradient.clone();
        double[] gains = null;
        for (ParameterGroup g : groups) {
            double wNorm = g.norm(params);
            double gNorm = g.norm(gradient);
            double ratio = wNorm == 0.0 || gNorm == 0.0 ? 1.0
                    : decayInside ? coefficient * wNorm / (gNorm + weightDecay * wNorm) : coefficient * wNorm / gNorm;
            if (ratio != 1.0 && gains == null) {
                gains = new double[u.length];
                java.util.Arrays.fill(gains, 1.0);
            }
            for (int i = g.offset(); i < g.end(); i++) {
                u[i] = ratio * decayed[i];
                if (gains != null) gains[i] = ratio;
            }
        }
        return new Update(u, state, 1.0, gains);
    }
}
