package dev.steepest.core.train;

import dev.steepest.core.optim.OptState;

/**
 * The outcome of a run. {@code params} are the model: the last good parameters (before a diverging step, if
 * any), the Polyak average when averaging is on, or the best epoch's parameters when early stopping ended the run.
 * {@code stopReason} is one of {@code epochs}, {@code max-iterations}, {@code loss-change},
 * {@code gradient-norm}, {@code parameter-change}, {@code early-stopping}, {@code diverged}.
 * {@code bestEpoch} (0-based) and {@code bestValidationLoss} are the epoch with the lowest validation loss and
 * that loss (-1 and NaN without validation); {@code backoffs} counts the divergence backoffs.
 * {@code optimizerState} is the state of the optimizer the {@link OptimizerFactory} built; {@code state} the
 * whole loop state at the end (its optimizer state wraps that one with the rate's count and factor).
 */
public record TrainingResult(double[] params, OptState optimizerState, String stopReason, long iterations,
                             double epochs, TrainingPlan plan, double trainSeconds, long rowsProcessed,
                             double lastLoss, String divergenceMessage, long bestEpoch, double bestValidationLoss,
                             int backoffs, LoopState state) {
    public boolean diverged() {
        return "diverged".equals(stopReason);
    }
}
