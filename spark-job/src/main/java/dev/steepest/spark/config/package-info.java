/**
 * Configuration: every key steepest reads, with its type, default, allowed values and documentation
 * ({@link dev.steepest.spark.config.ConfigSchema}), the HOCON loader with {@code --set} overrides, and the validated,
 * resolved values of one run ({@link dev.steepest.spark.config.JobConfig}). Every check that needs no data happens
 * here, before Spark starts. Depends on Typesafe Config only; turning values into core objects is {@code job}'s work.
 */
package dev.steepest.spark.config;
