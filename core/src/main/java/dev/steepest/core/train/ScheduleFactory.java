package dev.steepest.core.train;

import dev.steepest.core.optim.LearningRateSchedule;

/**
 * Builds the learning-rate schedule once the run's plan is known: schedules are stated in epochs and start from
 * the effective (batch-scaled) rate, so they need the steps per epoch and that rate. Warmup is added on top by the
 * loop; the plateau's and the backoffs' factor multiply it inside the optimizer state
 * ({@link dev.steepest.core.optim.InjectLearningRate}), so the schedule stays a pure function of the step.
 */
@FunctionalInterface
public interface ScheduleFactory {
    LearningRateSchedule create(TrainingPlan plan);

    /** The effective rate, unchanged. */
    ScheduleFactory CONSTANT = plan -> LearningRateSchedule.constant(plan.effectiveLr());
}
