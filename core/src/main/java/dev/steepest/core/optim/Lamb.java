package dev.steepest.core.optim;

import dev.steepest.core.model.ParameterGroup;
import java.util.ArrayList;
import java.util.List;

/**
 * LAMB: Y. You, J. Li, S. Reddi, J. Hseu, S. Kumar, S. Bhojanapalli, X. Song, J. Demmel, K. Keutzer, C.-J. Hsieh,
 * "Large Batch Optimization for Deep Learning: Training BERT in 76 minutes", ICLR 2020 (arXiv:1904.00962),
 * Algorithm 2, with Adam's bias correction (as in the published version and in Optax, TF-Addons and NVIDIA apex;
 * some earlier arXiv versions and the cybertronai/pytorch-lamb code leave it out). For every layer (parameter
 * group) {@code l}, at update {@code t = 1, 2, ...}, with {@code m = v = 0} at the start:
 * <pre>
 *   m   = beta1 * m + (1 - beta1) * g
 *   v   = beta2 * v + (1 - beta2) * g^2
 *   r   = (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps) + lambda * w
 *   w_l = w_l - eta(t) * phi(||w_l||) / ||r_l|| * r_l          (phi = identity; ratio 1 if either norm is 0)
 * </pre>
 * {@code lambda} is the weight decay, {@code eta} the learning-rate schedule (evaluated at 0-based {@code t - 1},
 * as {@link ScaleByLearningRate}). When {@code excludeUnregularized} is set, groups with
 * {@code regularized = false} (intercepts, biases) get neither decay nor trust ratio: an Adam step there.
 * Parameters in no group are treated the same way.
 *
 * <p>As a chain (Optax's {@code lamb}): {@link ScaleByAdam} (no AMSGrad; it computes {@code sqrt(v) /
 * sqrt(1 - beta2^t)}, equal to the paper's {@code sqrt(v_hat)} up to rounding), {@link AddDecayedWeights} on the
 * layer-wise groups (only when {@code lambda != 0}), {@link ScaleByTrustRatio}, {@link ScaleByLearningRate}.
 * Sign convention: the chain returns the update to add, {@code w + updates}; {@code ScaleByLearningRate}
 * supplies {@code -eta(t)}.
 */
public final class Lamb {
    private Lamb() {
    }

    /**
     * @param lr                   the learning-rate schedule {@code eta(t)}
     * @param beta1                first-moment decay in [0, 1) (paper: 0.9)
     * @param beta2                second-moment decay in [0, 1) (paper: 0.999)
     * @param eps                  added to the denominator, {@code >= 0} (paper: 1e-6)
     * @param weightDecay          {@code lambda >= 0}, added to the Adam direction before the trust ratio
     * @param excludeUnregularized no decay and ratio 1 for groups with {@code regularized = false}
     * @param groups               the layers; one trust ratio each
     * @throws IllegalArgumentException on an impossible hyper-parameter
     */
    public static GradientTransformation create(LearningRateSchedule lr, double beta1, double beta2, double eps,
                                                double weightDecay, boolean excludeUnregularized,
                                                List<ParameterGroup> groups) {
        if (!(weightDecay >= 0.0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight_decay must be finite and >= 0: " + weightDecay);
        }
        List<ParameterGroup> layers = Lars.layerwiseGroups(groups, excludeUnregularized);
        // AddDecayedWeights decays the groups marked regularized: mark exactly the layer-wise ones.
        List<ParameterGroup> decayed = new ArrayList<>(layers.size());
        for (ParameterGroup g : layers) decayed.add(new ParameterGroup(g.name(), g.offset(), g.length(), true));
        List<GradientTransformation> pieces = new ArrayList<>(4);
        pieces.add(new ScaleByAdam(beta1, beta2, eps, false));
        if (weightDecay != 0.0) pieces.add(new AddDecayedWeights(weightDecay, decayed));
        pieces.add(new ScaleByTrustRatio(layers));
        pieces.add(new ScaleByLearningRate(lr));
        return Chain.of(pieces.toArray(new GradientTransformation[0]));
    }

    /**
     * The layer-wise trust ratio of LAMB (Optax's {@code scale_by_trust_ratio} with coefficient 1): on each given
     * group {@code u_l = ||w_l|| / ||u_l|| * u_l}, or {@code u_l} unchanged when either norm is 0; other
     * components pass through. Stateless.
     */
    public static final class ScaleByTrustRatio implements GradientTransformation {
        private static final long serialVersionUID = 1L;

        private final List<ParameterGroup> groups;

        /** @param groups the groups that get a trust ratio (all others pass through) */
        public ScaleByTrustRatio(List<ParameterGroup> groups) {
            this.groups = List.copyOf(groups);
        }

        @Override
        public OptState init(double[] params) {
            return EmptyState.INSTANCE;
        }

        @Override
        public Update update(double[] gradient, OptState state, double[] params) {
            double[] u = gradient.clone();
            for (ParameterGroup g : groups) {
                double wNorm = g.norm(params);
                double uNorm = g.norm(gradient);
                if (wNorm == 0.0 || uNorm == 0.0) continue;
                double ratio = wNorm / uNorm;
                for (int i = g.offset(); i < g.end(); i++) u[i] = ratio * gradient[i];
            }
            return new Update(u, state);
        }
    }
}
