package dev.steepest.core.train;

/**
 * One finished epoch: the row-weighted mean of its steps' objectives and gradients, how far the parameters moved
 * over it ({@code parameterChange = ||theta_e - theta_{e-1}||}) and the norm of the parameters it started from
 * ({@code startParameterNorm = ||theta_{e-1}||}, the initial parameters for the first epoch). {@code epoch} is
 * 0-based.
 */
public record EpochRecord(long epoch, long iteration, double meanLoss, double gradientNorm,
                          double parameterChange, double startParameterNorm, double elapsedSeconds) {
}
