package dev.steepest.core.optim;

import dev.steepest.core.model.ParameterGroup;
import java.util.ArrayList;
import java.util.List;

/** Optimizers assembled from the pieces of this package. */
public final class Optimizers {
    private Optimizers() {
    }

    /**
     * {@code torch.optim.SGD}: coupled weight decay, then momentum (heavy ball or Nesterov, with dampening),
     * then {@code -lr(t)}. With {@code momentum = 0} this is plain (mini-batch) gradient descent
     * {@code p <- p - lr * g}.
     */
    public static GradientTransformation sgd(LearningRateSchedule lr, double momentum, double dampening,
                                             boolean nesterov, double weightDecay, List<ParameterGroup> groups) {
        List<GradientTransformation> pieces = new ArrayList<>(3);
        if (weightDecay != 0.0) pieces.add(new AddDecayedWeights(weightDecay, groups));
        if (momentum != 0.0) pieces.add(new TraceMomentum(momentum, dampening, nesterov));
        pieces.add(new ScaleByLearningRate(lr));
        return Chain.of(pieces.toArray(new GradientTransformation[0]));
    }
}
