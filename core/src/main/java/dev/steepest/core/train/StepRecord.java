package dev.steepest.core.train;

/**
 * One step: {@code iteration} counts steps done including this one; {@code loss} and {@code gradientNorm} are
 * the batch objective (with regularization) and its gradient norm at the parameters before the update;
 * {@code lr} is the rate the update used.
 */
public record StepRecord(long iteration, long epoch, long stepInEpoch, double loss, double lr,
                         double gradientNorm, long rows, double elapsedSeconds) {
}
