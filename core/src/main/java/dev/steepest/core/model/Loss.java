package dev.steepest.core.model;

import java.io.Serializable;

/**
 * A per-row loss of a linear score ("margin") {@code m = w.x + b} against a label {@code y}.
 * Kernels need the value and the derivative with respect to the margin.
 */
public interface Loss extends Serializable {
    /** The loss value {@code l(m, y)}. */
    double value(double margin, double label);

    /** {@code dl/dm}. */
    double derivative(double margin, double label);

    /** The name used in configs and {@code model.json}. */
    String name();

    /** Whether the loss scores a binary classifier (labels in {0, 1}, class 1 predicted when {@code m > 0}). */
    default boolean classification() {
        return false;
    }

    /**
     * Adds one row of margin {@code m} and label {@code y} to {@code eval}: a classifier's loss, class
     * ({@code m > 0}) and score, or a regressor's loss and prediction.
     */
    default void evaluate(Evaluation eval, double weight, double m, double y) {
        double l = value(m, y);
        if (classification()) {
            eval.addClassified(weight, l, (int) y, m > 0 ? 1 : 0);
            eval.addScore(weight, y, m);
        } else {
            eval.addRegressed(weight, l, m, y);
        }
    }
}
