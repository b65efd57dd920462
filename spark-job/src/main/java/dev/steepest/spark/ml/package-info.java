/**
 * steepest as a Spark ML library: the Estimators {@link dev.steepest.spark.ml.SteepestClassifier} and
 * {@link dev.steepest.spark.ml.SteepestRegressor}, whose {@code fit} builds the same validated config the CLI builds
 * and runs the same training path ({@code job.TrainJob}), and their Models, which score with core's {@code score}
 * kernel from the parameters {@code model.json} holds and save / load on any Hadoop FileSystem. Params other than
 * Spark's conventional ones are derived from {@code config.ConfigSchema}. May use {@code config}, {@code data},
 * {@code job} and core; nothing else of steepest depends on it but {@code cli}'s scoring commands.
 */
package dev.steepest.spark.ml;
