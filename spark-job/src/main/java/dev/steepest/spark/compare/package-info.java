/**
 * {@code steepest compare}: several configurations (config files x a grid of key values) trained over the same seeds
 * in one Spark application, reusing cached data, with per-configuration statistics, paired t-tests (Commons Math)
 * and the best configuration by validation loss, written as {@code compare.json} and an HTML page in the report's
 * style. Uses {@code job} to train, {@code report} to read runs and draw pages.
 */
package dev.steepest.spark.compare;
