package dev.steepest.core.data;

import java.util.Arrays;

/**
 * Grows the arrays of one {@link Block} row by row. Dense rows and sparse rows may be mixed: the block comes
 * out sparse (CSR) when {@code sparse} was requested, dense otherwise.
 */
public final class BlockBuilder {
    private final int numFeatures;
    private final boolean sparse;
    private double[] values = new double[16];
    private int[] colIdx;
    private int[] rowPtr;
    private double[] labels = new double[16];
    private double[] weights;
    private int rows;
    private int nnz;

    public BlockBuilder(int numFeatures, boolean sparse) {
        this.numFeatures = numFeatures;
        this.sparse = sparse;
        if (sparse) {
            colIdx = new int[16];
            rowPtr = new int[17];
        }
    }

    public int numRows() { return rows; }

    /** Adds a row given densely ({@code x.length == numFeatures}). */
    public void addDense(double label, double weight, double[] x) {
        if (x.length != numFeatures) {
            throw new IllegalArgumentException("row has " + x.length + " features, expected " + numFeatures);
        }
        if (sparse) {
            int count = 0;
            for (double v : x) if (v != 0.0) count++;
            int[] idx = new int[count];
            double[] val = new double[count];
            for (int j = 0, k = 0; j < x.length; j++) {
                if (x[j] != 0.0) { idx[k] = j; val[k++] = x[j]; }
            }
            addSparse(label, weight, idx, val, count);
            return;
        }
        ensureValues((long) (rows + 1) * numFeatures);
        System.arraycopy(x, 0, values, rows * numFeatures, numFeatures);
        nnz += numFeatures;
        addLabel(label, weight);
    }

    /** Adds a row given by its first {@code count} (index, value) pairs, indices 0-based and increasing. */
    public void addSparse(double label, double weight, int[] idx, double[] val, int count) {
        for (int k = 0; k < count; k++) {
            if (idx[k] < 0 || idx[k] >= numFeatures || (k > 0 && idx[k] <= idx[k - 1])) {
                throw new IllegalArgumentException("sparse indices must be increasing and in [0, "
                        + numFeatures + "): " + idx[k]);
            }
        }
        if (!sparse) {
            ensureValues((long) (rows + 1) * numFeatures);
            int base = rows * numFeatures;
            Arrays.fill(values, base, base + numFeatures, 0.0);
            for (int k = 0; k < count; k++) values[base + idx[k]] = val[k];
            nnz += numFeatures;
            addLabel(label, weight);
            return;
        }
        ensureValues((long) nnz + count);
        if (colIdx.length < nnz + count) colIdx = Arrays.copyOf(colIdx, values.length);
        for (int k = 0; k < count; k++) {
            colIdx[nnz + k] = idx[k];
            values[nnz + k] = val[k];
        }
        nnz += count;
        if (rowPtr.length < rows + 2) rowPtr = Arrays.copyOf(rowPtr, Math.max(rows + 2, rowPtr.length * 2));
        rowPtr[rows + 1] = nnz;
        addLabel(label, weight);
    }

    private void addLabel(double label, double weight) {
        if (labels.length <= rows) labels = Arrays.copyOf(labels, labels.length * 2);
        labels[rows] = label;
        if (weight != 1.0 && weights == null) {
            weights = new double[labels.length];
            Arrays.fill(weights, 0, rows, 1.0);
        }
        if (weights != null) {
            if (weights.length < labels.length) weights = Arrays.copyOf(weights, labels.length);
            weights[rows] = weight;
        }
        rows++;
    }

    private void ensureValues(long needed) {
        if (needed > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("a block holds at most 2^31 feature values: split the data into "
                    + "more partitions (data.partitions)");
        }
        if (values.length < needed) {
            long grown = Math.max(needed, Math.min((long) values.length * 2, Integer.MAX_VALUE - 8));
            values = Arrays.copyOf(values, (int) grown);
        }
    }

    public Block build() {
        double[] l = Arrays.copyOf(labels, rows);
        double[] w = weights == null ? null : Arrays.copyOf(weights, rows);
        if (sparse) {
            return Block.sparse(numFeatures, Arrays.copyOf(rowPtr, rows + 1), Arrays.copyOf(colIdx, nnz),
                    Arrays.copyOf(values, nnz), l, w);
        }
        return Block.dense(numFeatures, Arrays.copyOf(values, rows * numFeatures), l, w);
    }
}
