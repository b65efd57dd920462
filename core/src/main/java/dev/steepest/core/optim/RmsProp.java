package dev.steepest.core.optim;

import dev.steepest.core.model.ParameterGroup;
import java.util.List;

/**
 * RMSprop: T. Tieleman, G. Hinton, "Lecture 6.5 - rmsprop: Divide the gradient by a running average of its
 * recent magnitude", COURSERA: Neural Networks for Machine Learning (2012); the centered variant is from
 * A. Graves, "Generating Sequences With Recurrent Neural Networks" (2013). Exactly {@code torch.optim.RMSprop}:
 * <pre>
 *   g    = grad + weight_decay * p                    (coupled L2; regularized groups only)
 *   v    = alpha * v + (1 - alpha) * g^2
 *   centered:  gavg = alpha * gavg + (1 - alpha) * g;  denom = sqrt(v - gavg^2) + eps
 *   otherwise: denom = sqrt(v) + eps
 *   momentum &gt; 0:  buf = momentum * buf + g / denom  (buf starts at 0);  p = p - lr * buf
 *   otherwise:     p = p - lr * g / denom
 * </pre>
 * As a chain: {@link AddDecayedWeights}, {@link ScaleByRms}, {@link TraceMomentum}, {@link ScaleByLearningRate}.
 * RMSprop's buffer starts at zero and SGD's at the first input, but with dampening 0 both give
 * {@code buf_1 = momentum * 0 + x_1 = x_1}, so {@code TraceMomentum(momentum, 0, false)} is exactly RMSprop's.
 * Sign convention: the chain returns the update to add, {@code p + updates}; {@code ScaleByLearningRate} supplies
 * {@code -lr(t)}.
 */
public final class RmsProp {
    private RmsProp() {
    }

    /**
     * @param lr          the learning rate schedule (PyTorch default 1e-2)
     * @param alpha       smoothing constant in [0, 1] (default 0.99)
     * @param eps         added to the denominator (default 1e-8), must be {@code >= 0}
     * @param centered    divide by the running standard deviation instead of the RMS (default false)
     * @param momentum    momentum factor (default 0), must be {@code >= 0}
     * @param weightDecay coupled L2 coefficient (default 0), must be {@code >= 0}
     * @param groups      parameter groups; only {@code regularized} ones are decayed
     * @throws IllegalArgumentException on an impossible hyper-parameter
     */
    public static GradientTransformation create(LearningRateSchedule lr, double alpha, double eps, boolean centered,
                                                double momentum, double weightDecay, List<ParameterGroup> groups) {
        return Optimizers.rmsprop(lr, alpha, eps, centered, momentum, weightDecay, groups);
    }
}
