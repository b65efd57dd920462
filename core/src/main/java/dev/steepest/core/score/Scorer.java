package dev.steepest.core.score;

import java.io.Serializable;

/**
 * Scores one row at a time with a trained model's parameters in the original feature space (as {@code model.json}
 * holds them): no Spark, no blocks, safe to share between threads (every call allocates its own scratch).
 */
public interface Scorer extends Serializable {
    int numFeatures();

    /** Output units of the model: 1 for regression and binary classification, K for a K-class model. */
    int numOutputs();

    ScoreHead head();

    /** The length of {@link #raw}'s result: 1 for regression, 2 for binary, K for K classes. */
    default int rawSize() {
        return head().rawSize(numOutputs());
    }

    /**
     * The raw prediction of one row (see {@link ScoreHead}). {@code indices == null}: {@code values} is the dense
     * row of {@link #numFeatures()} values; else the row's non-zeros, {@code values[k]} at column
     * {@code indices[k]} (each below {@link #numFeatures()}).
     */
    double[] raw(int[] indices, double[] values);

    /** {@link #raw} of a dense row. */
    default double[] raw(double[] x) {
        return raw(null, x);
    }

    /** The class probabilities of a dense row; only for heads that have them ({@link ScoreHead#hasProbability()}). */
    default double[] probability(double[] x) {
        double[] r = raw(x);
        head().probabilityInPlace(r);
        return r;
    }

    /** The prediction of a dense row: the output (regression) or the class index. */
    default double predict(double[] x) {
        return head().prediction(raw(x));
    }
}
