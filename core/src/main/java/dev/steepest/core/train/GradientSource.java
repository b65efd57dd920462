package dev.steepest.core.train;

import dev.steepest.core.model.Accumulator;

/**
 * Where the training loop gets its loss and gradient sums: the rows are split in partitions, and a source sums
 * the model's kernel over the rows a {@link StepPlan} selects. {@link LocalGradientSource} does it in one thread
 * (the ground truth); the Spark job does it with one task per partition. Both merge the partitions' partial sums
 * in partition order, so both give the same bits.
 */
public interface GradientSource extends AutoCloseable {
    /** Rows per partition, counted once. */
    long[] partitionSizes();

    /** Sums over the rows {@code plan} selects, at {@code params}. */
    Accumulator compute(double[] params, StepPlan plan);

    /** Sums over every row, at {@code params}. */
    Accumulator computeAll(double[] params);

    /**
     * A hint that other work is about to run on the cluster the source computes on (an evaluation between steps):
     * a source that holds resources between steps (long-running tasks holding task slots) releases them, and the
     * next step takes them again. A source that needs the hint to avoid a deadlock must not rely on it being given.
     * Nothing by default.
     */
    default void beforeOtherJobs() {
    }

    /** Releases what the source holds (tasks, connections, listeners); the source computes nothing after. Nothing
     *  by default. */
    @Override
    default void close() {
    }
}
