package dev.steepest.spark.data;

import dev.steepest.core.data.Block;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;

/**
 * A data set cached as one {@link Block} per partition, with its row count per partition (counted once), the
 * bytes the cache holds and, with {@code data.on-bad-record = skip}, the records skipped per reason (empty
 * otherwise).
 */
public record TrainingData(JavaRDD<Block> blocks, long[] partitionSizes, long cachedBytes, DataSpec spec,
                           String path, Map<String, Long> skipped) {
    public TrainingData(JavaRDD<Block> blocks, long[] partitionSizes, long cachedBytes, DataSpec spec, String path) {
        this(blocks, partitionSizes, cachedBytes, spec, path, Map.of());
    }

    public long numRows() {
        long n = 0;
        for (long s : partitionSizes) n += s;
        return n;
    }

    public long skippedRows() {
        long n = 0;
        for (long s : skipped.values()) n += s;
        return n;
    }

    public void release() {
        CachedBlocks.release(blocks);
    }
}
