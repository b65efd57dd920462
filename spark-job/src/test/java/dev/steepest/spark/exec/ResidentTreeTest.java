package dev.steepest.spark.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.model.Accumulator;
import dev.steepest.core.train.PartitionStep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The resident merge tree without Spark: what a task merges on its executor and what the driver merges after,
 * against the job path's two-level tree ({@code SparkGradientSource}: groups of ceil(sqrt(P)) consecutive
 * partitions merged in order, then the group sums in order), bit for bit, for layouts whose tasks hold whole
 * groups, parts of groups, and interleaved partitions.
 */
class ResidentTreeTest {
    private static final int D = 257;

    /** Partials whose sums depend on the order of addition (magnitudes from 1e-8 to 1e8, both signs). */
    private static Accumulator[] partials(int parts, long seed) {
        Random r = new Random(seed);
        Accumulator[] a = new Accumulator[parts];
        for (int p = 0; p < parts; p++) {
            double[] g = new double[D];
            for (int i = 0; i < D; i++) g[i] = (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(17) - 8);
            a[p] = Accumulator.restore(r.nextDouble() * Math.pow(10, r.nextInt(9)), 1 + r.nextInt(64), 1 + r.nextInt(64), g);
        }
        return a;
    }

    /** The job path's tree, as SparkGradientSource draws it above the threshold. */
    private static Accumulator jobPathTree(Accumulator[] parts) {
        int fanIn = (int) Math.ceil(Math.sqrt(parts.length));
        int groups = (parts.length + fanIn - 1) / fanIn;
        Accumulator[] sums = new Accumulator[groups];
        for (int g = 0; g < groups; g++) {
            sums[g] = PartitionStep.mergeInOrder(java.util.Arrays.copyOfRange(parts, g * fanIn,
                    Math.min(parts.length, (g + 1) * fanIn)), D);
        }
        return PartitionStep.mergeInOrder(sums, D);
    }

    /** What the tasks send and the driver merges, as ResidentTask and ResidentSession do it. */
    private static Accumulator resident(ResidentTree tree, int[][] layout, Accumulator[] parts) {
        Accumulator[] byFirst = new Accumulator[parts.length];
        for (int[] task : layout) {
            Accumulator[] mine = new Accumulator[task.length];
            for (int i = 0; i < task.length; i++) mine[i] = parts[task[i]];
            Accumulator[] sent = ResidentTree.fold(tree.pieces(task), mine, D);
            int[] runs = tree.pieces(task);
            assertEquals(runs.length, sent.length);
            int i = 0;
            for (int r = 0; r < runs.length; r++) {
                byFirst[task[i]] = sent[r];
                i += runs[r];
            }
        }
        return tree.merge(byFirst, D);
    }

    private static void assertSameBits(Accumulator expected, Accumulator actual) {
        assertEquals(Double.doubleToRawLongBits(expected.lossSum()), Double.doubleToRawLongBits(actual.lossSum()));
        assertEquals(Double.doubleToRawLongBits(expected.weightSum()), Double.doubleToRawLongBits(actual.weightSum()));
        assertEquals(expected.count(), actual.count());
        for (int i = 0; i < D; i++) {
            assertEquals(Double.doubleToRawLongBits(expected.gradientSum()[i]),
                    Double.doubleToRawLongBits(actual.gradientSum()[i]), "gradient " + i);
        }
    }

    private static int[] range(int from, int to) {
        return java.util.stream.IntStream.range(from, to).toArray();
    }

    @Test
    void tasksHoldingWholeGroupsSendOnePartialPerGroupAndGiveTheJobPathsTreeBitForBit() {
        Accumulator[] parts = partials(64, 1);
        ResidentTree tree = ResidentTree.of(64, 32);
        assertTrue(tree.twoLevel());
        assertEquals(8, tree.fanIn());
        int[][] layout = {range(0, 32), range(32, 64)};
        assertArrayEquals(new int[] {8, 8, 8, 8}, tree.pieces(layout[0]));
        assertEquals(8, tree.receipts(layout));
        assertSameBits(jobPathTree(parts), resident(tree, layout, parts));
        // the test can tell trees apart: the flat merge of these partials has other bits
        assertFalse(java.util.Arrays.equals(PartitionStep.mergeInOrder(parts, D).gradientSum(),
                jobPathTree(parts).gradientSum()));
        assertEquals("merged on the tasks in 8 groups of 8 partitions, 8 partials a step to the driver",
                tree.describe(layout));
    }

    @Test
    void groupsSplitAcrossTasksFoldOnlyTheirFirstRunAndStillGiveTheJobPathsTree() {
        Accumulator[] parts = partials(40, 2); // fanIn 7: groups 0-6, 7-13, 14-20, 21-27, 28-34, 35-39
        ResidentTree tree = ResidentTree.of(40, 32);
        int[][] layout = {range(0, 20), range(20, 40)};
        assertArrayEquals(new int[] {7, 7, 6}, tree.pieces(layout[0]));
        assertArrayEquals(new int[] {1, 7, 7, 5}, tree.pieces(layout[1])); // 20 alone: group 14-20 began on task 0
        assertSameBits(jobPathTree(parts), resident(tree, layout, parts));
    }

    @Test
    void interleavedPartitionsAreSentOneByOneWithTheSameBits() {
        Accumulator[] parts = partials(36, 3);
        ResidentTree tree = ResidentTree.of(36, 32);
        List<Integer> even = new ArrayList<>();
        List<Integer> odd = new ArrayList<>();
        for (int p = 0; p < 36; p++) (p % 2 == 0 ? even : odd).add(p);
        int[][] layout = {even.stream().mapToInt(i -> i).toArray(), odd.stream().mapToInt(i -> i).toArray()};
        assertEquals(36, tree.receipts(layout));
        assertSameBits(jobPathTree(parts), resident(tree, layout, parts));
        // and every other layout over the same partitions: consecutive runs of random lengths
        Random r = new Random(4);
        for (int trial = 0; trial < 50; trial++) {
            List<int[]> tasks = new ArrayList<>();
            for (int p = 0; p < 36; ) {
                int n = 1 + r.nextInt(12);
                tasks.add(range(p, Math.min(36, p + n)));
                p += n;
            }
            assertSameBits(jobPathTree(parts), resident(tree, tasks.toArray(new int[0][]), parts));
        }
    }

    @Test
    void atOrBelowTheThresholdNothingIsMergedOnTheTasks() {
        Accumulator[] parts = partials(8, 5);
        ResidentTree tree = ResidentTree.of(8, 32);
        assertFalse(tree.twoLevel());
        int[][] layout = {range(0, 4), range(4, 8)};
        assertArrayEquals(new int[] {1, 1, 1, 1}, tree.pieces(layout[0]));
        assertEquals(8, tree.receipts(layout));
        assertNull(tree.describe(layout));
        assertSameBits(PartitionStep.mergeInOrder(parts, D), resident(tree, layout, parts));
    }

    @Test
    void aGroupedLayoutKeepsEveryGroupInOneTaskUnlessThatWouldLeaveSlotsIdle() {
        String a = "executor_127.0.0.1_0";
        String b = "executor_127.0.0.1_1";
        List<List<String>> holders = new ArrayList<>();
        for (int p = 0; p < 36; p++) holders.add(List.of(p % 2 == 0 ? a : b)); // blocks interleaved
        Map<String, Integer> slots = new LinkedHashMap<>();
        slots.put(a, 1);
        slots.put(b, 1);
        ResidentTree tree = ResidentTree.of(36, 32);
        ResidentLayout l = ResidentLayout.grouped(36, holders, slots, 2, tree.fanIn());
        assertEquals(2, l.numTasks());
        assertEquals(6, tree.receipts(l.tasks), l.describe());
        int total = 0;
        for (int[] t : l.tasks) {
            total += t.length;
            for (int i = 1; i < t.length; i++) assertTrue(t[i] > t[i - 1]);
        }
        assertEquals(36, total);
        // 6 groups but 8 slots: by partition, 8 tasks (some groups split)
        slots.put(a, 4);
        slots.put(b, 4);
        ResidentLayout wide = ResidentLayout.grouped(36, holders, slots, 8, tree.fanIn());
        assertEquals(8, wide.numTasks());
        assertEquals(ResidentLayout.plan(36, holders, slots, 8).describe(), wide.describe());
    }
}
