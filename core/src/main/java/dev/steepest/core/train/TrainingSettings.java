package dev.steepest.core.train;

import dev.steepest.core.optim.LrScaling;

/**
 * What the training loop needs besides data, model and optimizer: the batch, how long to run, the learning-rate
 * rule, L2 strength and the stopping tolerances. Unset tolerances are {@code NaN}. Of the three run-describing
 * values, this is the required part as the user states it; {@link TrainingOptions} holds the optional parts
 * (schedule, prox, averaging, validation, divergence policy), and {@link TrainingPlan} is what the loop resolves
 * from these settings once the number of rows is known.
 *
 * @param batchSize          rows per step; {@link #FULL_BATCH} for batch gradient descent
 * @param epochs             passes over the data; 0 for no limit (then maxIterations must be set)
 * @param maxIterations      steps; 0 for no limit
 * @param l2                 penalty {@code l2/2 ||w||^2} on the regularized parameter groups
 * @param lossChangeTol      stop when |L_e - L_{e-1}| &lt;= tol * max(1, |L_{e-1}|), L_e the epoch's mean loss
 * @param gradientNormTol    stop when the norm of the epoch's mean gradient &lt;= tol
 * @param parameterChangeTol stop when ||theta_e - theta_{e-1}|| &lt;= tol * max(1, ||theta_{e-1}||)
 */
public record TrainingSettings(long batchSize, int epochs, long maxIterations, long seed, double lr,
                               LrScaling lrScaling, long referenceBatchSize, double warmupEpochs, double l2,
                               double lossChangeTol, double gradientNormTol, double parameterChangeTol) {
    public static final long FULL_BATCH = 0;

    public TrainingSettings {
        if (epochs <= 0 && maxIterations <= 0) {
            throw new IllegalArgumentException("set epochs or maxIterations");
        }
    }
}
