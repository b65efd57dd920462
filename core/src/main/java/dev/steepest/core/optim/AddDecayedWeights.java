package dev.steepest.core.optim;

import dev.steepest.core.model.ParameterGroup;
import java.util.ArrayList;
import java.util.List;

/**
 * Coupled weight decay (PyTorch's {@code weight_decay} for SGD): {@code g <- g + wd * p} on the parameter groups
 * that are regularized; intercepts and biases are left alone unless their group says otherwise. Adding
 * {@code wd * p} to the gradient is L2 regularization with penalty {@code wd/2 ||p||^2}. The same loop,
 * {@link #add}, decays inside LARS' trust ratio ({@link ScaleByTrustRatio}) and applies the decoupled decay
 * {@code -lr(t) wd p} of {@link InjectLearningRate}.
 */
public final class AddDecayedWeights implements GradientTransformation {
    private static final long serialVersionUID = 1L;

    private final double weightDecay;
    private final List<ParameterGroup> groups;

    public AddDecayedWeights(double weightDecay, List<ParameterGroup> groups) {
        this.weightDecay = weightDecay;
        this.groups = regularized(groups);
    }

    /** The groups marked regularized, in order. */
    static List<ParameterGroup> regularized(List<ParameterGroup> groups) {
        List<ParameterGroup> out = new ArrayList<>(groups.size());
        for (ParameterGroup g : groups) {
            if (g.regularized()) out.add(g);
        }
        return List.copyOf(out);
    }

    /** {@code u + coefficient * p} on every component of {@code groups}, {@code u} elsewhere, as a new array. */
    static double[] add(double[] u, double coefficient, double[] params, List<ParameterGroup> groups) {
        double[] out = u.clone();
        for (ParameterGroup g : groups) {
            for (int i = g.offset(); i < g.end(); i++) out[i] += coefficient * params[i];
        }
        return out;
    }

    @Override
    public OptState init(double[] params) {
        return EmptyState.INSTANCE;
    }

    @Override
    public Update update(double[] gradient, OptState state, double[] params) {
        return new Update(add(gradient, weightDecay, params, groups), state);
    }
}
