/**
 * One training run from its {@code spec} (the config's typed values): the Spark session's settings, the choice of
 * gradient source (resident tasks or one job per step), and {@link dev.steepest.spark.job.TrainJob}, which loads the
 * data, runs core's training loop over the distributed gradient source and assembles the outputs. May use
 * {@code config}, {@code spec}, {@code data}, {@code exec} and {@code output}.
 */
package dev.steepest.spark.job;
