package dev.steepest.spark.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How partitions are mapped to resident tasks, without Spark: by the executor that caches each block. */
class ResidentLayoutTest {
    private static final String A = "executor_127.0.0.1_0";
    private static final String B = "executor_127.0.0.1_1";

    private static List<List<String>> holders(String... perPartition) {
        List<List<String>> h = new ArrayList<>();
        for (String s : perPartition) h.add(s == null ? List.of() : List.of(s));
        return h;
    }

    private static Map<String, Integer> slots(Object... executorAndSlots) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < executorAndSlots.length; i += 2) m.put((String) executorAndSlots[i], (Integer) executorAndSlots[i + 1]);
        return m;
    }

    @Test
    void oneExecutorWithTwoSlotsSplitsItsPartitionsIntoTwoConsecutiveRuns() {
        String d = "executor_localhost_driver";
        ResidentLayout l = ResidentLayout.plan(8, holders(d, d, d, d, d, d, d, d), slots(d, 2), 2);
        assertEquals(2, l.numTasks());
        assertArrayEquals(new int[] {0, 1, 2, 3}, l.tasks[0]);
        assertArrayEquals(new int[] {4, 5, 6, 7}, l.tasks[1]);
        assertEquals("8 partitions on 2 tasks: 0-3 on executor driver, 4-7 on executor driver", l.describe());
    }

    @Test
    void eachTaskHoldsTheBlocksOfItsExecutor() {
        ResidentLayout l = ResidentLayout.plan(8, holders(A, B, B, A, A, B, A, B), slots(A, 1, B, 1), 2);
        assertArrayEquals(new int[] {0, 3, 4, 6}, l.tasks[0]);
        assertArrayEquals(new int[] {1, 2, 5, 7}, l.tasks[1]);
        assertEquals(A, l.executors[0]);
        assertEquals(B, l.executors[1]);
        assertEquals("8 partitions on 2 tasks: 0,3-4,6 on executor 0, 1-2,5,7 on executor 1", l.describe());
    }

    @Test
    void aTaskAboveItsShareHandsItsLastPartitionsToTheTaskWithTheFewest() {
        // A caches 6 of 8 blocks: no task gets more than ceil(8 / 2) = 4
        ResidentLayout l = ResidentLayout.plan(8, holders(A, A, B, A, A, A, B, A), slots(A, 1, B, 1), 2);
        assertArrayEquals(new int[] {0, 1, 3, 4}, l.tasks[0]);
        assertArrayEquals(new int[] {2, 5, 6, 7}, l.tasks[1]);
        assertEquals(A, l.executors[0]);
        assertEquals(B, l.executors[1]);
    }

    @Test
    void anExecutorGetsNoMoreTasksThanItHasSlotsOrPartitions() {
        // A: 3 slots but 2 blocks -> 2 tasks; B: 1 slot, 4 blocks -> 1 task, above ceil(6 / 3) = 2: hands 2 over
        ResidentLayout l = ResidentLayout.plan(6, holders(A, B, B, A, B, B), slots(A, 3, B, 1), 4);
        assertEquals(3, l.numTasks());
        int total = 0;
        for (int[] t : l.tasks) {
            assertEquals(2, t.length, l.describe());
            total += t.length;
        }
        assertEquals(6, total);
        assertEquals("6 partitions on 3 tasks: 0,4 on executor 0, 1-2 on executor 1, 3,5 on executor 0",
                l.describe());
    }

    @Test
    void partitionsOfUnknownOrGoneExecutorsGoToTheTasksWithTheFewest() {
        String gone = "executor_127.0.0.1_7";
        ResidentLayout l = ResidentLayout.plan(4, holders(A, null, gone, A), slots(A, 2), 2);
        assertEquals("4 partitions on 2 tasks: 0-1 on executor 0, 2-3 on executor 0", l.describe());
    }

    @Test
    void withoutAnyKnownLocationPartitionsRunConsecutivelyOverTheSlots() {
        ResidentLayout l = ResidentLayout.plan(5, holders(null, null, null, null, null), slots(), 2);
        assertEquals("5 partitions on 2 tasks: 0-1, 2-4", l.describe());
        assertEquals("1 partition on 1 task: 0", ResidentLayout.plan(1, List.of(), slots(), 0).describe());
        assertEquals("3 partitions on 3 tasks: 0, 1, 2", ResidentLayout.consecutive(3, 3).describe());
    }
}
