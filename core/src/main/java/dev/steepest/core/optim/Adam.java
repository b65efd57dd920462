package dev.steepest.core.optim;

import dev.steepest.core.model.ParameterGroup;
import java.util.List;

/**
 * Adam: D. P. Kingma, J. Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015; AMSGrad: S. J. Reddi,
 * S. Kale, S. Kumar, "On the Convergence of Adam and Beyond", ICLR 2018. Exactly {@code torch.optim.Adam}, with
 * its coupled (L2) weight decay, at step {@code t = 1, 2, ...}:
 * <pre>
 *   g    = grad + weight_decay * p                 (coupled L2; regularized groups only)
 *   m    = beta1 * m + (1 - beta1) * g
 *   v    = beta2 * v + (1 - beta2) * g^2
 *   amsgrad: vmax = max(vmax, v), and vmax replaces v below
 *   p    = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 * As a chain: {@link AddDecayedWeights}, {@link ScaleByAdam}, {@link ScaleByLearningRate}. For decoupled weight
 * decay use {@link AdamW}.
 * Sign convention: the chain returns the update to add, {@code p + updates}; {@code ScaleByLearningRate} supplies
 * {@code -lr(t)}.
 */
public final class Adam {
    private Adam() {
    }

    /**
     * @param lr          the learning rate schedule (PyTorch default 1e-3)
     * @param beta1       first-moment decay in [0, 1) (default 0.9)
     * @param beta2       second-moment decay in [0, 1) (default 0.999)
     * @param eps         added to the denominator (default 1e-8), must be {@code >= 0}
     * @param amsgrad     use the running maximum of {@code v} (default false)
     * @param weightDecay coupled L2 coefficient (default 0), must be {@code >= 0}
     * @param groups      parameter groups; only {@code regularized} ones are decayed
     * @throws IllegalArgumentException on an impossible hyper-parameter
     */
    public static GradientTransformation create(LearningRateSchedule lr, double beta1, double beta2, double eps,
                                                boolean amsgrad, double weightDecay, List<ParameterGroup> groups) {
        return Optimizers.adam(lr, beta1, beta2, eps, amsgrad, weightDecay, groups);
    }
}
