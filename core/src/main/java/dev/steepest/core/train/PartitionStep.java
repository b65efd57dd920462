package dev.steepest.core.train;

import dev.steepest.core.data.Block;
import dev.steepest.core.model.Accumulator;
import dev.steepest.core.model.Model;

/** What one partition does in one step, and how partial sums are combined: shared by every gradient source. */
public final class PartitionStep {
    private PartitionStep() {
    }

    /** The partial sums of partition {@code partition} (its rows in {@code block}) for {@code plan}. */
    public static Accumulator run(Model model, Block block, int partition, StepPlan plan, double[] params) {
        Accumulator acc = new Accumulator(model.numParameters());
        int count = plan.count(partition);
        if (count > 0) {
            model.accumulate(block, plan.rowsFor(partition, block.numRows()), count, params, acc);
        }
        return acc;
    }

    /** The partial sums of every row of {@code block}, in storage order. */
    public static Accumulator runAll(Model model, Block block, double[] params) {
        Accumulator acc = new Accumulator(model.numParameters());
        model.accumulate(block, null, block.numRows(), params, acc);
        return acc;
    }

    /**
     * Merges partial sums in partition order into a fresh accumulator. A fixed order makes the floating-point
     * sum, and so the whole training run, bit-reproducible whatever order tasks finish in.
     */
    public static Accumulator mergeInOrder(Accumulator[] parts, int numParameters) {
        Accumulator total = new Accumulator(numParameters);
        for (Accumulator a : parts) total.merge(a);
        return total;
    }
}
