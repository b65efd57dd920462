package dev.steepest.core.train;

/**
 * Stop when the validation loss has not improved for {@code patience} consecutive epochs, and return the
 * parameters of the best epoch. An epoch improves when its validation loss is below {@code best - minDelta}
 * (strictly; a NaN loss never improves); the first epoch always sets {@code best}. With {@code patience = 2} and
 * validation losses 0.5, 0.4, 0.45, 0.41 the run stops after epoch 4 and returns epoch 2's parameters (Keras'
 * {@code EarlyStopping(patience, min_delta, restore_best_weights=True)}: the best parameters are restored only
 * when early stopping ends the run).
 *
 * @param patience epochs without improvement that stop the run; {@code >= 1}
 * @param minDelta the smallest decrease that counts as an improvement; {@code >= 0}
 */
public record EarlyStopping(int patience, double minDelta) {
    public EarlyStopping {
        if (patience < 1) throw new IllegalArgumentException("patience must be >= 1, got " + patience);
        if (!(minDelta >= 0.0)) throw new IllegalArgumentException("minDelta must be >= 0, got " + minDelta);
    }

    /** Whether {@code loss} improves on {@code best} by more than {@code minDelta}. */
    public boolean improves(double loss, double best) {
        return loss < best - minDelta;
    }
}
