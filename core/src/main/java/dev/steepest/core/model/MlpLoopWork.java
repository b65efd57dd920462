package dev.steepest.core.model;

import dev.steepest.core.data.Block;

/**
 * {@link MlpLoopKernel}'s per-call scratch space: the weights as {@link RowMatrices} (arrays of row arrays), the
 * chunk's layer outputs and deltas, and the local gradient sums.
 */
final class MlpLoopWork {
    private final MlpLayout layout;

    /** {@code wt[l]} = W_l^T (n_in rows of n_out); {@code wt[0]} is null for direct sparse input. */
    final double[][][] wt;
    /** {@code w[l]} = W_l (n_out rows of n_in) for l >= 1, for the backward pass. */
    final double[][][] w;
    /** Layer outputs: {@code out[l]} holds the chunk's rows of layer l's output (scores for the last). */
    final double[][][] out;
    /** Gathered dense input rows, or null for sparse blocks. */
    final double[][] x;
    /** The deltas of the current layer and the next one down, and the current one transposed. */
    double[][] delta;
    double[][] deltaNext;
    final double[][] deltaT;
    /**
     * Local gradient sums, added to the accumulator once per call: {@code gw[l]} for W_l (n_out rows of n_in),
     * except {@code gw[0]} for sparse input, which holds the transpose (d rows of n_out) or is null (direct);
     * {@code gb[l]} for b_l.
     */
    final double[][][] gw;
    final double[][] gb;
    /**
     * Sparse input with few non-zeros for its width: layer 0 reads and updates {@code W_0} in place (strided)
     * instead of transposing it, so a call costs O(nnz h_1) rather than O(d h_1).
     */
    final boolean direct;
    /** The input rows' values as doubles, for the sparse loops (widened per row from a float32 block). */
    final RowValues input;

    MlpLoopWork(MlpLayout layout, Block block, int[] rows, int count, double[] params, boolean gradient) {
        this.layout = layout;
        int[] sizes = layout.sizes;
        int[] weightOffset = layout.weightOffset;
        int numFeatures = layout.numFeatures();
        input = new RowValues(block);
        int layers = layout.numLayers();
        int chunk = Math.min(MlpLoopKernel.CHUNK, count);
        boolean sparse = block.isSparse();
        if (sparse) {
            long nnz = 0;
            int[] ptr = block.rowPtr();
            for (int i = 0; i < count; i++) {
                int row = rows == null ? i : rows[i];
                nnz += ptr[row + 1] - ptr[row];
            }
            direct = nnz < numFeatures;
        } else {
            direct = false;
        }
        wt = new double[layers][][];
        w = new double[layers][][];
        out = new double[layers][][];
        int widest = 1;
        for (int l = 0; l < layers; l++) {
            int nIn = sizes[l];
            int nOut = sizes[l + 1];
            out[l] = new double[chunk][nOut];
            widest = Math.max(widest, nOut);
            if (l > 0 || !direct) wt[l] = RowMatrices.transpose(params, weightOffset[l], nOut, nIn);
            if (l > 0 && gradient) w[l] = RowMatrices.rowsOf(params, weightOffset[l], nOut, nIn);
        }
        x = sparse ? null : new double[chunk][numFeatures];
        if (gradient) {
            delta = new double[chunk][widest];
            deltaNext = new double[chunk][widest];
            deltaT = new double[widest][chunk];
            gw = new double[layers][][];
            gb = new double[layers][];
            for (int l = 0; l < layers; l++) {
                int nIn = sizes[l];
                int nOut = sizes[l + 1];
                gb[l] = new double[nOut];
                if (l > 0 || !sparse) {
                    gw[l] = new double[nOut][nIn];
                } else if (!direct) {
                    gw[l] = new double[nIn][nOut];
                }
            }
        } else {
            deltaT = null;
            gw = null;
            gb = null;
        }
    }

    /** Adds the local gradient sums to {@code grad} (the accumulator's flat layout). */
    void flush(boolean sparse, double[] grad) {
        int[] sizes = layout.sizes;
        int[] weightOffset = layout.weightOffset;
        int[] biasOffset = layout.biasOffset;
        for (int l = 0; l < layout.numLayers(); l++) {
            int nIn = sizes[l];
            int nOut = sizes[l + 1];
            int base = weightOffset[l];
            double[][] g = gw[l];
            if (l == 0 && sparse) {
                if (g != null) { // transposed: d rows of n_out
                    for (int o = 0; o < nOut; o++) {
                        int r = base + o * nIn;
                        for (int k = 0; k < nIn; k++) grad[r + k] += g[k][o];
                    }
                }
            } else {
                for (int o = 0; o < nOut; o++) {
                    double[] go = g[o];
                    int r = base + o * nIn;
                    for (int k = 0; k < nIn; k++) grad[r + k] += go[k];
                }
            }
            double[] b = gb[l];
            int bo = biasOffset[l];
            for (int j = 0; j < nOut; j++) grad[bo + j] += b[j];
        }
    }
}
