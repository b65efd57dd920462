package dev.steepest.core.score;

/**
 * A linear model's scores: output {@code c} is {@code coefficients[c] . x + intercepts[c]}, summed over the
 * features in column order, then the intercept added (linear, huber, logistic, hinge: one output; softmax: K).
 */
public final class LinearScorer implements Scorer {
    private static final long serialVersionUID = 1L;

    private final double[][] coefficients;
    private final double[] intercepts;
    private final ScoreHead head;

    /** {@code coefficients}: K rows of d numbers; {@code intercepts}: K numbers. The arrays are kept, not copied. */
    public LinearScorer(double[][] coefficients, double[] intercepts, ScoreHead head) {
        if (coefficients.length == 0 || coefficients.length != intercepts.length) {
            throw new IllegalArgumentException("coefficients has " + coefficients.length + " rows and intercepts "
                    + intercepts.length + " entries; expected the same number, at least 1");
        }
        int d = coefficients[0].length;
        for (double[] row : coefficients) {
            if (row.length != d) throw new IllegalArgumentException("coefficients: rows of different lengths");
        }
        if ((head == ScoreHead.SOFTMAX) != (coefficients.length > 1)) {
            throw new IllegalArgumentException(head + " scores with " + coefficients.length + " outputs");
        }
        this.coefficients = coefficients;
        this.intercepts = intercepts;
        this.head = head;
    }

    @Override public int numFeatures() { return coefficients[0].length; }
    @Override public int numOutputs() { return coefficients.length; }
    @Override public ScoreHead head() { return head; }

    /** Row {@code c} of the coefficients (not a copy). */
    public double[][] coefficients() { return coefficients; }
    public double[] intercepts() { return intercepts; }

    @Override
    public double[] raw(int[] indices, double[] values) {
        int k = coefficients.length;
        double[] out = new double[head.rawSize(k)];
        for (int c = 0; c < k; c++) out[c] = Dot.dot(coefficients[c], indices, values) + intercepts[c];
        head.finishRaw(out);
        return out;
    }
}
