package dev.steepest.core.optim;

import dev.steepest.core.model.ParameterGroup;
import java.util.ArrayList;
import java.util.List;

/**
 * Every optimizer of steepest, each a short chain of the pieces of this package (Optax's {@code alias.py}). The
 * classes named after them ({@link Adam}, {@link Lars}, ...) hold the algorithm as the paper and PyTorch write
 * it, with its defaults; their {@code create} is the method here. Hyper-parameters are checked by the pieces;
 * a coupled {@code weightDecay} of 0 adds no piece. Sign convention: every chain returns the update to add,
 * {@code p + updates}; the last piece supplies {@code -lr(t)}.
 */
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
        return chain(decay(weightDecay, groups), momentum != 0.0 ? new TraceMomentum(momentum, dampening, nesterov)
                : null, new ScaleByLearningRate(lr));
    }

    /** {@link Adagrad}: coupled decay, {@link ScaleByAdagrad}, {@code -lr(t)}. */
    public static GradientTransformation adagrad(LearningRateSchedule lr, double lrDecay, double initialAccumulator,
                                                 double eps, double weightDecay, List<ParameterGroup> groups) {
        return chain(checked(weightDecay, groups), new ScaleByAdagrad(lrDecay, initialAccumulator, eps),
                new ScaleByLearningRate(lr));
    }

    /** {@link RmsProp}: coupled decay, {@link ScaleByRms}, momentum on the scaled gradient, {@code -lr(t)}. */
    public static GradientTransformation rmsprop(LearningRateSchedule lr, double alpha, double eps, boolean centered,
                                                 double momentum, double weightDecay, List<ParameterGroup> groups) {
        if (!(momentum >= 0.0) || Double.isInfinite(momentum)) {
            throw new IllegalArgumentException("momentum must be finite and >= 0: " + momentum);
        }
        return chain(checked(weightDecay, groups), new ScaleByRms(alpha, eps, centered),
                momentum > 0.0 ? new TraceMomentum(momentum, 0.0, false) : null, new ScaleByLearningRate(lr));
    }

    /** {@link Adam}: coupled decay, {@link ScaleByAdam}, {@code -lr(t)}. */
    public static GradientTransformation adam(LearningRateSchedule lr, double beta1, double beta2, double eps,
                                              boolean amsgrad, double weightDecay, List<ParameterGroup> groups) {
        return chain(checked(weightDecay, groups), new ScaleByAdam(beta1, beta2, eps, amsgrad),
                new ScaleByLearningRate(lr));
    }

    /** {@link AdamW}: {@link ScaleByAdam}, decay added to Adam's direction, {@code -lr(t)}. */
    public static GradientTransformation adamw(LearningRateSchedule lr, double beta1, double beta2, double eps,
                                               boolean amsgrad, double weightDecay, List<ParameterGroup> groups) {
        AddDecayedWeights decay = checked(weightDecay, groups);
        return chain(new ScaleByAdam(beta1, beta2, eps, amsgrad), decay, new ScaleByLearningRate(lr));
    }

    /** {@link Lars}: the local rate ({@link ScaleByTrustRatio} with decay inside), momentum with the rate inside. */
    public static GradientTransformation lars(LearningRateSchedule lr, double momentum, double weightDecay,
                                              double trustCoefficient, boolean excludeUnregularized,
                                              List<ParameterGroup> groups) {
        return Chain.of(new Lars.LocalRate(weightDecay, trustCoefficient,
                ScaleByTrustRatio.layerwise(groups, excludeUnregularized)), new Lars.ScheduledMomentum(lr, momentum));
    }

    /** {@link Lamb}: {@link ScaleByAdam}, decay of the layer-wise groups, {@link ScaleByTrustRatio}, {@code -lr(t)}. */
    public static GradientTransformation lamb(LearningRateSchedule lr, double beta1, double beta2, double eps,
                                              double weightDecay, boolean excludeUnregularized,
                                              List<ParameterGroup> groups) {
        List<ParameterGroup> layers = ScaleByTrustRatio.layerwise(groups, excludeUnregularized);
        // AddDecayedWeights decays the groups marked regularized: mark exactly the layer-wise ones
        List<ParameterGroup> marked = new ArrayList<>(layers.size());
        for (ParameterGroup g : layers) marked.add(new ParameterGroup(g.name(), g.offset(), g.length(), true));
        AddDecayedWeights decay = checked(weightDecay, marked);
        return chain(new ScaleByAdam(beta1, beta2, eps, false), decay, new Lamb.ScaleByTrustRatio(layers),
                new ScaleByLearningRate(lr));
    }

    /** Coupled decay, or null (no piece) for 0. */
    private static AddDecayedWeights decay(double weightDecay, List<ParameterGroup> groups) {
        return weightDecay != 0.0 ? new AddDecayedWeights(weightDecay, groups) : null;
    }

    /** {@link #decay}, after checking that the coefficient is finite and {@code >= 0}. */
    private static AddDecayedWeights checked(double weightDecay, List<ParameterGroup> groups) {
        if (!(weightDecay >= 0.0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight_decay must be finite and >= 0: " + weightDecay);
        }
        return decay(weightDecay, groups);
    }

    /** The chain of the non-null pieces, in order. */
    private static Chain chain(GradientTransformation... pieces) {
        List<GradientTransformation> present = new ArrayList<>(pieces.length);
        for (GradientTransformation p : pieces) {
            if (p != null) present.add(p);
        }
        return Chain.of(present.toArray(new GradientTransformation[0]));
    }
}
