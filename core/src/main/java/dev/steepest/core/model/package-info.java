/**
 * Models and their block kernels: the {@link dev.steepest.core.model.Model} interface (a flat parameter vector,
 * its {@link dev.steepest.core.model.ParameterGroup}s, and a kernel that sums weighted losses and gradients over
 * the rows of a {@link dev.steepest.core.data.Block} into an {@link dev.steepest.core.model.Accumulator}, or
 * evaluation metrics into an {@link dev.steepest.core.model.Evaluation}); the linear models with their per-row
 * {@link dev.steepest.core.model.Loss}es, {@link dev.steepest.core.model.SoftmaxModel} and
 * {@link dev.steepest.core.model.MlpModel} (its layout, initializer, output head and two kernels each in its own
 * file); the BLAS those kernels call ({@link dev.steepest.core.model.Blas}); initial parameters
 * ({@link dev.steepest.core.model.ParameterInit}); and feature standardization.
 *
 * <p>May depend on {@code data} (the rows it reads) and on netlib BLAS; not on {@code optim} or {@code train}
 * (an optimizer or the loop uses a model, never the other way round), and never on Spark.
 */
package dev.steepest.core.model;
