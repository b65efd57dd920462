package dev.steepest.core.train;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Which rows each partition contributes to one step: partition {@code p} takes positions
 * {@code [offsets[p], offsets[p] + counts[p])} of its epoch permutation ({@link RowPermutation} keyed by seed,
 * epoch and p). A partition that contributes all its rows in one step reads them in storage order instead (the
 * set is the same; the order only changes the summation order, and storage order is faster).
 */
public final class StepPlan implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long seed;
    private final long epoch;
    private final int[] offsets;
    private final int[] counts;

    public StepPlan(long seed, long epoch, int[] offsets, int[] counts) {
        this.seed = seed;
        this.epoch = epoch;
        this.offsets = offsets;
        this.counts = counts;
    }

    public long seed() { return seed; }
    public long epoch() { return epoch; }
    public int numPartitions() { return counts.length; }
    public int count(int partition) { return counts[partition]; }
    public int offset(int partition) { return offsets[partition]; }

    public long totalRows() {
        long s = 0;
        for (int c : counts) s += c;
        return s;
    }

    /**
     * The row indices partition {@code p} (holding {@code size} rows) takes in this step, or {@code null} when
     * it takes all of them (storage order).
     */
    public int[] rowsFor(int partition, int size) {
        int count = counts[partition];
        if (count == size && offsets[partition] == 0) {
            return null;
        }
        RowPermutation perm = new RowPermutation(seed, epoch, partition, size);
        int[] rows = new int[count];
        int start = offsets[partition];
        for (int i = 0; i < count; i++) rows[i] = perm.apply(start + i);
        return rows;
    }

    @Override
    public String toString() {
        return "StepPlan{epoch=" + epoch + ", offsets=" + Arrays.toString(offsets) + ", counts="
                + Arrays.toString(counts) + "}";
    }
}
