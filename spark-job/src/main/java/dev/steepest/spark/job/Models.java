package dev.steepest.spark.job;

import dev.steepest.core.model.LinearModel;
import dev.steepest.core.model.Model;
import dev.steepest.core.optim.Optimizers;
import dev.steepest.core.train.OptimizerFactory;
import dev.steepest.core.train.ParameterInit;
import dev.steepest.spark.config.JobConfig;

/** Config to core objects: the model, its initial parameters and the optimizer. */
public final class Models {
    private Models() {
    }

    public static boolean isClassifier(String type) {
        return "logistic".equals(type);
    }

    public static Model create(JobConfig cfg, int numFeatures) {
        boolean intercept = cfg.bool("model.fit-intercept");
        return switch (cfg.modelType()) {
            case "linear" -> LinearModel.linearRegression(numFeatures, intercept);
            case "logistic" -> LinearModel.logisticRegression(numFeatures, intercept);
            default -> throw new IllegalStateException(cfg.modelType());
        };
    }

    public static double[] initialParameters(JobConfig cfg, Model model) {
        return "normal".equals(cfg.string("model.init"))
                ? ParameterInit.normal(model, cfg.doubleValue("model.init-std"), cfg.longValue("train.seed"))
                : ParameterInit.zeros(model);
    }

    public static OptimizerFactory optimizer(JobConfig cfg) {
        double momentum = cfg.momentum();
        double dampening = cfg.dampening();
        boolean nesterov = cfg.nesterov();
        double weightDecay = cfg.doubleValue("optimizer.weight-decay");
        return (schedule, groups) -> Optimizers.sgd(schedule, momentum, dampening, nesterov, weightDecay, groups);
    }
}
