package dev.steepest.core.train;

import dev.steepest.core.optim.schedule.ReduceOnPlateau;

/**
 * What the ends of epochs ({@link EpochEnd}) have decided so far, as a value: the previous epoch's record (for
 * the convergence checks), the plateau state (null without plateau) and the best validation epoch with its
 * parameters (-1, NaN and null without validation).
 *
 * @param epochsWithoutImprovement consecutive epochs since the best one (early stopping's count)
 */
public record EpochHistory(EpochRecord previous, ReduceOnPlateau.PlateauState plateau, long bestEpoch,
                           double bestValidationLoss, double[] bestParams, int epochsWithoutImprovement) {
    /** The plateau's scale on the rate (1 without plateau). */
    public double plateauScale() {
        return plateau == null ? 1.0 : plateau.scale();
    }
}
