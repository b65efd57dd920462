package dev.steepest.spark.data;

import dev.steepest.core.data.Block;
import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-partition facts collected once after building the block: rows, cached bytes, the label range (a constant
 * label is an input error) and the records skipped per reason.
 */
public final class BlockSummary implements Serializable {
    private static final long serialVersionUID = 2L;
    final long rows;
    final long bytes;
    final double minLabel;
    final double maxLabel;
    final TreeMap<String, Long> skipped;

    BlockSummary(Block b, Map<String, Long> skipped) {
        this.rows = b.numRows();
        this.bytes = b.sizeInBytes();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double l : b.labels()) {
            lo = Math.min(lo, l);
            hi = Math.max(hi, l);
        }
        this.minLabel = lo;
        this.maxLabel = hi;
        this.skipped = new TreeMap<>(skipped);
    }

    @Override
    public String toString() {
        return "BlockSummary{rows=" + rows + ", bytes=" + bytes + ", labels=[" + minLabel + ", " + maxLabel
                + "], skipped=" + skipped + "}";
    }
}
