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

    /** The score {@code w.x + b} of one row (computed in double for a float32 block too). */
    public double margin(Block block, int row, double[] params) {
        RowValues x = new RowValues(block);
        x.load(row);
        return margin(block, row, params, x);
    }

    /** {@link #margin(Block, int, double[])} reading the row from {@code x}, which has it loaded. */
    private double margin(Block block, int row, double[] params, RowValues x) {
        double m = fitIntercept ? params[numFeatures] : 0.0;
        double[] v = x.array;
        int sh = x.shift;
        if (block.isSparse()) {
            int[] ptr = block.rowPtr();
            int[] idx = block.colIdx();
            for (int k = ptr[row], end = ptr[row + 1]; k < end; k++) m += v[k + sh] * params[idx[k]];
        } else {
            int off = row * numFeatures + sh;
            for (int j = 0; j < numFeatures; j++) m += v[off + j] * params[j];
        }
        return m;
    }

    /**
     * Adds the weighted loss and gradient of the rows. A dense block of at least {@value #MIN_BLAS_ROWS} rows goes
     * through {@link #accumulateDense} (level-2 BLAS), anything else through the row loop {@link #accumulateRows}
     * (a CSR row touches only its non-zeros).
     */
    @Override
    public void accumulate(Block block, int[] rows, int count, double[] params, Accumulator acc) {
        if (!block.isSparse() && count >= MIN_BLAS_ROWS) {
            accumulateDense(block, rows, count, params, acc, Blas.chunkRows(numFeatures + 2L));
        } else {
            accumulateRows(block, rows, count, params, acc);
        }
    }

    /**
     * Fewest rows for which a dense block goes through BLAS. Measured with VectorBLAS (docs/BENCHMARKS.md): from 64
     * rows dgemv is faster in every run; below, calls take microseconds either way and small dgemv calls were
     * erratic (up to 100x slower than the loop in some runs).
     */
    static final int MIN_BLAS_ROWS = 64;

    /**
     * The dense kernel: for each chunk of c rows (X, c x d: read in place when the rows are consecutive storage
     * rows of a float64 block, else gathered into a per-thread double buffer, which widens a float32 block's
     * values),
     * <pre>
     *   m = X w (dgemv), m_i += b
     *   loss += w_i l(m_i, y_i),  g_i = w_i l'(m_i, y_i)
     *   grad w += X^T g (dgemv),  grad b += sum of g_i (row order)
     * </pre>
     * Equal to {@link #accumulateRows} up to the order in which BLAS sums the products.
     */
    void accumulateDense(Block block, int[] rows, int count, double[] params, Accumulator acc, int chunkRows) {
        int d = numFeatures;
        double[] grad = acc.gradientSum();
        int chunk = Math.min(chunkRows, count);
        Blas.RowChunks chunks = new Blas.RowChunks(block, rows, chunk, 0);
        double[] g = Blas.scratch(1, 2 * chunk);
        int m0 = chunk; // margins in g[chunk .. 2 chunk)
        for (int start = 0; start < count; start += chunkRows) {
            int c = Math.min(chunkRows, count - start);
            chunks.load(start, c);
            double[] x = chunks.array;
            int xOff = chunks.offset;
            // m (c) = (X^T, d x c column-major)^T w
            Blas.BLAS.dgemv("T", d, c, 1.0, x, xOff, d, params, 0, 1, 0.0, g, m0, 1);
            for (int i = 0; i < c; i++) {
                int row = rows == null ? start + i : rows[start + i];
                double y = block.label(row);
                double w = block.weight(row);
                double m = g[m0 + i] + (fitIntercept ? params[d] : 0.0);
                acc.addRow(w * loss.value(m, y), w);
                g[i] = w * loss.derivative(m, y);
            }
            // grad w (d) += X^T (d x c column-major) g
            Blas.BLAS.dgemv("N", d, c, 1.0, x, xOff, d, g, 0, 1, 1.0, grad, 0, 1);
            if (fitIntercept) for (int i = 0; i < c; i++) grad[d] += g[i];
        }
    }

    /** The row loop: for CSR blocks (touching only the non-zeros) and small calls. */
    void accumulateRows(Block block, int[] rows, int count, double[] params, Accumulator acc) {
        double[] grad = acc.gradientSum();
        RowValues x = new RowValues(block);
        boolean sparse = block.isSparse();
        int[] ptr = block.rowPtr();
        int[] idx = block.colIdx();
        for (int i = 0; i < count; i++) {
            int row = rows == null ? i : rows[i];
            double y = block.label(row);
            double w = block.weight(row);
            x.load(row);
            double[] v = x.array;
            int sh = x.shift;
            double m = margin(block, row, params, x);
            double g = w * loss.derivative(m, y);
            acc.addRow(w * loss.value(m, y), w);
            if (sparse) {
                for (int k = ptr[row], end = ptr[row + 1]; k < end; k++) grad[idx[k]] += g * v[k + sh];
            } else {
                int off = row * numFeatures + sh;
                for (int j = 0; j < numFeatures; j++) grad[j] += g * v[off + j];
            }
            if (fitIntercept) grad[numFeatures] += g;
        }
    }

    @Override
    public void evaluate(Block block, double[] params, Evaluation eval) {
        RowValues x = new RowValues(block);
        for (int row = 0; row < block.numRows(); row++) {
            x.load(row);
            loss.evaluate(eval, block.weight(row), margin(block, row, params, x), block.label(row));
        }
    }
}
