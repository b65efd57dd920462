package dev.steepest.core.model;

import dev.steepest.core.data.Block;
import java.util.ArrayList;
import java.util.List;

/**
 * Multinomial logistic (softmax) regression with K classes: scores {@code m_k = w_k . x + b_k}, probabilities
 * {@code p = softmax(m)}, loss {@code -log p_y = logsumexp(m) - m_y} for a label {@code y} in {0 .. K-1}.
 * The log-sum-exp subtracts the largest score first, so no exponential overflows, and is arranged so that no small
 * loss or gradient is lost to cancellation ({@link #lossAndResiduals}). Gradient: {@code dl/dm_k = p_k - [k = y]},
 * times {@code x} for the coefficients.
 *
 * <p>Parameter layout: {@code [w_0 (d values), w_1, ..., w_{K-1}, b_0 .. b_{K-1}]} (the intercepts only when
 * fitted), so the coefficients are a row-major K x d matrix as {@code model.json} writes them. The model is
 * over-parameterized (adding one vector to every {@code w_k} changes nothing); as in Spark ML and PyTorch no class
 * is pinned, and L2 regularization makes the optimum unique.
 */
public final class SoftmaxModel implements Model {
    private static final long serialVersionUID = 1L;

    private final int numFeatures;
    private final int numClasses;
    private final boolean fitIntercept;

    public SoftmaxModel(int numFeatures, int numClasses, boolean fitIntercept) {
        if (numClasses < 2) throw new IllegalArgumentException("softmax needs at least 2 classes: " + numClasses);
        this.numFeatures = numFeatures;
        this.numClasses = numClasses;
        this.fitIntercept = fitIntercept;
    }

    @Override public String type() { return "softmax"; }
    @Override public int numFeatures() { return numFeatures; }
    @Override public int numOutputs() { return numClasses; }
    @Override public int numParameters() { return numClasses * numFeatures + (fitIntercept ? numClasses : 0); }
    @Override public boolean isClassifier() { return true; }

    @Override
    public List<ParameterGroup> groups() {
        List<ParameterGroup> g = new ArrayList<>(2);
        g.add(new ParameterGroup("coefficients", 0, numClasses * numFeatures, true));
        if (fitIntercept) g.add(new ParameterGroup("intercepts", numClasses * numFeatures, numClasses, false));
        return g;
    }

    /** Writes the K scores of {@code row} into {@code scores}. */
    public void scores(Block block, int row, double[] params, double[] scores) {
        int d = numFeatures;
        int bias = numClasses * d;
        double[] v = block.values();
        for (int k = 0; k < numClasses; k++) scores[k] = fitIntercept ? params[bias + k] : 0.0;
        if (block.isSparse()) {
            int[] ptr = block.rowPtr();
            int[] idx = block.colIdx();
            for (int q = ptr[row], end = ptr[row + 1]; q < end; q++) {
                double x = v[q];
                int j = idx[q];
                for (int k = 0; k < numClasses; k++) scores[k] += x * params[k * d + j];
            }
        } else {
            int off = row * d;
            for (int k = 0; k < numClasses; k++) {
                double s = 0.0;
                int w = k * d;
                for (int j = 0; j < d; j++) s += v[off + j] * params[w + j];
                scores[k] += s;
            }
        }
    }

    /**
     * Overwrites the scores with {@code dl/dm_k = p_k - [k = y]} and returns the loss {@code logsumexp(m) - m_y},
     * both without cancellation: with {@code a} the top class and {@code S = sum_{k != a} e^(m_k - m_a)},
     * {@code loss = (m_a - m_y) + log1p(S)} and, when {@code y = a}, {@code p_y - 1 = -S / (1 + S)}. A confidently
     * correct row keeps its tiny loss and gradient (as {@link LogisticLoss} does; K = 2 agrees with it).
     */
    static double lossAndResiduals(double[] scores, int y) {
        int a = 0;
        for (int k = 1; k < scores.length; k++) if (scores[k] > scores[a]) a = k;
        double max = scores[a];
        double my = scores[y];
        double others = 0.0;
        for (int k = 0; k < scores.length; k++) {
            if (k == a) continue;
            scores[k] = Math.exp(scores[k] - max);
            others += scores[k];
        }
        double inv = 1.0 / (1.0 + others);
        for (int k = 0; k < scores.length; k++) scores[k] = k == a ? inv : scores[k] * inv;
        if (y == a) {
            scores[y] = -others * inv;
        } else {
            scores[y] -= 1.0;
        }
        return (max - my) + Math.log1p(others);
    }

    private int label(Block block, int row) {
        double y = block.label(row);
        int c = (int) y;
        if (c != y || c < 0 || c >= numClasses) {
            throw new IllegalArgumentException("label " + y + " is not a class index in [0, " + numClasses + ")");
        }
        return c;
    }

    @Override
    public void accumulate(Block block, int[] rows, int count, double[] params, Accumulator acc) {
        double[] grad = acc.gradientSum();
        double[] p = new double[numClasses];
        int d = numFeatures;
        int bias = numClasses * d;
        double[] v = block.values();
        for (int i = 0; i < count; i++) {
            int row = rows == null ? i : rows[i];
            int y = label(block, row);
            double w = block.weight(row);
            scores(block, row, params, p);
            acc.addRow(w * lossAndResiduals(p, y), w);
            for (int k = 0; k < numClasses; k++) p[k] *= w;
            if (block.isSparse()) {
                int[] ptr = block.rowPtr();
                int[] idx = block.colIdx();
                for (int q = ptr[row], end = ptr[row + 1]; q < end; q++) {
                    double x = v[q];
                    int j = idx[q];
                    for (int k = 0; k < numClasses; k++) grad[k * d + j] += p[k] * x;
                }
            } else {
                int off = row * d;
                for (int k = 0; k < numClasses; k++) {
                    double g = p[k];
                    int base = k * d;
                    for (int j = 0; j < d; j++) grad[base + j] += g * v[off + j];
                }
            }
            if (fitIntercept) for (int k = 0; k < numClasses; k++) grad[bias + k] += p[k];
        }
    }

    @Override
    public void evaluate(Block block, double[] params, Evaluation eval) {
        double[] p = new double[numClasses];
        for (int row = 0; row < block.numRows(); row++) {
            int y = label(block, row);
            scores(block, row, params, p);
            int best = 0;
            for (int k = 1; k < numClasses; k++) if (p[k] > p[best]) best = k;
            eval.addClassified(block.weight(row), lossAndResiduals(p, y), y, best);
        }
    }
}
