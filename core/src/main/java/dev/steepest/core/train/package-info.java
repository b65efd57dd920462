/**
 * The training loop and what it plans and checks, independent of where gradients come from: the driver loop
 * ({@link dev.steepest.core.train.TrainingLoop}) over epochs and steps; how each step's batch is split over the
 * partitions ({@link dev.steepest.core.train.BatchPlanner}, {@link dev.steepest.core.train.StepPlan},
 * {@link dev.steepest.core.train.RowPermutation}) and what one partition does in a step
 * ({@link dev.steepest.core.train.PartitionStep}); the {@link dev.steepest.core.train.GradientSource} interface
 * (with {@link dev.steepest.core.train.LocalGradientSource}, the single-thread ground truth; spark-job supplies
 * the distributed ones); validation, early stopping, divergence handling, the run's settings, records,
 * listeners and result.
 *
 * <p>The one package of core that may depend on all the others: {@code data}, {@code model}, {@code optim},
 * {@code optim.prox} and {@code optim.schedule}. None of them may depend on it. No Spark: spark-job implements
 * {@code GradientSource} and calls the loop.
 */
package dev.steepest.core.train;
