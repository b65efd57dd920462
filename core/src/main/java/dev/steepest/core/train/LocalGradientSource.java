package dev.steepest.core.train;

import dev.steepest.core.data.Block;
import dev.steepest.core.model.Accumulator;
import dev.steepest.core.model.Model;
import java.util.List;

/**
 * The single-process reference: the same blocks, the same kernel and the same partition order as the
 * distributed path, in one thread. Tests hold the Spark path to this.
 */
public final class LocalGradientSource implements GradientSource {
    private final List<Block> blocks;
    private final Model model;
    private final long[] sizes;

    public LocalGradientSource(List<Block> blocks, Model model) {
        this.blocks = List.copyOf(blocks);
        this.model = model;
        this.sizes = blocks.stream().mapToLong(Block::numRows).toArray();
    }

    @Override
    public long[] partitionSizes() {
        return sizes.clone();
    }

    @Override
    public Accumulator compute(double[] params, StepPlan plan) {
        Accumulator[] parts = new Accumulator[blocks.size()];
        for (int p = 0; p < parts.length; p++) {
            parts[p] = PartitionStep.run(model, blocks.get(p), p, plan, params);
        }
        return PartitionStep.mergeInOrder(parts, model.numParameters());
    }

    @Override
    public Accumulator computeAll(double[] params) {
        Accumulator[] parts = new Accumulator[blocks.size()];
        for (int p = 0; p < parts.length; p++) {
            parts[p] = PartitionStep.runAll(model, blocks.get(p), params);
        }
        return PartitionStep.mergeInOrder(parts, model.numParameters());
    }
}
