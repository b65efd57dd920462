package dev.steepest.spark.exec;

import dev.steepest.core.model.Accumulator;
import java.io.Serializable;

/** A partition's partial sums tagged with the partition index, so merges can follow partition order. */
public final class IndexedPartial implements Serializable {
    private static final long serialVersionUID = 1L;

    final int partition;
    final Accumulator sums;

    IndexedPartial(int partition, Accumulator sums) {
        this.partition = partition;
        this.sums = sums;
    }
}
