/**
 * Proximal operators for non-smooth regularizers ({@link dev.steepest.core.optim.prox.ParameterProx}): L1 and
 * elastic net, applied to the parameters after a gradient step (proximal gradient descent), on the regularized
 * {@link dev.steepest.core.model.ParameterGroup}s only.
 *
 * <p>May depend on {@code model} (for {@code ParameterGroup}) and nothing else of steepest; the training loop
 * ({@code train}) applies them. No Spark.
 */
package dev.steepest.core.optim.prox;
