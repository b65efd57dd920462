package dev.steepest.spark.exec;

import dev.steepest.core.model.Accumulator;
import dev.steepest.core.train.PartitionStep;
import java.io.Serializable;

/**
 * The merge tree of a step's partials, the one shape both step paths draw ({@link SparkGradientSource}'s job per
 * step and the resident tasks), so both give the same bits for the same partition count. Up to
 * {@code train.tree-aggregate-threshold} partitions it is flat (the driver merges the P partials in partition
 * order); above it, groups of {@code ceil(sqrt(P))} consecutive partitions are
 * each merged in partition order, then the group sums in group order.
 *
 * <p>Above the threshold a resident task merges on the executor what it can without changing a bit: a merge in
 * order is a left fold from zero, and {@code 0.0 + x == x} for every double, so the fold of a group's first k
 * partitions, continued by the driver with the group's other partials, is the group's sum. A task therefore
 * sends one <em>piece</em> per run of consecutive partitions it holds that starts at a group's first partition
 * (that run folded), and every other partition's partial alone. When the layout gives groups whole to tasks
 * ({@link ResidentLayout#grouped}) the driver receives one partial per group: about sqrt(P) instead of P.
 */
final class ResidentTree implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int partitions;
    private final int fanIn;
    private final boolean twoLevel;

    private ResidentTree(int partitions, int fanIn, boolean twoLevel) {
        this.partitions = partitions;
        this.fanIn = fanIn;
        this.twoLevel = twoLevel;
    }

    /** The tree of {@code partitions} partitions under {@code treeThreshold} (as the job path draws it). */
    static ResidentTree of(int partitions, int treeThreshold) {
        if (partitions <= treeThreshold) return new ResidentTree(partitions, Math.max(1, partitions), false);
        return new ResidentTree(partitions, (int) Math.ceil(Math.sqrt(partitions)), true);
    }

    /** Whether partials are merged in groups (on the tasks) before the driver merges them. */
    boolean twoLevel() {
        return twoLevel;
    }

    /** Consecutive partitions per group (all of them when flat). */
    int fanIn() {
        return fanIn;
    }

    int numGroups() {
        return (partitions + fanIn - 1) / fanIn;
    }

    /**
     * The pieces a task serving {@code parts} (ascending) sends a step: per piece the number of consecutive
     * entries of {@code parts} it covers. Flat: one piece per partition (nothing merged on the task).
     */
    int[] pieces(int[] parts) {
        int[] runs = new int[parts.length];
        int n = 0;
        for (int i = 0; i < parts.length; ) {
            int j = i + 1;
            if (twoLevel && parts[i] % fanIn == 0) {
                while (j < parts.length && parts[j] == parts[j - 1] + 1 && parts[j] / fanIn == parts[i] / fanIn) j++;
            }
            runs[n++] = j - i;
            i = j;
        }
        return java.util.Arrays.copyOf(runs, n);
    }

    /** How many partials the driver receives a step from the tasks of {@code layout}. */
    int receipts(int[][] layout) {
        int n = 0;
        for (int[] t : layout) n += pieces(t).length;
        return n;
    }

    /** A task's side: its partials (one per entry of its partitions), as the pieces {@code runs} ({@link #pieces}). */
    static Accumulator[] fold(int[] runs, Accumulator[] partials, int numParameters) {
        Accumulator[] out = new Accumulator[runs.length];
        int i = 0;
        for (int r = 0; r < runs.length; r++) {
            out[r] = runs[r] == 1 ? partials[i]
                    : PartitionStep.mergeInOrder(java.util.Arrays.copyOfRange(partials, i, i + runs[r]), numParameters);
            i += runs[r];
        }
        return out;
    }

    /**
     * The driver's side: the step's sum from {@code byFirst[p]}, the piece that starts at partition {@code p} (null
     * where a piece covers {@code p} without starting there), merged as the job path merges.
     */
    Accumulator merge(Accumulator[] byFirst, int numParameters) {
        if (!twoLevel) return PartitionStep.mergeInOrder(byFirst, numParameters);
        Accumulator[] groups = new Accumulator[numGroups()];
        for (int g = 0; g < groups.length; g++) {
            int from = g * fanIn;
            int to = Math.min(partitions, from + fanIn);
            int n = 0;
            for (int p = from; p < to; p++) if (byFirst[p] != null) n++;
            Accumulator[] members = new Accumulator[n];
            n = 0;
            for (int p = from; p < to; p++) if (byFirst[p] != null) members[n++] = byFirst[p];
            groups[g] = PartitionStep.mergeInOrder(members, numParameters);
        }
        return PartitionStep.mergeInOrder(groups, numParameters);
    }

    /** For the layout's words: {@code merged on the tasks in 8 groups of 8 partitions, 8 partials a step}. */
    String describe(int[][] layout) {
        if (!twoLevel) return null;
        int groups = numGroups();
        return "merged on the tasks in " + groups + (groups == 1 ? " group" : " groups") + " of " + fanIn
                + " partitions, " + receipts(layout) + " partials a step to the driver";
    }
}
