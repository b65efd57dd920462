package dev.steepest.spark.spec;

import dev.steepest.core.model.ParameterGroup;
import dev.steepest.core.optim.Chain;
import dev.steepest.core.optim.ClipByGlobalNorm;
import dev.steepest.core.optim.ClipByValue;
import dev.steepest.core.optim.GradientTransformation;
import dev.steepest.core.optim.LearningRateSchedule;
import dev.steepest.core.optim.Optimizers;
import dev.steepest.core.train.OptimizerFactory;
import dev.steepest.spark.config.JobConfig;
import dev.steepest.spark.config.OptimizerKind;
import dev.steepest.spark.config.OptimizerOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * The optimizer chain as typed values: {@code optimizer.name}'s options resolved (the config's, else the
 * optimizer's default from {@link OptimizerKind}; NaN / false for an option it does not take), and the clipping in
 * front of it ({@code clip.*}, NaN when unset).
 */
public record OptimizerSpec(OptimizerKind kind, double momentum, double dampening, boolean nesterov,
                            double weightDecay, double lrDecay, double initialAccumulator, double eps, double alpha,
                            boolean centered, double beta1, double beta2, boolean amsgrad, double trust,
                            boolean excludeBiases, int history, double clipValue, double clipNorm) {

    static OptimizerSpec of(JobConfig c) {
        return new OptimizerSpec(c.optimizer(), num(c, "optimizer.momentum"), num(c, "optimizer.dampening"),
                flag(c, "optimizer.nesterov"), num(c, "optimizer.weight-decay"), num(c, "optimizer.lr-decay"),
                num(c, "optimizer.initial-accumulator"), num(c, "optimizer.eps"), num(c, "optimizer.alpha"),
                flag(c, "optimizer.centered"), num(c, "optimizer.beta1"), num(c, "optimizer.beta2"),
                flag(c, "optimizer.amsgrad"), num(c, "optimizer.trust-coefficient"),
                flag(c, "optimizer.exclude-biases"), (int) num(c, "optimizer.history"),
                c.has("clip.value") ? c.doubleValue("clip.value") : Double.NaN,
                c.has("clip.norm") ? c.doubleValue("clip.norm") : Double.NaN);
    }

    /** optimizer.name = lbfgs: trained by the L-BFGS driver, not the loop. */
    public boolean lbfgs() {
        return kind == OptimizerKind.LBFGS;
    }

    /** The loop's optimizer: the chosen one, with clipping (by value, then by norm) in front when set. */
    public OptimizerFactory factory() {
        List<GradientTransformation> clips = new ArrayList<>();
        if (!Double.isNaN(clipValue)) clips.add(new ClipByValue(clipValue));
        if (!Double.isNaN(clipNorm)) clips.add(new ClipByGlobalNorm(clipNorm));
        return (schedule, groups) -> {
            GradientTransformation opt = create(schedule, groups);
            if (clips.isEmpty()) return opt;
            List<GradientTransformation> pieces = new ArrayList<>(clips);
            pieces.add(opt);
            return Chain.of(pieces.toArray(new GradientTransformation[0]));
        };
    }

    private GradientTransformation create(LearningRateSchedule lr, List<ParameterGroup> groups) {
        return switch (kind) {
            case SGD, MOMENTUM, NESTEROV -> Optimizers.sgd(lr, momentum, dampening, nesterov, weightDecay, groups);
            case ADAGRAD -> Optimizers.adagrad(lr, lrDecay, initialAccumulator, eps, weightDecay, groups);
            case RMSPROP -> Optimizers.rmsprop(lr, alpha, eps, centered, momentum, weightDecay, groups);
            case ADAM -> Optimizers.adam(lr, beta1, beta2, eps, amsgrad, weightDecay, groups);
            case ADAMW -> Optimizers.adamw(lr, beta1, beta2, eps, amsgrad, weightDecay, groups);
            case LARS -> Optimizers.lars(lr, momentum, weightDecay, trust, excludeBiases, groups);
            case LAMB -> Optimizers.lamb(lr, beta1, beta2, eps, weightDecay, excludeBiases, groups);
            case LBFGS -> throw new IllegalStateException("lbfgs is trained by LbfgsTraining, not the loop");
        };
    }

    /** The option's value, or NaN when the optimizer does not take it. */
    private static double num(JobConfig c, String key) {
        return OptimizerOptions.takes(c, key) ? OptimizerOptions.number(c, key) : Double.NaN;
    }

    private static boolean flag(JobConfig c, String key) {
        return OptimizerOptions.takes(c, key) && OptimizerOptions.bool(c, key);
    }
}
