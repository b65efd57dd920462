package dev.steepest.core.model;

import dev.steepest.core.data.Block;
import java.util.ArrayList;
import java.util.List;

/**
 * A generalized linear model with one output: score {@code m = w.x + b}, per-row loss {@link Loss}.
 * Linear regression is {@link SquaredLoss}, robust regression {@link HuberLoss}; binary logistic regression is
 * {@link LogisticLoss} and the linear SVM {@link HingeLoss}, both with labels in {0, 1}, predicting class 1 when
 * {@code m > 0}.
 *
 * <p>Parameter layout: {@code [w_0 .. w_{d-1}, b]} (b only when the intercept is fitted).
 */
public final class LinearModel implements Model {
    private static final long serialVersionUID = 1L;

    private final String type;
    private final Loss loss;
    private final int numFeatures;
    private final boolean fitIntercept;

    public LinearModel(String type, Loss loss, int numFeatures, boolean fitIntercept) {
        this.type = type;
        this.loss = loss;
        this.numFeatures = numFeatures;
        this.fitIntercept = fitIntercept;
    }

    public static LinearModel linearRegression(int numFeatures, boolean fitIntercept) {
        return new LinearModel("linear", new SquaredLoss(), numFeatures, fitIntercept);
    }

    public static LinearModel logisticRegression(int numFeatures, boolean fitIntercept) {
        return new LinearModel("logistic", new LogisticLoss(), numFeatures, fitIntercept);
    }

    /** Robust regression with the Huber loss of threshold {@code delta}. */
    public static LinearModel huberRegression(int numFeatures, boolean fitIntercept, double delta) {
        return new LinearModel("huber", new HuberLoss(delta), numFeatures, fitIntercept);
    }

    /** A linear support vector machine: hinge loss, labels in {0, 1}, trained by subgradients. */
    public static LinearModel linearSvm(int numFeatures, boolean fitIntercept) {
        return new LinearModel("hinge", new HingeLoss(), numFeatures, fitIntercept);
    }

    @Override public String type() { return type; }
    @Override public int numFeatures() { return numFeatures; }
    @Override public int numOutputs() { return 1; }
    @Override public int numParameters() { return numFeatures + (fitIntercept ? 1 : 0); }
    @Override public boolean isClassifier() { return loss.classification(); }
    public Loss loss() { return loss; }
    public boolean fitIntercept() { return fitIntercept; }

    @Override
    public List<ParameterGroup> groups() {
        List<ParameterGroup> g = new ArrayList<>(2);
        g.add(new ParameterGroup("coefficients", 0, numFeatures, true));
        if (fitIntercept) g.add(new ParameterGroup("intercepts", numFeatures, 1, false));
        return g;
    }

    /** The score {@code w.x + b} of one row. */
    public double margin(Block block, int row, double[] params) {
        double m = fitIntercept ? params[numFeatures] : 0.0;
        double[] v = block.values();
        if (block.isSparse()) {
            int[] ptr = block.rowPtr();
            int[] idx = block.colIdx();
            for (int k = ptr[row], end = ptr[row + 1]; k < end; k++) m += v[k] * params[idx[k]];
        } else {
            int off = row * numFeatures;
            for (int j = 0; j < numFeatures; j++) m += v[off + j] * params[j];
        }
        return m;
    }

    @Override
    public void accumulate(Block block, int[] rows, int count, double[] params, Accumulator acc) {
        double[] grad = acc.gradientSum();
        double[] v = block.values();
        boolean sparse = block.isSparse();
        int[] ptr = block.rowPtr();
        int[] idx = block.colIdx();
        for (int i = 0; i < count; i++) {
            int row = rows == null ? i : rows[i];
            double y = block.label(row);
            double w = block.weight(row);
            double m = margin(block, row, params);
            double g = w * loss.derivative(m, y);
            acc.addRow(w * loss.value(m, y), w);
            if (sparse) {
                for (int k = ptr[row], end = ptr[row + 1]; k < end; k++) grad[idx[k]] += g * v[k];
            } else {
                int off = row * numFeatures;
                for (int j = 0; j < numFeatures; j++) grad[j] += g * v[off + j];
            }
            if (fitIntercept) grad[numFeatures] += g;
        }
    }

    @Override
    public void evaluate(Block block, double[] params, Evaluation eval) {
        boolean classifier = isClassifier();
        for (int row = 0; row < block.numRows(); row++) {
            double y = block.label(row);
            double m = margin(block, row, params);
            double l = loss.value(m, y);
            if (classifier) {
                eval.addClassified(block.weight(row), l, (int) y, m > 0 ? 1 : 0);
                eval.addScore(block.weight(row), y, m);
            } else {
                eval.addRegressed(block.weight(row), l, m, y);
            }
        }
    }
}
