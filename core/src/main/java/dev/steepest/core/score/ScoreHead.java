package dev.steepest.core.score;

import dev.steepest.core.model.LogisticLoss;

/**
 * How a model's output scores become raw predictions, probabilities and a prediction, with Spark ML's
 * conventions: a binary model with one margin {@code m} has the raw prediction {@code [-m, m]} (Spark's
 * {@code LogisticRegressionModel} and {@code LinearSVCModel}); a K-class model's raw prediction is its K scores
 * (the softmax inputs); a regressor's is its one output.
 */
public enum ScoreHead {
    /** Regression: the output is the prediction; no probability. */
    IDENTITY(false),
    /** Binary, probability {@code [sigmoid(-m), sigmoid(m)]} (logistic regression, an MLP's logistic head). */
    SIGMOID(true),
    /** Binary without a probability (the linear SVM's hinge loss): only the margins {@code [-m, m]}. */
    MARGIN(true),
    /** K classes, probability {@code softmax(scores)}. */
    SOFTMAX(true);

    private final boolean classifier;

    ScoreHead(boolean classifier) {
        this.classifier = classifier;
    }

    public boolean isClassifier() {
        return classifier;
    }

    /** Whether {@link #probabilityInPlace} is defined: every classifier head but {@link #MARGIN}. */
    public boolean hasProbability() {
        return this == SIGMOID || this == SOFTMAX;
    }

    /** The length of the raw prediction for a model with {@code outputs} output units. */
    public int rawSize(int outputs) {
        return this == SIGMOID || this == MARGIN ? 2 : outputs;
    }

    /**
     * Turns the {@code outputs} scores held in {@code raw[0..outputs)} into the raw prediction of
     * {@link #rawSize} entries: for the binary heads {@code raw[0]} holds {@code m} on entry and
     * {@code [-m, m]} on exit; the others are left as they are.
     */
    void finishRaw(double[] raw) {
        if (this == SIGMOID || this == MARGIN) {
            double m = raw[0];
            raw[0] = -m;
            raw[1] = m;
        }
    }

    /** Replaces a raw prediction by the class probabilities; only where {@link #hasProbability()}. */
    public void probabilityInPlace(double[] raw) {
        switch (this) {
            case SIGMOID -> {
                double m = raw[1];
                raw[0] = LogisticLoss.sigmoid(-m);
                raw[1] = LogisticLoss.sigmoid(m);
            }
            case SOFTMAX -> {
                double max = Double.NEGATIVE_INFINITY;
                for (double v : raw) max = Math.max(max, v);
                double sum = 0;
                for (int i = 0; i < raw.length; i++) {
                    raw[i] = Math.exp(raw[i] - max);
                    sum += raw[i];
                }
                for (int i = 0; i < raw.length; i++) raw[i] /= sum;
            }
            default -> throw new UnsupportedOperationException(this + " scores have no probability");
        }
    }

    /**
     * The prediction from a raw prediction: the output for a regressor, else the class index with the largest raw
     * score (the first on ties; a binary model predicts class 1 exactly when {@code m > 0}, as training evaluates).
     */
    public double prediction(double[] raw) {
        if (this == IDENTITY) return raw[0];
        int best = 0;
        for (int i = 1; i < raw.length; i++) if (raw[i] > raw[best]) best = i;
        return best;
    }
}
