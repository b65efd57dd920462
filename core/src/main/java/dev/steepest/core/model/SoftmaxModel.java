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

    /** Writes the K scores of {@code row} into {@code scores} (computed in double for a float32 block too). */
    public void scores(Block block, int row, double[] params, double[] scores) {
        RowValues x = new RowValues(block);
        x.load(row);
        scores(block, row, params, scores, x);
    }

    /** {@link #scores(Block, int, double[], double[])} reading the row from {@code x}, which has it loaded. */
    private void scores(Block block, int row, double[] params, double[] scores, RowValues x) {
        int d = numFeatures;
        int bias = numClasses * d;
        double[] v = x.array;
        int sh = x.shift;
        for (int k = 0; k < numClasses; k++) scores[k] = fitIntercept ? params[bias + k] : 0.0;
        if (block.isSparse()) {
            int[] ptr = block.rowPtr();
            int[] idx = block.colIdx();
            for (int q = ptr[row], end = ptr[row + 1]; q < end; q++) {
                double xq = v[q + sh];
                int j = idx[q];
                for (int k = 0; k < numClasses; k++) scores[k] += xq * params[k * d + j];
            }
        } else {
            int off = row * d + sh;
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
        return lossAndResiduals(scores, 0, scores.length, y);
    }

    /** {@link #lossAndResiduals(double[], int)} on the K scores {@code s[off .. off + k)}. */
    static double lossAndResiduals(double[] s, int off, int k, int y) {
        int a = 0;
        for (int c = 1; c < k; c++) if (s[off + c] > s[off + a]) a = c;
        double max = s[off + a];
        double my = s[off + y];
        double others = 0.0;
        for (int c = 0; c < k; c++) {
            if (c == a) continue;
            s[off + c] = Math.exp(s[off + c] - max);
            others += s[off + c];
        }
        double inv = 1.0 / (1.0 + others);
        for (int c = 0; c < k; c++) s[off + c] = c == a ? inv : s[off + c] * inv;
        if (y == a) {
            s[off + y] = -others * inv;
        } else {
            s[off + y] -= 1.0;
        }
        return (max - my) + Math.log1p(others);
    }

    private int label(Block block, int row) {
        return classLabel(block, row, numClasses);
    }

    /** The label of {@code row} as a class index in {@code [0, numClasses)}, or an exception naming it. */
    static int classLabel(Block block, int row, int numClasses) {
        double y = block.label(row);
        int c = (int) y;
        if (c != y || c < 0 || c >= numClasses) {
            throw new IllegalArgumentException("label " + y + " is not a class index in [0, " + numClasses + ")");
        }
        return c;
    }

    /**
     * Adds the weighted loss and gradient of the rows. A dense block goes through {@link #accumulateDense}: chunks
     * of up to {@value Blas#MAX_CHUNK} rows, scores and gradient as two matrix products by BLAS. A CSR block goes
     * row by row over the non-zeros only ({@link #accumulateRows}), as does a dense call of fewer than
     * {@value #MIN_BLAS_ROWS} rows, where BLAS's per-call cost is not paid back (measured by
     * {@code KernelBenchmark}, docs/BENCHMARKS.md).
     */
    @Override
    public void accumulate(Block block, int[] rows, int count, double[] params, Accumulator acc) {
        if (!block.isSparse() && count >= MIN_BLAS_ROWS) {
            accumulateDense(block, rows, count, params, acc);
        } else {
            accumulateRows(block, rows, count, params, acc);
        }
    }

    /**
     * Fewest rows for which a dense block goes through BLAS. Measured with VectorBLAS (docs/BENCHMARKS.md): from 64
     * rows BLAS is faster in every run; below, calls take microseconds either way and VectorBLAS's small products
     * were erratic (up to 2x slower than the loop in some runs).
     */
    static final int MIN_BLAS_ROWS = 64;

    /**
     * The dense kernel. For each chunk of c rows ({@link Blas#chunkRows}: 256 unless d is very large), with X (c x d)
     * the chunk's rows (read in place when the rows are consecutive storage rows of a float64 block, else gathered
     * into a per-thread double buffer, which widens a float32 block's values), W the K x d coefficients and b the
     * intercepts:
     * <pre>
     *   S = X W^T                 (dgemm; then S[i][k] += b_k)
     *   loss_i, R[i] = lossAndResiduals(S[i], y_i),  R[i] *= w_i
     *   grad W += R^T X           (dgemm, added into the accumulator)
     *   grad b += column sums of R (in row order)
     * </pre>
     * Equal to the row-by-row loop {@link #accumulateRows} up to the order in which BLAS sums the products.
     */
    void accumulateDense(Block block, int[] rows, int count, double[] params, Accumulator acc) {
        accumulateDense(block, rows, count, params, acc, denseChunk());
    }

    /** Rows per chunk of the dense kernel: {@link Blas#chunkRows} of its d + K scratch doubles per row. */
    private int denseChunk() {
        return Blas.chunkRows((long) numFeatures + numClasses);
    }

    /** {@link #accumulateDense} with chunks of {@code chunkRows} rows (the benchmark varies it). */
    void accumulateDense(Block block, int[] rows, int count, double[] params, Accumulator acc, int chunkRows) {
        int d = numFeatures;
        int k = numClasses;
        int bias = k * d;
        double[] grad = acc.gradientSum();
        int chunk = Math.min(chunkRows, count);
        Blas.RowChunks chunks = new Blas.RowChunks(block, rows, chunk, 0);
        double[] s = Blas.scratch(1, chunk * k);
        for (int start = 0; start < count; start += chunkRows) {
            int c = Math.min(chunkRows, count - start);
            chunks.load(start, c);
            double[] x = chunks.array;
            int xOff = chunks.offset;
            // S^T (K x c, column-major) = W (d x K column-major, i.e. row-major K x d)^T X^T
            Blas.BLAS.dgemm("T", "N", k, c, d, 1.0, params, 0, d, x, xOff, d, 0.0, s, 0, k);
            for (int i = 0; i < c; i++) {
                int row = rows == null ? start + i : rows[start + i];
                int y = label(block, row);
                double w = block.weight(row);
                int off = i * k;
                if (fitIntercept) for (int j = 0; j < k; j++) s[off + j] += params[bias + j];
                acc.addRow(w * lossAndResiduals(s, off, k, y), w);
                for (int j = 0; j < k; j++) s[off + j] *= w;
            }
            // grad W^T (d x K column-major) += X^T (d x c) R (c x K)
            Blas.BLAS.dgemm("N", "T", d, k, c, 1.0, x, xOff, d, s, 0, k, 1.0, grad, 0, d);
            if (fitIntercept) {
                for (int i = 0; i < c; i++) {
                    int off = i * k;
                    for (int j = 0; j < k; j++) grad[bias + j] += s[off + j];
                }
            }
        }
    }

    /** The row-by-row kernel: for CSR blocks (touching only the non-zeros) and tiny calls. */
    void accumulateRows(Block block, int[] rows, int count, double[] params, Accumulator acc) {
        double[] grad = acc.gradientSum();
        double[] p = new double[numClasses];
        int d = numFeatures;
        int bias = numClasses * d;
        RowValues xr = new RowValues(block);
        for (int i = 0; i < count; i++) {
            int row = rows == null ? i : rows[i];
            int y = label(block, row);
            double w = block.weight(row);
            xr.load(row);
            double[] v = xr.array;
            int sh = xr.shift;
            scores(block, row, params, p, xr);
            acc.addRow(w * lossAndResiduals(p, y), w);
            for (int k = 0; k < numClasses; k++) p[k] *= w;
            if (block.isSparse()) {
                int[] ptr = block.rowPtr();
                int[] idx = block.colIdx();
                for (int q = ptr[row], end = ptr[row + 1]; q < end; q++) {
                    double x = v[q + sh];
                    int j = idx[q];
                    for (int k = 0; k < numClasses; k++) grad[k * d + j] += p[k] * x;
                }
            } else {
                int off = row * d + sh;
                for (int k = 0; k < numClasses; k++) {
                    double g = p[k];
                    int base = k * d;
                    for (int j = 0; j < d; j++) grad[base + j] += g * v[off + j];
                }
            }
            if (fitIntercept) for (int k = 0; k < numClasses; k++) grad[bias + k] += p[k];
        }
    }

    /**
     * Adds every row to the evaluation sums. A dense block's scores come from the dense kernel's product
     * ({@code S = X W^T + b} by BLAS, a chunk of rows at a time, read in place from a float64 block and gathered
     * into doubles from a float32 one), a CSR block's from {@link #scores}.
     */
    @Override
    public void evaluate(Block block, double[] params, Evaluation eval) {
        int n = block.numRows();
        int k = numClasses;
        int d = numFeatures;
        int bias = k * d;
        double[] p = new double[k];
        int chunk = block.isSparse() ? n : denseChunk();
        double[] s = block.isSparse() ? null : Blas.scratch(1, Math.min(chunk, n) * k);
        double[] gathered = s != null && block.isFloat32() ? Blas.scratch(0, Math.min(chunk, n) * d) : null;
        RowValues xr = s == null ? new RowValues(block) : null;
        for (int start = 0; start < n; start += chunk) {
            int c = Math.min(chunk, n - start);
            if (gathered != null) {
                Blas.gather(block, null, start, c, gathered);
                Blas.BLAS.dgemm("T", "N", k, c, d, 1.0, params, 0, d, gathered, 0, d, 0.0, s, 0, k);
            } else if (s != null) {
                Blas.BLAS.dgemm("T", "N", k, c, d, 1.0, params, 0, d, block.values(), start * d, d, 0.0, s, 0, k);
            }
            for (int i = 0; i < c; i++) {
                int row = start + i;
                int y = label(block, row);
                if (s != null) {
                    System.arraycopy(s, i * k, p, 0, k);
                    if (fitIntercept) for (int j = 0; j < k; j++) p[j] += params[bias + j];
                } else {
                    xr.load(row);
                    scores(block, row, params, p, xr);
                }
                int best = 0;
                for (int j = 1; j < k; j++) if (p[j] > p[best]) best = j;
                eval.addClassified(block.weight(row), lossAndResiduals(p, y), y, best);
            }
        }
    }
}
