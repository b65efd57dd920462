/**
 * Input data to cached blocks: the user's files (CSV, LibSVM, Parquet on any Hadoop FileSystem) or a DataFrame,
 * staged into one row shape ({@code StagedRows}) by one stager per format, checked record by record (bad records
 * named by file and line, or skipped and counted), categorical columns one-hot encoded, class labels mapped to
 * 0 .. K-1, and built into one {@code core} {@link dev.steepest.core.data.Block} per partition
 * ({@link dev.steepest.spark.data.BlockLoader} is the entry point), plus the validation split of cached blocks.
 *
 * <p>May depend on {@code dev.steepest.core.data}, {@code dev.steepest.core.train} (the stratified split),
 * {@code dev.steepest.spark.InputError}, Spark, Spark ML's feature transformers and Hadoop; nothing from
 * {@code config/}, {@code job/}, {@code exec/} or {@code output/} (the job turns its config into
 * {@link dev.steepest.spark.data.BlockLoader.Options}). Data flows one way: input to blocks.
 */
package dev.steepest.spark.data;
