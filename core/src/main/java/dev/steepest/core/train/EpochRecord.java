package dev.steepest.core.train;

import dev.steepest.core.model.Evaluation;

/**
 * One finished epoch: the row-weighted mean of its steps' objectives and gradients, how far the parameters moved
 * over it ({@code parameterChange = ||theta_e - theta_{e-1}||}) and the norm of the parameters it started from
 * ({@code startParameterNorm = ||theta_{e-1}||}, the initial parameters for the first epoch). {@code epoch} is
 * 0-based. {@code validation} is the evaluation of the model at the end of the epoch on the validation rows
 * (of the averaged parameters when Polyak averaging has started), or null without a validation set.
 */
public record EpochRecord(long epoch, long iteration, double meanLoss, double gradientNorm,
                          double parameterChange, double startParameterNorm, double elapsedSeconds,
                          Evaluation validation) {
    /** An epoch without validation. */
    public EpochRecord(long epoch, long iteration, double meanLoss, double gradientNorm, double parameterChange,
                       double startParameterNorm, double elapsedSeconds) {
        this(epoch, iteration, meanLoss, gradientNorm, parameterChange, startParameterNorm, elapsedSeconds, null);
    }
}
