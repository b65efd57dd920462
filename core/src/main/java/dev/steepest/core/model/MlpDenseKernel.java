package dev.steepest.core.model;

import dev.steepest.core.data.Block;
import java.io.Serializable;

/**
 * The MLP's dense kernel: {@link MlpLoopKernel}'s algorithm with every matrix product done by BLAS {@code dgemm}
 * ({@link Blas}) on row-major chunk matrices, reading the weights in place from {@code params} and adding the
 * weight gradients straight into the accumulator. For each chunk of c rows (X: the rows, read in place when they
 * are consecutive storage rows of a float64 block, else gathered into doubles, which widens float32 values):
 * <pre>
 *   forward   Z_l = A_{l-1} W_l^T (dgemm), Z_l[i] += b_l, A_l = f(Z_l); A_{-1} = X
 *   head      D_L[i] = w_i * dl_i/dz                                ({@link OutputHead})
 *   backward  grad W_l += D_l^T A_{l-1} (dgemm), grad b_l += column sums of D_l (row order),
 *             D_{l-1} = (D_l W_l) .* f'(A_{l-1}) (dgemm)
 * </pre>
 * A row-major {@code r x c} matrix is BLAS's column-major {@code c x r} one, so each product is written for BLAS
 * transposed ({@code Z^T = W A^T}); the shapes before each call are the row-major ones. Chunks have
 * {@link Blas#chunkRows} rows (256 unless the network is very wide), so the per-thread scratch
 * ({@link Blas#scratch}) is chunk x (d + sum of widths + 2 x widest) doubles, at most 8 MiB. Unlike the loops,
 * BLAS does not skip zero activations. Measured with VectorBLAS (docs/BENCHMARKS.md): 0.85-0.98 of the loops'
 * time from 64 rows on, 0.26-0.67 on 1 to 4 rows (where the loops' per-call transposes of the weights
 * dominate), and 1.17-1.45 on 8 rows; the loops are kept for CSR blocks only, not for that one band.
 */
final class MlpDenseKernel implements Serializable {
    private static final long serialVersionUID = 1L;

    private final MlpLayout layout;
    private final int[] sizes;
    private final int[] weightOffset;
    private final int[] biasOffset;
    private final Activation activation;
    private final OutputHead head;
    /** Rows per chunk: {@link Blas#chunkRows} of the scratch doubles per row. */
    final int chunk;

    MlpDenseKernel(MlpLayout layout, Activation activation, OutputHead head) {
        this.layout = layout;
        this.sizes = layout.sizes;
        this.weightOffset = layout.weightOffset;
        this.biasOffset = layout.biasOffset;
        this.activation = activation;
        this.head = head;
        long perRow = 0;
        for (int size : sizes) perRow += size;
        chunk = Blas.chunkRows(perRow + 2L * layout.widestOutput());
    }

    /** Adds the weighted loss and gradient of the rows to {@code acc}, in chunks of {@code chunk} rows. */
    void accumulate(Block block, int[] rows, int count, double[] params, Accumulator acc, int chunk) {
        double[] grad = acc.gradientSum();
        Work work = new Work(block, rows, count, chunk, true);
        int last = layout.numLayers() - 1;
        int k = layout.numOutputs();
        for (int start = 0; start < count; start += chunk) {
            int c = Math.min(chunk, count - start);
            forward(block, rows, start, c, params, work);
            double[] z = work.out[last];
            double[] delta = work.delta;
            for (int i = 0; i < c; i++) {
                int row = rows == null ? start + i : rows[start + i];
                double w = block.weight(row);
                acc.addRow(w * head.lossAndDeltas(block, row, w, z, i * k, delta, i * k), w);
            }
            backward(c, params, grad, work);
        }
    }

    /** Adds every row of the block to {@code eval}. */
    void evaluate(Block block, double[] params, Evaluation eval) {
        int n = block.numRows();
        int k = layout.numOutputs();
        Work work = new Work(block, null, n, chunk, false);
        double[] scratch = new double[k];
        double[] z = work.out[layout.numLayers() - 1];
        for (int start = 0; start < n; start += chunk) {
            int c = Math.min(chunk, n - start);
            forward(block, null, start, c, params, work);
            for (int i = 0; i < c; i++) head.evaluate(block, start + i, z, i * k, scratch, eval);
        }
    }

    /** Layer outputs of rows {@code start .. start + c)} of the row list into {@code work.out}, by dgemm. */
    private void forward(Block block, int[] rows, int start, int c, double[] params, Work work) {
        int d = layout.numFeatures();
        if (work.gathered == null) {
            work.in = block.values();
            work.inOff = start * d;
        } else {
            Blas.gather(block, rows, start, c, work.gathered);
            work.in = work.gathered;
            work.inOff = 0;
        }
        int layers = layout.numLayers();
        double[] a = work.in;
        int aOff = work.inOff;
        for (int l = 0; l < layers; l++) {
            int nIn = sizes[l];
            int nOut = sizes[l + 1];
            double[] z = work.out[l];
            // a (A_{l-1}, the input rows X for l = 0): c X n_in, row-major
            // params[weightOffset[l]] (W_l):          n_out X n_in, row-major
            // z (Z_l):                                c X n_out, row-major      z = a W_l^T
            Blas.BLAS.dgemm("T", "N", nOut, c, nIn, 1.0, params, weightOffset[l], nIn, a, aOff, nIn, 0.0, z, 0, nOut);
            int b = biasOffset[l];
            for (int i = 0; i < c; i++) {
                int off = i * nOut;
                for (int j = 0; j < nOut; j++) z[off + j] += params[b + j];
            }
            if (l < layers - 1) activation.applyInPlace(z, 0, c * nOut);
            a = z;
            aOff = 0;
        }
    }

    /** Adds the chunk's gradient into {@code grad}, starting from the output deltas in {@code work.delta}. */
    private void backward(int c, double[] params, double[] grad, Work work) {
        for (int l = layout.numLayers() - 1; l >= 0; l--) {
            int nIn = sizes[l];
            int nOut = sizes[l + 1];
            double[] delta = work.delta;
            int bo = biasOffset[l];
            for (int i = 0; i < c; i++) {
                int off = i * nOut;
                for (int j = 0; j < nOut; j++) grad[bo + j] += delta[off + j];
            }
            double[] a = l == 0 ? work.in : work.out[l - 1];
            int aOff = l == 0 ? work.inOff : 0;
            // delta (D_l):                       c X n_out, row-major
            // a (A_{l-1}):                       c X n_in, row-major
            // grad[weightOffset[l]] (grad W_l):  n_out X n_in, row-major    grad W_l += delta^T a
            Blas.BLAS.dgemm("N", "T", nIn, nOut, c, 1.0, a, aOff, nIn, delta, 0, nOut, 1.0, grad, weightOffset[l], nIn);
            if (l > 0) {
                double[] next = work.next;
                // delta (D_l):                    c X n_out, row-major
                // params[weightOffset[l]] (W_l):  n_out X n_in, row-major
                // next (D_{l-1}):                 c X n_in, row-major         next = delta W_l, then .* f'(A_{l-1})
                Blas.BLAS.dgemm("N", "N", nIn, c, nOut, 1.0, params, weightOffset[l], nIn, delta, 0, nOut, 0.0,
                        next, 0, nIn);
                activation.multiplyByDerivative(next, work.out[l - 1], 0, c * nIn);
                work.next = delta;
                work.delta = next;
            }
        }
    }

    /** Per-call views of this thread's scratch buffers (see {@link Blas#scratch}). */
    private final class Work {
        /** Gathered input rows (chunk x d, doubles), or null when the rows are read in place. */
        final double[] gathered;
        /** {@code out[l]}: layer l's outputs for the chunk, row-major (chunk x n_{l+1}). */
        final double[][] out;
        /** Deltas of the current layer and the one below (chunk x widest each). */
        double[] delta;
        double[] next;
        /** The chunk's input rows: {@code in[inOff + i * d + j]}. */
        double[] in;
        int inOff;

        Work(Block block, int[] rows, int count, int chunkRows, boolean gradient) {
            int chunk = Math.min(chunkRows, count);
            int layers = layout.numLayers();
            // BLAS reads doubles: a float32 block is always gathered (widened), even for consecutive rows
            gathered = rows == null && !block.isFloat32() ? null : Blas.scratch(0, chunk * layout.numFeatures());
            out = new double[layers][];
            for (int l = 0; l < layers; l++) out[l] = Blas.scratch(3 + l, chunk * sizes[l + 1]);
            if (gradient) {
                int widest = layout.widestOutput();
                delta = Blas.scratch(1, chunk * widest);
                next = Blas.scratch(2, chunk * widest);
            }
        }
    }
}
