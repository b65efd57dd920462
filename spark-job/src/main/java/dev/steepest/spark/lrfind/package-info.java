/**
 * {@code steepest lr-find}: the learning-rate range test (core's {@code LrRangeTest}) run through the training path
 * ({@code TrainJob}), with its JSON and its page in the report's style.
 */
package dev.steepest.spark.lrfind;
