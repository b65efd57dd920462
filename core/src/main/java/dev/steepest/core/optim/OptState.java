package dev.steepest.core.optim;

import java.io.Serializable;

/**
 * The state of a {@link GradientTransformation}: an immutable value that can be saved, compared and restored.
 * Each transformation defines its own record; a chain's state is the list of its pieces' states.
 */
public interface OptState extends Serializable {
}
