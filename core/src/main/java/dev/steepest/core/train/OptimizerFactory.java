package dev.steepest.core.train;

import dev.steepest.core.model.ParameterGroup;
import dev.steepest.core.optim.GradientTransformation;
import dev.steepest.core.optim.LearningRateSchedule;
import java.util.List;

/**
 * Builds the optimizer once the loop knows the learning-rate schedule (which depends on the batch size through
 * the scaling rule) and the model's parameter groups, typically one of {@link dev.steepest.core.optim.Optimizers}.
 * The loop calls it once for the run's schedule and once more per change of the rate factor (a plateau
 * reduction, a backoff), through {@link dev.steepest.core.optim.InjectLearningRate}: the factor itself and the
 * step count are optimizer state, not a new factory call's business.
 */
@FunctionalInterface
public interface OptimizerFactory {
    GradientTransformation create(LearningRateSchedule schedule, List<ParameterGroup> groups);
}
