package dev.steepest.spark.data;

import dev.steepest.core.data.Block;
import java.io.Serializable;
import java.util.Arrays;
import java.util.TreeSet;

/**
 * Per-partition facts collected once after caching: rows, cached bytes and the distinct labels (at most one more
 * than the classes a classifier may have, enough to tell "too many").
 */
public final class BlockSummary implements Serializable {
    private static final long serialVersionUID = 1L;
    final long rows;
    final long bytes;
    final double[] labels;

    BlockSummary(long rows, long bytes, double[] labels) {
        this.rows = rows;
        this.bytes = bytes;
        this.labels = labels;
    }

    static BlockSummary of(Block b, int maxClasses) {
        TreeSet<Double> seen = new TreeSet<>();
        double[] l = b.labels();
        for (int i = 0; i < l.length && seen.size() <= maxClasses; i++) seen.add(l[i]);
        return new BlockSummary(b.numRows(), b.sizeInBytes(), seen.stream().mapToDouble(Double::doubleValue).toArray());
    }

    @Override
    public String toString() {
        return "BlockSummary{rows=" + rows + ", bytes=" + bytes + ", labels=" + Arrays.toString(labels) + "}";
    }
}
