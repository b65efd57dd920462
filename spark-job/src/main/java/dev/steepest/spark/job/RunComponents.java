package dev.steepest.spark.job;

import dev.steepest.core.model.Model;
import dev.steepest.core.train.EarlyStopping;
import dev.steepest.core.train.GradientSource;
import dev.steepest.core.train.LbfgsTraining;
import dev.steepest.core.train.OptimizerFactory;
import dev.steepest.core.train.TrainingListener;
import dev.steepest.core.train.TrainingOptions;
import dev.steepest.spark.config.JobConfig;
import dev.steepest.spark.spec.TrainingSpec;
import java.util.List;

/**
 * Shorthands over {@link TrainingSpec} for callers that hold only a {@link JobConfig} (tools, benchmarks, tests):
 * each builds the spec and returns one of its parts. A run builds its spec once ({@code TrainJob}).
 */
public final class RunComponents {
    private RunComponents() {
    }

    /** 0 for regression, 2 for binary classifiers, model.max-classes for softmax. */
    public static int maxClasses(JobConfig cfg) {
        return TrainingSpec.of(cfg).model().maxClasses();
    }

    /** The model for {@code numFeatures} features and, for classifiers, {@code numClasses} classes. */
    public static Model create(JobConfig cfg, int numFeatures, int numClasses) {
        return TrainingSpec.of(cfg).model().create(numFeatures, numClasses);
    }

    public static double[] initialParameters(JobConfig cfg, Model model) {
        return TrainingSpec.of(cfg).model().initialParameters(model);
    }

    /** The optimizer of {@code optimizer.name}, with clipping in front when {@code clip.*} is set. */
    public static OptimizerFactory optimizer(JobConfig cfg) {
        return TrainingSpec.of(cfg).optimizer().factory();
    }

    /** The L-BFGS driver for {@code optimizer.name = lbfgs}, null for every other optimizer. */
    public static LbfgsTraining lbfgs(JobConfig cfg, GradientSource source, Model model, TrainingOptions options,
                                      List<TrainingListener> listeners) {
        return TrainingSpec.of(cfg).lbfgs(source, model, null, options, listeners);
    }

    /** Schedule, plateau, L1 prox, decoupled decay, intercept regularization, averaging, line search. */
    public static TrainingOptions options(JobConfig cfg) {
        return TrainingSpec.of(cfg).options();
    }

    /** Early stopping from the config, or null when train.early-stopping.patience is unset. */
    public static EarlyStopping earlyStopping(JobConfig cfg) {
        return TrainingSpec.of(cfg).earlyStopping();
    }

    /** One line for the log: the optimizer with its resolved options, clipping, regularization and schedule. */
    public static String describe(JobConfig cfg) {
        return TrainingSpec.of(cfg).describe();
    }
}
