package dev.steepest.core.data;

import java.util.Arrays;

/**
 * Grows the arrays of one {@link Block} row by row. Dense rows and sparse rows may be mixed: the block comes
 * out sparse (CSR) when {@code sparse} was requested, dense otherwise. With {@link Precision#FLOAT32} every value
 * is rounded to the nearest float as it is added ({@code (float) x}) and the growing array is a {@code float[]}, so
 * the build never holds the values as doubles.
 */
public final class BlockBuilder {
    private final int numFeatures;
    private final boolean sparse;
    /** The growing values: exactly one of the two is non-null, by precision. */
    private double[] values;
    private float[] floatValues;
    private int[] colIdx;
    private int[] rowPtr;
    private double[] labels = new double[16];
    private double[] weights;
    private int rows;
    private int nnz;
    /** Whether the last {@link #build} handed its arrays to the block (exactly full): the next add copies them. */
    private boolean handedOver;

    /** A float64 builder: {@code BlockBuilder(numFeatures, sparse, Precision.FLOAT64)}. */
    public BlockBuilder(int numFeatures, boolean sparse) {
        this(numFeatures, sparse, Precision.FLOAT64);
    }

    /** A builder whose block stores its feature values in {@code precision}. */
    public BlockBuilder(int numFeatures, boolean sparse, Precision precision) {
        this.numFeatures = numFeatures;
        this.sparse = sparse;
        if (precision == Precision.FLOAT32) {
            floatValues = new float[16];
        } else {
            values = new double[16];
        }
        if (sparse) {
            colIdx = new int[16];
            rowPtr = new int[17];
        }
    }

    public int numRows() { return rows; }

    /**
     * Makes room for {@code moreRows} more rows holding {@code moreEntries} more stored values (a sparse block's
     * entries; a dense block's are rows x features), so that a builder told its size up front does not grow its
     * arrays by repeated copies; when the rows then fill them exactly, {@link #build} hands the arrays to the block
     * without a last copy.
     */
    public void reserve(int moreRows, long moreEntries) {
        if (handedOver) unshare();
        int r = Math.addExact(rows, moreRows);
        ensureValues(sparse ? nnz + moreEntries : (long) r * numFeatures);
        if (sparse) {
            if (colIdx.length < capacity()) colIdx = Arrays.copyOf(colIdx, capacity());
            if (rowPtr.length < r + 1) rowPtr = Arrays.copyOf(rowPtr, r + 1);
        }
        if (labels.length < r) labels = Arrays.copyOf(labels, r);
        if (weights != null && weights.length < r) weights = Arrays.copyOf(weights, r);
    }

    /** After a build that handed the arrays over: this builder's own copies, so the block stays as built. */
    private void unshare() {
        if (values != null) values = values.clone();
        if (floatValues != null) floatValues = floatValues.clone();
        if (colIdx != null) colIdx = colIdx.clone();
        if (rowPtr != null) rowPtr = rowPtr.clone();
        labels = labels.clone();
        if (weights != null) weights = weights.clone();
        handedOver = false;
    }

    /** Adds a row given densely ({@code x.length == numFeatures}). */
    public void addDense(double label, double weight, double[] x) {
        if (handedOver) unshare();
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
        if (values != null) {
            System.arraycopy(x, 0, values, rows * numFeatures, numFeatures);
        } else {
            int base = rows * numFeatures;
            for (int j = 0; j < numFeatures; j++) floatValues[base + j] = toFloat(x[j]);
        }
        nnz += numFeatures;
        addLabel(label, weight);
    }

    /** Adds a row given by its first {@code count} (index, value) pairs, indices 0-based and increasing. */
    public void addSparse(double label, double weight, int[] idx, double[] val, int count) {
        if (sparse && values != null) {
            addSparse(label, weight, idx, val, 0, count);
            return;
        }
        checkIndices(idx, 0, count);
        if (handedOver) unshare();
        if (!sparse) {
            ensureValues((long) (rows + 1) * numFeatures);
            int base = rows * numFeatures;
            if (values != null) {
                Arrays.fill(values, base, base + numFeatures, 0.0);
                for (int k = 0; k < count; k++) values[base + idx[k]] = val[k];
            } else {
                Arrays.fill(floatValues, base, base + numFeatures, 0.0f);
                for (int k = 0; k < count; k++) floatValues[base + idx[k]] = toFloat(val[k]);
            }
            nnz += numFeatures;
            addLabel(label, weight);
            return;
        }
        ensureValues((long) nnz + count);
        if (colIdx.length < nnz + count) colIdx = Arrays.copyOf(colIdx, capacity());
        System.arraycopy(idx, 0, colIdx, nnz, count);
        // float32 here (float64 took the method above): a value that rounds to 0.0f stays a stored entry, so the
        // column structure does not depend on precision
        for (int k = 0; k < count; k++) floatValues[nnz + k] = toFloat(val[k]);
        endSparseRow(count, label, weight);
    }

    /**
     * {@link #addSparse(double, double, int[], double[], int)} of the pairs {@code (idx[k], val[k])} for k in
     * {@code [from, from + count)}, read where they are (a packed row), for a sparse float64 block; other blocks
     * take them through the scratch arrays of the plain method.
     */
    public void addSparse(double label, double weight, int[] idx, double[] val, int from, int count) {
        if (!sparse || values == null) {
            addSparse(label, weight, Arrays.copyOfRange(idx, from, from + count),
                    Arrays.copyOfRange(val, from, from + count), count);
            return;
        }
        beginSparseRow(idx, from, count);
        System.arraycopy(val, from, values, nnz, count);
        endSparseRow(count, label, weight);
    }

    /**
     * {@link #addSparse(double, double, int[], double[], int, int)} of values stored as unsigned bytes
     * ({@code unsigned[k] & 0xff}: whole numbers 0..255, as image pixels are), read where they are.
     */
    public void addSparse(double label, double weight, int[] idx, byte[] unsigned, int from, int count) {
        if (!sparse || values == null) {
            double[] val = new double[count];
            for (int k = 0; k < count; k++) val[k] = unsigned[from + k] & 0xff;
            addSparse(label, weight, Arrays.copyOfRange(idx, from, from + count), val, count);
            return;
        }
        beginSparseRow(idx, from, count);
        for (int k = 0; k < count; k++) values[nnz + k] = unsigned[from + k] & 0xff;
        endSparseRow(count, label, weight);
    }

    private void checkIndices(int[] idx, int from, int count) {
        for (int k = from; k < from + count; k++) {
            if (idx[k] < 0 || idx[k] >= numFeatures || (k > from && idx[k] <= idx[k - 1])) {
                throw new IllegalArgumentException("sparse indices must be increasing and in [0, "
                        + numFeatures + "): " + idx[k]);
            }
        }
    }

    /** A sparse row's checks, and room for its {@code count} entries with their indices copied in. */
    private void beginSparseRow(int[] idx, int from, int count) {
        checkIndices(idx, from, count);
        if (handedOver) unshare();
        ensureValues((long) nnz + count);
        if (colIdx.length < nnz + count) colIdx = Arrays.copyOf(colIdx, capacity());
        System.arraycopy(idx, from, colIdx, nnz, count);
    }

    private void endSparseRow(int count, double label, double weight) {
        nnz += count;
        if (rowPtr.length < rows + 2) rowPtr = Arrays.copyOf(rowPtr, Math.max(rows + 2, rowPtr.length * 2));
        rowPtr[rows + 1] = nnz;
        addLabel(label, weight);
    }

    /**
     * {@code (float) v}, refusing a finite value beyond float's range (|v| > 3.4028235e38), which would otherwise
     * become an infinity and turn the training sums into NaN.
     */
    private static float toFloat(double v) {
        float f = (float) v;
        if (Float.isInfinite(f) && !Double.isInfinite(v)) {
            throw new IllegalArgumentException("feature value " + v + " is beyond float32's range (data.precision "
                    + "float32); use float64");
        }
        return f;
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
        int capacity = capacity();
        if (capacity < needed) {
            long grown = Math.max(needed, Math.min((long) capacity * 2, Integer.MAX_VALUE - 8));
            if (values != null) {
                values = Arrays.copyOf(values, (int) grown);
            } else {
                floatValues = Arrays.copyOf(floatValues, (int) grown);
            }
        }
    }

    private int capacity() {
        return values != null ? values.length : floatValues.length;
    }

    public Block build() {
        double[] l = exact(labels, rows);
        double[] w = weights == null ? null : exact(weights, rows);
        int n = sparse ? nnz : rows * numFeatures;
        Block b;
        if (sparse) {
            int[] ptr = rowPtr.length == rows + 1 ? rowPtr : Arrays.copyOf(rowPtr, rows + 1);
            int[] idx = colIdx.length == nnz ? colIdx : Arrays.copyOf(colIdx, nnz);
            b = values != null ? Block.sparse(numFeatures, ptr, idx, exact(values, n), l, w)
                    : Block.sparse(numFeatures, ptr, idx, exact(floatValues, n), l, w);
        } else {
            b = values != null ? Block.dense(numFeatures, exact(values, n), l, w)
                    : Block.dense(numFeatures, exact(floatValues, n), l, w);
        }
        handedOver = true;
        return b;
    }

    /** {@code a} itself when it holds exactly {@code n} values (then handed over), else a copy of its first n. */
    private static double[] exact(double[] a, int n) {
        return a.length == n ? a : Arrays.copyOf(a, n);
    }

    private static float[] exact(float[] a, int n) {
        return a.length == n ? a : Arrays.copyOf(a, n);
    }
}
