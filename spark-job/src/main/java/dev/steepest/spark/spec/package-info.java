/**
 * The training spec: a validated {@code JobConfig} turned into typed values in one place
 * ({@link dev.steepest.spark.spec.TrainingSpec}): the model ({@link dev.steepest.spark.spec.ModelSpec}), the optimizer
 * chain ({@link dev.steepest.spark.spec.OptimizerSpec}), the schedule ({@link dev.steepest.spark.spec.ScheduleSpec}),
 * the batch rule and stopping, regularization, the loop's options and the data options
 * ({@link dev.steepest.spark.spec.InputSpec}), how steps reach the executors
 * ({@link dev.steepest.spark.spec.StepSpec}), and the run's output directory, warm start and checkpoints
 * ({@link dev.steepest.spark.spec.RunSpec}, {@link dev.steepest.spark.spec.CheckpointSpec}). Outside {@code config} and
 * this package no code reads a config key (but {@code spark.master}, which goes to Spark as it is). Everything that
 * needs no data is checked when the spec is built, before Spark starts; the plan is computed once from the training
 * rows, with the checks that need it, before the loop starts. The CLI and the Spark ML Estimators both build one. Uses
 * {@code config}, {@code core}, {@code data} (the loader options) and {@code checkpoint} (its interval); {@code config}
 * uses neither this package nor {@code core}.
 */
package dev.steepest.spark.spec;
