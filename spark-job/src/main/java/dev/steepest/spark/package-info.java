/**
 * steepest's Spark side: everything that needs Spark. {@link dev.steepest.spark.InputError} is the one exception
 * type that means "bad input" (exit code 2) everywhere below; {@link dev.steepest.spark.SteepestKryoRegistrator}
 * registers every class of ours that Kryo serializes (registration is required).
 *
 * <p>Packages, in the order data flows: {@code config} (a HOCON file and {@code --set} overrides to validated
 * values), {@code data} (input files to cached blocks), {@code exec} (the distributed step: gradient sources over the
 * cached blocks), {@code job} (a run: config to core objects, the training loop over a gradient source, the
 * outputs), {@code output} (files and console lines a run writes), {@code cli} (the command line). Everything here
 * may use {@code dev.steepest.core}; {@code core} never uses this package.
 */
package dev.steepest.spark;
