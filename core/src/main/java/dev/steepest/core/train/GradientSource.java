package dev.steepest.core.train;

import dev.steepest.core.model.Accumulator;

/**
 * Where the training loop gets its loss and gradient sums: the rows are split in partitions, and a source sums
 * the model's kernel over the rows a {@link StepPlan} selects. {@link LocalGradientSource} does it in one thread
 * (the ground truth); the Spark job does it with one task per partition. Both merge the partitions' partial sums
 * in partition order, so both give the same bits.
 */
public interface GradientSource {
    /** Rows per partition, counted once. */
    long[] partitionSizes();

    /** Sums over the rows {@code plan} selects, at {@code params}. */
    Accumulator compute(double[] params, StepPlan plan);

    /** Sums over every row, at {@code params}. */
    Accumulator computeAll(double[] params);
}
