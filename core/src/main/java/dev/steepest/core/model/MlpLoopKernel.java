package dev.steepest.core.model;

import static dev.steepest.core.model.RowMatrices.gemmAcc;

import dev.steepest.core.data.Block;
import java.io.Serializable;
import java.util.Arrays;

/**
 * The MLP's hand-written loop kernel, the path for CSR blocks (and, for dense blocks, the baseline that
 * {@code KernelBenchmark} times against {@link MlpDenseKernel}). It works on chunks of {@value #CHUNK} rows with
 * {@link RowMatrices#gemmAcc} (i-k-j order, the middle dimension tiled, exact zeros of the left operand skipped:
 * sparse inputs, ReLU outputs):
 * <pre>
 *   forward   Z_l = A_{l-1} W_l^T + b_l,  A_l = f(Z_l)          (A_{-1} = the chunk's input rows X)
 *   head      D_L = w_i * dl_i/dz                                ({@link OutputHead})
 *   backward  grad b_l += column sums of D_l,  grad W_l += D_l^T A_{l-1},
 *             D_{l-1} = (D_l W_l) .* f'(A_{l-1})
 * </pre>
 * CSR input rows are never densified: layer 0 adds rows of {@code W_0^T} per non-zero and its gradient is kept
 * transposed; when the call has fewer non-zeros than features (a small batch of wide sparse rows) {@code W_0} is
 * read and its gradient written in place instead ("direct"), so the call costs O(nnz h_1) and not O(d h_1). The
 * gradients are summed per call in local buffers (about three times the parameter count, allocated per call) and
 * added to the accumulator once.
 */
final class MlpLoopKernel implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Rows per chunk. */
    static final int CHUNK = 64;

    private final MlpLayout layout;
    private final int[] sizes;
    private final int[] weightOffset;
    private final int[] biasOffset;
    private final int numFeatures;
    private final Activation activation;
    private final OutputHead head;

    MlpLoopKernel(MlpLayout layout, Activation activation, OutputHead head) {
        this.layout = layout;
        this.sizes = layout.sizes;
        this.weightOffset = layout.weightOffset;
        this.biasOffset = layout.biasOffset;
        this.numFeatures = layout.numFeatures();
        this.activation = activation;
        this.head = head;
    }

    /** Adds the weighted loss and gradient of rows {@code rows[0..count)} (or {@code 0..count-1}) to {@code acc}. */
    void accumulate(Block block, int[] rows, int count, double[] params, Accumulator acc) {
        double[] grad = acc.gradientSum();
        MlpLoopWork work = new MlpLoopWork(layout, block, rows, count, params, true);
        int last = layout.numLayers() - 1;
        for (int start = 0; start < count; start += CHUNK) {
            int c = Math.min(CHUNK, count - start);
            forward(block, rows, start, c, params, work);
            double[][] z = work.out[last];
            double[][] delta = work.delta;
            for (int i = 0; i < c; i++) {
                int row = rows == null ? start + i : rows[start + i];
                double w = block.weight(row);
                acc.addRow(w * head.lossAndDeltas(block, row, w, z[i], 0, delta[i], 0), w);
            }
            backward(block, rows, start, c, grad, work);
        }
        work.flush(block.isSparse(), grad);
    }

    /** The output layer's values for one row of a dense or CSR block. */
    double[] outputs(Block block, int row, double[] params) {
        int[] rows = {row};
        MlpLoopWork work = new MlpLoopWork(layout, block, rows, 1, params, false);
        forward(block, rows, 0, 1, params, work);
        return Arrays.copyOf(work.out[layout.numLayers() - 1][0], layout.numOutputs());
    }

    /** Adds every row of the block to {@code eval}. */
    void evaluate(Block block, double[] params, Evaluation eval) {
        int n = block.numRows();
        MlpLoopWork work = new MlpLoopWork(layout, block, null, n, params, false);
        double[] scratch = new double[layout.numOutputs()];
        double[][] z = work.out[layout.numLayers() - 1];
        for (int start = 0; start < n; start += CHUNK) {
            int c = Math.min(CHUNK, n - start);
            forward(block, null, start, c, params, work);
            for (int i = 0; i < c; i++) head.evaluate(block, start + i, z[i], 0, scratch, eval);
        }
    }

    /** Layer outputs of rows {@code start .. start + c) of the row list into {@code work.out}. */
    private void forward(Block block, int[] rows, int start, int c, double[] params, MlpLoopWork work) {
        int layers = layout.numLayers();
        int d = numFeatures;
        for (int l = 0; l < layers; l++) {
            int nIn = sizes[l];
            int nOut = sizes[l + 1];
            double[][] out = work.out[l];
            for (int i = 0; i < c; i++) Arrays.fill(out[i], 0.0);
            if (l == 0 && block.isSparse()) {
                // out[i] += x[i][k] * W_0^T[k] over the non-zeros x[i][k] (W_0 read strided when direct)
                int[] ptr = block.rowPtr();
                int[] idx = block.colIdx();
                double[][] wt0 = work.wt[0];
                int w0 = weightOffset[0];
                RowValues xr = work.input;
                for (int i = 0; i < c; i++) {
                    int row = rows == null ? start + i : rows[start + i];
                    double[] oi = out[i];
                    xr.load(row);
                    double[] v = xr.array;
                    int sh = xr.shift;
                    for (int q = ptr[row], end = ptr[row + 1]; q < end; q++) {
                        double a = v[q + sh];
                        if (a == 0.0) continue;
                        if (wt0 != null) {
                            double[] wk = wt0[idx[q]];
                            for (int j = 0; j < nOut; j++) oi[j] += a * wk[j];
                        } else {
                            int col = w0 + idx[q];
                            for (int j = 0; j < nOut; j++) oi[j] += a * params[col + j * d];
                        }
                    }
                }
            } else if (l == 0) {
                double[][] x = work.x;
                for (int i = 0; i < c; i++) {
                    int row = rows == null ? start + i : rows[start + i];
                    block.copyValues(row * d, x[i], 0, d);
                }
                // x (input rows):     c X d
                // wt[0] (W_0^T):      d X n_out
                // out[0] (Z_0):       c X n_out       out[0] += x * wt[0]
                gemmAcc(x, c, d, work.wt[0], nOut, out);
            } else {
                // out[l-1] (A_{l-1}): c X n_in
                // wt[l] (W_l^T):      n_in X n_out
                // out[l] (Z_l):       c X n_out       out[l] += out[l-1] * wt[l]
                gemmAcc(work.out[l - 1], c, nIn, work.wt[l], nOut, out);
            }
            int b = biasOffset[l];
            for (int i = 0; i < c; i++) {
                double[] oi = out[i];
                for (int j = 0; j < nOut; j++) oi[j] += params[b + j];
                if (l < layers - 1) activation.applyInPlace(oi, 0, nOut);
            }
        }
    }

    /**
     * Adds the chunk's gradient to the local sums, starting from the output deltas in {@code work.delta}; in the
     * direct sparse mode layer 0's weight gradient goes straight into {@code grad}.
     */
    private void backward(Block block, int[] rows, int start, int c, double[] grad, MlpLoopWork work) {
        for (int l = layout.numLayers() - 1; l >= 0; l--) {
            int nIn = sizes[l];
            int nOut = sizes[l + 1];
            double[][] delta = work.delta;
            double[] gb = work.gb[l];
            for (int i = 0; i < c; i++) {
                double[] di = delta[i];
                for (int j = 0; j < nOut; j++) gb[j] += di[j];
            }
            if (l == 0 && block.isSparse()) {
                // grad W_0[o][k] += delta[i][o] * x[i][k] over the non-zeros x[i][k]
                RowValues xr = work.input;
                int[] ptr = block.rowPtr();
                int[] idx = block.colIdx();
                double[][] gt = work.gw[0];
                int w0 = weightOffset[0];
                int d = numFeatures;
                for (int i = 0; i < c; i++) {
                    int row = rows == null ? start + i : rows[start + i];
                    double[] di = delta[i];
                    xr.load(row);
                    double[] v = xr.array;
                    int sh = xr.shift;
                    for (int q = ptr[row], end = ptr[row + 1]; q < end; q++) {
                        double a = v[q + sh];
                        if (a == 0.0) continue;
                        if (gt != null) {
                            double[] gk = gt[idx[q]];
                            for (int j = 0; j < nOut; j++) gk[j] += di[j] * a;
                        } else {
                            int col = w0 + idx[q];
                            for (int j = 0; j < nOut; j++) grad[col + j * d] += di[j] * a;
                        }
                    }
                }
            } else {
                double[][] dt = work.deltaT;
                for (int i = 0; i < c; i++) {
                    double[] di = delta[i];
                    for (int j = 0; j < nOut; j++) dt[j][i] = di[j];
                }
                // deltaT (D_l^T):         n_out X c
                // x or out[l-1] (A_{l-1}): c X n_in
                // gw[l] (grad W_l):        n_out X n_in     gw[l] += deltaT * A_{l-1}
                gemmAcc(dt, nOut, c, l == 0 ? work.x : work.out[l - 1], nIn, work.gw[l]);
            }
            if (l > 0) {
                double[][] next = work.deltaNext;
                double[][] prev = work.out[l - 1];
                for (int i = 0; i < c; i++) Arrays.fill(next[i], 0, nIn, 0.0);
                // delta (D_l):            c X n_out
                // w[l] (W_l):             n_out X n_in
                // deltaNext (D_{l-1}):    c X n_in         deltaNext = delta * w[l], then .* f'(A_{l-1})
                gemmAcc(delta, c, nOut, work.w[l], nIn, next);
                for (int i = 0; i < c; i++) activation.multiplyByDerivative(next[i], prev[i], 0, nIn);
                work.deltaNext = delta;
                work.delta = next;
            }
        }
    }
}
