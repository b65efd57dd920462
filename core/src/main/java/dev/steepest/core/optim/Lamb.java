package dev.steepest.core.optim;

import dev.steepest.core.model.ParameterGroup;
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

    /** {@link Optimizers#lamb}. */
    public static GradientTransformation create(LearningRateSchedule lr, double beta1, double beta2, double eps,
                                                double weightDecay, boolean excludeUnregularized,
                                                List<ParameterGroup> groups) {
        return Optimizers.lamb(lr, beta1, beta2, eps, weightDecay, excludeUnregularized, groups);
    }

    /**
     * LAMB's layer-wise trust ratio (Optax's {@code scale_by_trust_ratio} with coefficient 1): on each given group
     * {@code u_l = ||w_l|| / ||u_l|| * u_l}, or {@code u_l} unchanged when either norm is 0; other components pass
     * through: {@link dev.steepest.core.optim.ScaleByTrustRatio} without decay inside. Stateless.
     */
    public static final class ScaleByTrustRatio extends dev.steepest.core.optim.ScaleByTrustRatio {
        private static final long serialVersionUID = 1L;

        /** @param groups the groups that get a trust ratio (all others pass through) */
        public ScaleByTrustRatio(List<ParameterGroup> groups) {
            super(groups);
        }
    }
}
