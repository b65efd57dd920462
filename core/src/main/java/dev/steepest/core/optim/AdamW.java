package dev.steepest.core.optim;

import dev.steepest.core.model.ParameterGroup;
import java.util.List;

/**
 * AdamW: I. Loshchilov, F. Hutter, "Decoupled Weight Decay Regularization", ICLR 2019 (on Adam, Kingma &amp; Ba
 * 2015, and optionally AMSGrad, Reddi et al. 2018). {@code torch.optim.AdamW} does, at step {@code t = 1, 2, ...}:
 * <pre>
 *   p    = p * (1 - lr * weight_decay)             (decoupled; not added to the gradient)
 *   m    = beta1 * m + (1 - beta1) * grad
 *   v    = beta2 * v + (1 - beta2) * grad^2
 *   amsgrad: vmax = max(vmax, v), and vmax replaces v below
 *   p    = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 * As a chain: {@link ScaleByAdam}, then {@link AddDecayedWeights} (adds {@code weight_decay * p} to Adam's
 * direction, regularized groups only), then {@link ScaleByLearningRate}: {@code p - lr * (adam + wd * p)}, which
 * is PyTorch's two steps combined (equal up to rounding; checked against PyTorch to 1e-10 relative).
 * Sign convention: the chain returns the update to add, {@code p + updates}; {@code ScaleByLearningRate} supplies
 * {@code -lr(t)}.
 */
public final class AdamW {
    private AdamW() {
    }

    /**
     * @param lr          the learning rate schedule (PyTorch default 1e-3); it also scales the decay
     * @param beta1       first-moment decay in [0, 1) (default 0.9)
     * @param beta2       second-moment decay in [0, 1) (default 0.999)
     * @param eps         added to the denominator (default 1e-8), must be {@code >= 0}
     * @param amsgrad     use the running maximum of {@code v} (default false)
     * @param weightDecay decoupled decay coefficient (PyTorch default 1e-2), must be {@code >= 0}
     * @param groups      parameter groups; only {@code regularized} ones are decayed
     * @throws IllegalArgumentException on an impossible hyper-parameter
     */
    public static GradientTransformation create(LearningRateSchedule lr, double beta1, double beta2, double eps,
                                                boolean amsgrad, double weightDecay, List<ParameterGroup> groups) {
        return Optimizers.adamw(lr, beta1, beta2, eps, amsgrad, weightDecay, groups);
    }
}
