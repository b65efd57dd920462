/**
 * Optimizers in the style of Optax: small {@link dev.steepest.core.optim.GradientTransformation}s, each an
 * explicit {@code init} and a pure {@code update} on an immutable state, composed by
 * {@link dev.steepest.core.optim.Chain} into SGD, momentum, Adam, AdamW, RMSProp, Adagrad, LARS and LAMB
 * (factories in {@link dev.steepest.core.optim.Optimizers} and the optimizers' own classes); gradient clipping,
 * decoupled weight decay and Polyak averaging as chain pieces; the learning rate as a
 * {@link dev.steepest.core.optim.LearningRateSchedule} (the schedules themselves are in {@code optim.schedule}),
 * with warmup and batch-size scaling.
 *
 * <p>May depend on {@code model} for {@link dev.steepest.core.model.ParameterGroup} (per-group pieces such as the
 * trust ratio and weight decay) and on nothing else of steepest: an optimizer sees parameter and gradient
 * vectors, never rows ({@code data}) or the loop ({@code train}). No Spark.
 */
package dev.steepest.core.optim;
