package dev.steepest.core.train;

import dev.steepest.core.model.ParameterGroup;
import dev.steepest.core.optim.GradientTransformation;
import dev.steepest.core.optim.LearningRateSchedule;
import java.util.List;

/**
 * Builds the optimizer once the loop knows the learning-rate schedule (which depends on the batch size through
 * the scaling rule) and the model's parameter groups.
 */
@FunctionalInterface
public interface OptimizerFactory {
    GradientTransformation create(LearningRateSchedule schedule, List<ParameterGroup> groups);
}
