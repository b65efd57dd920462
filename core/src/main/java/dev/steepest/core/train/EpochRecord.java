package dev.steepest.core.train;

/**
 * One finished epoch: the row-weighted mean of its steps' objectives and gradients, and how far the parameters
 * moved over it. {@code epoch} is 0-based.
 */
public record EpochRecord(long epoch, long iteration, double meanLoss, double gradientNorm,
                          double parameterChange, double parameterNorm, double elapsedSeconds) {
}
