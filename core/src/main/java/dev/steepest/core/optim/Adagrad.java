package dev.steepest.core.optim;

import dev.steepest.core.model.ParameterGroup;
import java.util.List;

/**
 * Adagrad: J. Duchi, E. Hazan, Y. Singer, "Adaptive Subgradient Methods for Online Learning and Stochastic
 * Optimization", JMLR 12 (2011). Exactly {@code torch.optim.Adagrad} (dense gradients), whose algorithm is,
 * at step {@code t = 1, 2, ...} with {@code sum_0 = initial_accumulator_value}:
 * <pre>
 *   g     = grad + weight_decay * p              (coupled L2; regularized groups only)
 *   clr   = lr / (1 + (t - 1) * lr_decay)
 *   sum_t = sum_{t-1} + g * g
 *   p     = p - clr * g / (sqrt(sum_t) + eps)
 * </pre>
 * As a chain: {@link AddDecayedWeights}, {@link ScaleByAdagrad}, {@link ScaleByLearningRate}.
 * Sign convention: the chain returns the update to add, {@code p + updates}; {@code ScaleByLearningRate} supplies
 * {@code -lr(t)}.
 */
public final class Adagrad {
    private Adagrad() {
    }

    /**
     * @param lr                 the learning rate schedule (PyTorch default 1e-2)
     * @param lrDecay            PyTorch's {@code lr_decay} (default 0), must be {@code >= 0}
     * @param initialAccumulator PyTorch's {@code initial_accumulator_value} (default 0), must be {@code >= 0}
     * @param eps                added to {@code sqrt(sum)} (PyTorch default 1e-10), must be {@code >= 0}
     * @param weightDecay        coupled L2 coefficient (default 0), must be {@code >= 0}
     * @param groups             parameter groups; only {@code regularized} ones are decayed
     * @throws IllegalArgumentException on an impossible hyper-parameter
     */
    public static GradientTransformation create(LearningRateSchedule lr, double lrDecay, double initialAccumulator,
                                                double eps, double weightDecay, List<ParameterGroup> groups) {
        return Optimizers.adagrad(lr, lrDecay, initialAccumulator, eps, weightDecay, groups);
    }
}
