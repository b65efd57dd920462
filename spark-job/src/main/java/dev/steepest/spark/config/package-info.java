/**
 * Configuration: every key steepest reads, with its type, default, allowed values and documentation
 * ({@link dev.steepest.spark.config.ConfigSchema}), the HOCON loader with {@code --set} overrides, and the validated,
 * resolved values of one run ({@link dev.steepest.spark.config.JobConfig}). Every check that needs no data happens
 * here, before Spark starts. The optimizers, schedules and model types are declared once each
 * ({@link dev.steepest.spark.config.OptimizerKind}, {@link dev.steepest.spark.config.ScheduleKind},
 * {@link dev.steepest.spark.config.ModelType}). Depends on Typesafe Config only (nothing from {@code core}); turning
 * values into core objects is {@code spec}'s work.
 */
package dev.steepest.spark.config;
