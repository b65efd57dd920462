/**
 * The training spec: a validated {@code JobConfig} turned into typed values in one place
 * ({@link dev.steepest.spark.spec.TrainingSpec}): the model ({@link dev.steepest.spark.spec.ModelSpec}), the
 * optimizer chain ({@link dev.steepest.spark.spec.OptimizerSpec}), the schedule
 * ({@link dev.steepest.spark.spec.ScheduleSpec}), the batch rule and stopping, regularization, the loop's options and
 * the data options ({@link dev.steepest.spark.spec.InputSpec}). Everything that needs no data is checked when the
 * spec is built, before Spark starts; the plan is computed once from the training rows, with the checks that need it,
 * before the loop starts. The CLI and the Spark ML Estimators both build one. Uses {@code config} and {@code core};
 * {@code config} uses neither this package nor {@code core}.
 */
package dev.steepest.spark.spec;
