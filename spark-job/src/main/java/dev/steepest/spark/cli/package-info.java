/**
 * The command line ({@code steepest <sub-command> ...}) for the launcher and for {@code spark-submit --class
 * dev.steepest.spark.cli.Main}: argument parsing, the checks made before Spark starts, and the mapping of failures
 * to exit codes ({@link dev.steepest.spark.cli.ExitCode}). May use every other package of {@code dev.steepest.spark};
 * nothing depends on it.
 */
package dev.steepest.spark.cli;
