package dev.steepest.spark.data;

import dev.steepest.core.data.Block;
import org.apache.spark.api.java.JavaRDD;

/**
 * A data set cached as one {@link Block} per partition, with its row count per partition (counted once) and the
 * bytes the cache holds.
 */
public record TrainingData(JavaRDD<Block> blocks, long[] partitionSizes, long cachedBytes, DataSpec spec,
                           String path) {
    public long numRows() {
        long n = 0;
        for (long s : partitionSizes) n += s;
        return n;
    }

    public void release() {
        blocks.unpersist(false);
    }
}
