package dev.steepest.core.train;

import java.util.Map;

/**
 * One step: {@code iteration} counts steps done including this one; {@code loss} and {@code gradientNorm} are
 * the batch objective (with regularization) and its gradient norm at the parameters before the update (before
 * clipping); {@code groupGradientNorms} splits that norm by parameter group (per layer for networks, so vanishing
 * and exploding gradients show); {@code lr} is the rate the update used. With a line search
 * ({@link ArmijoLineSearch}), {@code lr} is the accepted step, {@code lossAfter} the objective at the point it
 * reached and {@code lineSearchTrials} the objective evaluations it took; otherwise NaN and 0.
 */
public record StepRecord(long iteration, long epoch, long stepInEpoch, double loss, double lr,
                         double gradientNorm, Map<String, Double> groupGradientNorms, long rows,
                         double elapsedSeconds, double lossAfter, int lineSearchTrials) {
    /** A step without a line search. */
    public StepRecord(long iteration, long epoch, long stepInEpoch, double loss, double lr, double gradientNorm,
                      Map<String, Double> groupGradientNorms, long rows, double elapsedSeconds) {
        this(iteration, epoch, stepInEpoch, loss, lr, gradientNorm, groupGradientNorms, rows, elapsedSeconds,
                Double.NaN, 0);
    }
}
