/**
 * Training rows as the kernels read them: {@link dev.steepest.core.data.Block} (a partition's rows, dense
 * row-major or CSR, with labels and sample weights, stored as float64 or float32 by
 * {@link dev.steepest.core.data.Precision}) and {@link dev.steepest.core.data.BlockBuilder}, which assembles one
 * row by row.
 *
 * <p>Depends on nothing but the JDK: no other package of steepest, no Spark. Every other package may use it; how
 * rows get from files into blocks is spark-job's {@code data} package.
 */
package dev.steepest.core.data;
