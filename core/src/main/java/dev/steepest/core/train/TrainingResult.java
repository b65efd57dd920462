package dev.steepest.core.train;

import dev.steepest.core.optim.OptState;

/**
 * The outcome of a run. {@code params} are the last good parameters (before a diverging step, if any).
 * {@code stopReason} is one of {@code epochs}, {@code max-iterations}, {@code loss-change},
 * {@code gradient-norm}, {@code parameter-change}, {@code diverged}.
 */
public record TrainingResult(double[] params, OptState optimizerState, String stopReason, long iterations,
                             double epochs, TrainingPlan plan, double trainSeconds, long rowsProcessed,
                             double lastLoss, String divergenceMessage) {
    public boolean diverged() {
        return "diverged".equals(stopReason);
    }
}
