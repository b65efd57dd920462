package dev.steepest.core.data;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A contiguous block of training rows: the unit that a partition caches once and that kernels read.
 *
 * <p>Features are stored either dense, row-major ({@code values[row * numFeatures + j]}), or sparse in CSR form
 * ({@code rowPtr}, {@code colIdx}, {@code values}); labels and sample weights are parallel arrays. A block is
 * immutable after construction: kernels only read it, so it can be shared by concurrent tasks.
 *
 * <p>The feature values are held either as {@code double[]} ({@link Precision#FLOAT64}, {@link #values()}) or as
 * {@code float[]} ({@link Precision#FLOAT32}, {@link #floatValues()}), never both; labels and weights are doubles
 * either way. Readers that do not care which use {@link #copyValues} (exact: float converts to double without
 * rounding) or {@link #feature}; the kernels branch once per block, row or chunk, never per value.
 */
public final class Block implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int numRows;
    private final int numFeatures;
    /** The feature values of a float64 block, or null. */
    private final double[] values;
    /** The feature values of a float32 block, or null. */
    private final float[] floatValues;
    /** CSR row pointers (length numRows + 1), or null for a dense block. */
    private final int[] rowPtr;
    /** CSR column indices, or null for a dense block. */
    private final int[] colIdx;
    private final double[] labels;
    /** Sample weights, or null when every weight is 1 (saves a read per row). */
    private final double[] weights;

    private Block(int numRows, int numFeatures, double[] values, float[] floatValues, int[] rowPtr, int[] colIdx,
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
        this.floatValues = floatValues;
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
        return new Block(labels.length, numFeatures, values, null, null, null, labels, weights);
    }

    /** A dense float32 block; {@code values} is row-major with {@code labels.length * numFeatures} entries. */
    public static Block dense(int numFeatures, float[] values, double[] labels, double[] weights) {
        if ((long) labels.length * numFeatures != values.length) {
            throw new IllegalArgumentException("dense values: " + values.length + " != " + labels.length
                    + " x " + numFeatures);
        }
        return new Block(labels.length, numFeatures, null, values, null, null, labels, weights);
    }

    /** A sparse block in CSR form; column indices are 0-based and strictly increasing within a row. */
    public static Block sparse(int numFeatures, int[] rowPtr, int[] colIdx, double[] values,
                               double[] labels, double[] weights) {
        if (rowPtr.length != labels.length + 1 || colIdx.length != values.length
                || rowPtr[labels.length] != values.length) {
            throw new IllegalArgumentException("inconsistent CSR arrays");
        }
        return new Block(labels.length, numFeatures, values, null, rowPtr, colIdx, labels, weights);
    }

    /** A sparse float32 block in CSR form; column indices are 0-based and strictly increasing within a row. */
    public static Block sparse(int numFeatures, int[] rowPtr, int[] colIdx, float[] values,
                               double[] labels, double[] weights) {
        if (rowPtr.length != labels.length + 1 || colIdx.length != values.length
                || rowPtr[labels.length] != values.length) {
            throw new IllegalArgumentException("inconsistent CSR arrays");
        }
        return new Block(labels.length, numFeatures, null, values, rowPtr, colIdx, labels, weights);
    }

    public int numRows() { return numRows; }
    public int numFeatures() { return numFeatures; }
    public boolean isSparse() { return rowPtr != null; }
    public double label(int row) { return labels[row]; }
    public double weight(int row) { return weights == null ? 1.0 : weights[row]; }
    public boolean hasUnitWeights() { return weights == null; }

    /** {@link Precision#FLOAT32} when the values are held as {@code float[]}, else {@link Precision#FLOAT64}. */
    public Precision precision() { return floatValues != null ? Precision.FLOAT32 : Precision.FLOAT64; }
    public boolean isFloat32() { return floatValues != null; }

    /**
     * Row-major dense values, or the CSR non-zero values, of a float64 block. Read-only by contract.
     *
     * @throws IllegalStateException for a float32 block (use {@link #floatValues} or {@link #copyValues}): a
     *     silent conversion would allocate the double array that float32 storage exists to avoid
     */
    public double[] values() {
        if (values == null) throw new IllegalStateException("a float32 block has no double[] values");
        return values;
    }

    /**
     * The values of a float32 block, laid out as {@link #values()}. Read-only by contract.
     *
     * @throws IllegalStateException for a float64 block
     */
    public float[] floatValues() {
        if (floatValues == null) throw new IllegalStateException("a float64 block has no float[] values");
        return floatValues;
    }

    /** The number of stored values: rows x features when dense, the non-zeros when CSR. */
    public int numValues() {
        return values != null ? values.length : floatValues.length;
    }

    /**
     * Copies the stored values {@code from .. from + len)} (positions in {@link #values()} / {@link #floatValues()})
     * into {@code dst[dstOff ..]} as doubles: a plain copy for float64, an exact widening for float32.
     */
    public void copyValues(int from, double[] dst, int dstOff, int len) {
        if (values != null) {
            System.arraycopy(values, from, dst, dstOff, len);
            return;
        }
        float[] f = floatValues;
        for (int i = 0; i < len; i++) dst[dstOff + i] = f[from + i];
    }
    public int[] rowPtr() { return rowPtr; }
    public int[] colIdx() { return colIdx; }

    /** Feature {@code j} of {@code row} (O(log nnz) for sparse rows); for tests and slow paths only. */
    public double feature(int row, int j) {
        int k;
        if (rowPtr == null) {
            k = row * numFeatures + j;
        } else {
            k = Arrays.binarySearch(colIdx, rowPtr[row], rowPtr[row + 1], j);
            if (k < 0) return 0.0;
        }
        return values != null ? values[k] : floatValues[k];
    }

    /** The same rows with other labels (the feature arrays are shared, not copied). */
    public Block withLabels(double[] newLabels) {
        if (newLabels.length != numRows) {
            throw new IllegalArgumentException("labels: " + newLabels.length + " != rows " + numRows);
        }
        return new Block(numRows, numFeatures, values, floatValues, rowPtr, colIdx, newLabels, weights);
    }

    /** The labels array. Read-only by contract. */
    public double[] labels() {
        return labels;
    }

    /**
     * Size of the cached arrays' contents in bytes (for reporting memory use): 8 or 4 per value (by precision),
     * 8 per label and per weight (when not all 1), 4 per CSR row pointer and column index. Object and array
     * headers are not counted.
     */
    public long sizeInBytes() {
        long bytes = (values != null ? 8L * values.length : 4L * floatValues.length) + 8L * labels.length;
        if (weights != null) bytes += 8L * weights.length;
        if (rowPtr != null) bytes += 4L * rowPtr.length + 4L * colIdx.length;
        return bytes;
    }
}
