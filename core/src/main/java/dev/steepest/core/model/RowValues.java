package dev.steepest.core.model;

import dev.steepest.core.data.Block;

/**
 * One row's stored feature values as doubles, for the row loops: after {@link #load}, stored value {@code k} of
 * the row (its position in the block's value array: {@code row * d + j} dense, {@code rowPtr[row] ..} CSR) is
 * {@code array[k + shift]}. A float64 block is read in place ({@code array} is its values, {@code shift} 0, and
 * {@code load} does nothing), so its loops run as before; a float32 block's row is widened into a buffer of d
 * doubles (exact), so the loops compute in double on the float values, branching once per row rather than per
 * value. Not thread-safe: one per kernel call.
 */
final class RowValues {
    private final Block block;
    private final double[] buffer;
    /** The array to read the loaded row from. */
    double[] array;
    /** Stored value k of the loaded row is {@code array[k + shift]}. */
    int shift;

    RowValues(Block block) {
        this.block = block;
        if (block.isFloat32()) {
            buffer = new double[block.numFeatures()];
        } else {
            buffer = null;
            array = block.values();
        }
    }

    /** Makes {@link #array} and {@link #shift} address {@code row}. */
    void load(int row) {
        if (buffer == null) return;
        int from;
        int len;
        if (block.isSparse()) {
            from = block.rowPtr()[row];
            len = block.rowPtr()[row + 1] - from;
        } else {
            from = row * block.numFeatures();
            len = block.numFeatures();
        }
        block.copyValues(from, buffer, 0, len);
        array = buffer;
        shift = -from;
    }
}
