/**
 * What a run writes and prints: the run directory and its commit rules ({@link dev.steepest.spark.output.RunDirectory}),
 * {@code metrics.jsonl} ({@link dev.steepest.spark.output.MetricsWriter}), JSON, the progress line and run warnings.
 * Listens to core's training loop ({@code TrainingListener}); of {@code dev.steepest.spark} it uses only {@link dev.steepest.spark.InputError}.
 */
package dev.steepest.spark.output;
