package dev.steepest.core.optim;

import dev.steepest.core.model.ParameterGroup;
import java.util.List;

/**
 * Coupled weight decay (PyTorch's {@code weight_decay} for SGD): {@code g <- g + wd * p} on the parameter groups
 * that are regularized; intercepts and biases are left alone unless their group says otherwise. Adding
 * {@code wd * p} to the gradient is L2 regularization with penalty {@code wd/2 ||p||^2}.
 */
public final class AddDecayedWeights implements GradientTransformation {
    private static final long serialVersionUID = 1L;

    private final double weightDecay;
    private final List<ParameterGroup> groups;

    public AddDecayedWeights(double weightDecay, List<ParameterGroup> groups) {
        this.weightDecay = weightDecay;
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
            if (!g.regularized()) continue;
            for (int i = g.offset(); i < g.end(); i++) u[i] += weightDecay * params[i];
        }
        return new Update(u, state);
    }
}
