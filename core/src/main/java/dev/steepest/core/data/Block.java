package dev.steepest.core.data;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A contiguous block of training rows: the unit that a partition caches once and that kernels read.
 *
 * <p>Features are stored either dense, row-major ({@code values[row * numFeatures + j]}), or sparse in CSR form
 * ({@code rowPtr}, {@code colIdx}, {@code values}); labels and sample weights are parallel arrays. A block is
 * immutable after construction: kernels only read it, so it can be shared by concurrent tasks.
 */
public final class Block implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int numRows;
    private final int numFeatures;
    private final double[] values;
    /** CSR row pointers (length numRows + 1), or null for a dense block. */
    private final int[] rowPtr;
    /** CSR column indices, or null for a dense block. */
    private final int[] colIdx;
    private final double[] labels;
    /** Sample weights, or null when every weight is 1 (saves a read per row). */
    private final double[] weights;

    private Block(int numRows, int numFeatures, double[] values, int[] rowPtr, int[] colIdx,
                  double[] labels, double[] weights) {
        if (labels.length != numRows) {
            throw new IllegalArgumentException("labels: " + labels.length + " != rows " + numRows);
        }
        if (weights != null && weights.length != numRows) {
            throw new IllegalArgumentException("weights: " + weights.length + " != rows " + numRows);
        }
        this.numRows = numRows;
        this.numFeatures = numFeatures;
        this.values = values;
        this.rowPtr = rowPtr;
        this.colIdx = colIdx;
        this.labels = labels;
        this.weights = weights;
    }

    /** A dense block; {@code values} is row-major with {@code labels.length * numFeatures} entries. */
    public static Block dense(int numFeatures, double[] values, double[] labels, double[] weights) {
        if ((long) labels.length * numFeatures != values.length) {
            throw new IllegalArgumentException("dense values: " + values.length + " != " + labels.length
                    + " x " + numFeatures);
        }
        return new Block(labels.length, numFeatures, values, null, null, labels, weights);
    }

    /** A sparse block in CSR form; column indices are 0-based and strictly increasing within a row. */
    public static Block sparse(int numFeatures, int[] rowPtr, int[] colIdx, double[] values,
                               double[] labels, double[] weights) {
        if (rowPtr.length != labels.length + 1 || colIdx.length != values.length
                || rowPtr[labels.length] != values.length) {
            throw new IllegalArgumentException("inconsistent CSR arrays");
        }
        return new Block(labels.length, numFeatures, values, rowPtr, colIdx, labels, weights);
    }

    public int numRows() { return numRows; }
    public int numFeatures() { return numFeatures; }
    public boolean isSparse() { return rowPtr != null; }
    public double label(int row) { return labels[row]; }
    public double weight(int row) { return weights == null ? 1.0 : weights[row]; }
    public boolean hasUnitWeights() { return weights == null; }

    /** Row-major dense values, or the CSR non-zero values. Read-only by contract. */
    public double[] values() { return values; }
    public int[] rowPtr() { return rowPtr; }
    public int[] colIdx() { return colIdx; }

    /** Feature {@code j} of {@code row} (O(log nnz) for sparse rows); for tests and slow paths only. */
    public double feature(int row, int j) {
        if (rowPtr == null) {
            return values[row * numFeatures + j];
        }
        int k = Arrays.binarySearch(colIdx, rowPtr[row], rowPtr[row + 1], j);
        return k >= 0 ? values[k] : 0.0;
    }

    /** The same rows with other labels (the feature arrays are shared, not copied). */
    public Block withLabels(double[] newLabels) {
        if (newLabels.length != numRows) {
            throw new IllegalArgumentException("labels: " + newLabels.length + " != rows " + numRows);
        }
        return new Block(numRows, numFeatures, values, rowPtr, colIdx, newLabels, weights);
    }

    /** The labels array. Read-only by contract. */
    public double[] labels() {
        return labels;
    }

    /** Size of the cached arrays in bytes (for reporting memory use). */
    public long sizeInBytes() {
        long bytes = 8L * values.length + 8L * labels.length;
        if (weights != null) bytes += 8L * weights.length;
        if (rowPtr != null) bytes += 4L * rowPtr.length + 4L * colIdx.length;
        return bytes;
    }
}
