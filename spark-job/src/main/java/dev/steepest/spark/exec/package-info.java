/**
 * The distributed step: the {@code GradientSource}s that compute a step's sums on Spark. {@link
 * dev.steepest.spark.exec.SparkGradientSource} runs one Spark job per step; {@link
 * dev.steepest.spark.exec.ResidentGradientSource} keeps one task per partition running and streams steps to it
 * (the driver's session {@code ResidentSession}, the executor's loop {@code ResidentTask}, the links
 * {@code ResidentChannel} / {@code InProcessLink}, the TCP endpoint {@code ResidentListener} and its security
 * {@code LinkSecurity} / {@code SealedFrames}, the merge tree {@code ResidentTree} whose groups the tasks merge, and
 * {@code BroadcastParameters}, a step's parameters as a Spark broadcast whose handle the links carry); {@link dev.steepest.spark.exec.FallbackGradientSource} goes over
 * from one to the other when the first fails.
 *
 * <p>Depends on {@code core} (blocks, models, the partition kernel, plans) and Spark; nothing in {@code config},
 * {@code data}, {@code job} or {@code output}: callers hand in what a source needs.
 */
package dev.steepest.spark.exec;
