package dev.steepest.spark.exec;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which partitions each resident task serves. A task holds the blocks of one executor: the partitions that
 * executor caches are split, in partition order, into as many tasks as it has task slots (at most one per
 * partition); then, so that no task has more than {@code ceil(P / T)} partitions of the {@code T} tasks, a task
 * above that hands its last partitions to the task with the fewest (which then reads those blocks from their
 * executor once per start of the tasks, as a Spark task scheduled off its block's executor would). Partitions
 * whose block no executor is known to hold go to the tasks with the fewest, too. Without any known block
 * location the partitions are split into consecutive runs over {@code min(P, slots)} tasks with no preference.
 *
 * <p>The layout decides only where the kernels run: every task returns the partial sums of its partitions (above
 * {@code train.tree-aggregate-threshold} some of them merged on the task, {@link ResidentTree}) and the driver
 * merges them as the job path does, so the bits of a step are the same for every layout. Above that threshold
 * the layout is drawn over groups of partitions ({@link #grouped}) so that each group is merged on its task.
 */
final class ResidentLayout implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Per task, its partitions in ascending order. */
    final int[][] tasks;
    /** Per task, the executor it should run on ({@code executor_<host>_<id>}, Spark's cache location), or null. */
    final String[] executors;
    private final int partitions;

    ResidentLayout(int[][] tasks, String[] executors, int partitions) {
        this.tasks = tasks;
        this.executors = executors;
        this.partitions = partitions;
    }

    int numTasks() {
        return tasks.length;
    }

    int numPartitions() {
        return partitions;
    }

    /**
     * The layout of {@code partitions} partitions.
     *
     * @param holders per partition, the executors that cache its block (Spark's location strings; others, such
     *                as plain host names, are ignored)
     * @param slots   the task slots of each live executor, by location string, in a stable order
     * @param totalSlots the application's task slots (for the layout without locations)
     */
    static ResidentLayout plan(int partitions, List<List<String>> holders, Map<String, Integer> slots, int totalSlots) {
        Map<String, List<Integer>> held = new LinkedHashMap<>();
        List<Integer> unplaced = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            String best = null;
            for (String h : p < holders.size() ? holders.get(p) : List.<String>of()) {
                Integer s = slots.get(h);
                if (s == null || s <= 0) continue;
                if (best == null || held.getOrDefault(h, List.of()).size() < held.getOrDefault(best, List.of()).size()) {
                    best = h;
                }
            }
            if (best == null) unplaced.add(p);
            else held.computeIfAbsent(best, k -> new ArrayList<>()).add(p);
        }
        if (held.isEmpty()) return consecutive(partitions, Math.max(1, Math.min(partitions, totalSlots)));

        List<List<Integer>> tasks = new ArrayList<>();
        List<String> where = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> e : held.entrySet()) {
            List<Integer> parts = e.getValue();
            int n = Math.min(slots.get(e.getKey()), parts.size());
            for (int t = 0; t < n; t++) {
                tasks.add(new ArrayList<>(parts.subList(t * parts.size() / n, (t + 1) * parts.size() / n)));
                where.add(e.getKey());
            }
        }
        int quota = (partitions + tasks.size() - 1) / tasks.size();
        List<Integer> moving = new ArrayList<>(unplaced);
        for (List<Integer> t : tasks) {
            while (t.size() > quota) moving.add(t.remove(t.size() - 1));
        }
        moving.sort(null);
        for (int p : moving) {
            List<Integer> least = tasks.get(0);
            for (List<Integer> t : tasks) if (t.size() < least.size()) least = t;
            least.add(p);
        }
        // tasks in the order of their first partition, each task's partitions ascending
        Integer[] order = new Integer[tasks.size()];
        for (int t = 0; t < order.length; t++) {
            tasks.get(t).sort(null);
            order[t] = t;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(tasks.get(a).get(0), tasks.get(b).get(0)));
        int[][] out = new int[order.length][];
        String[] executors = new String[order.length];
        for (int i = 0; i < order.length; i++) {
            out[i] = tasks.get(order[i]).stream().mapToInt(Integer::intValue).toArray();
            executors[i] = where.get(order[i]);
        }
        return new ResidentLayout(out, executors, partitions);
    }

    /**
     * {@link #plan} over groups of {@code fanIn} consecutive partitions instead of partitions (a group's holders are
     * the executors that cache any of its blocks), so that every group lies whole in one task and is merged there
     * ({@link ResidentTree}); or the plan by partition when that has more tasks (grouping must not cost
     * parallelism: with fewer groups than task slots a task per group would leave slots idle).
     */
    static ResidentLayout grouped(int partitions, List<List<String>> holders, Map<String, Integer> slots,
                                  int totalSlots, int fanIn) {
        ResidentLayout byPartition = plan(partitions, holders, slots, totalSlots);
        int groups = (partitions + fanIn - 1) / fanIn;
        List<List<String>> groupHolders = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            List<String> h = new ArrayList<>();
            for (int p = g * fanIn; p < Math.min(partitions, (g + 1) * fanIn); p++) {
                for (String e : p < holders.size() ? holders.get(p) : List.<String>of()) if (!h.contains(e)) h.add(e);
            }
            groupHolders.add(h);
        }
        ResidentLayout byGroup = plan(groups, groupHolders, slots, totalSlots);
        if (byGroup.numTasks() < byPartition.numTasks()) return byPartition;
        int[][] tasks = new int[byGroup.numTasks()][];
        for (int t = 0; t < tasks.length; t++) {
            List<Integer> parts = new ArrayList<>();
            for (int g : byGroup.tasks[t]) {
                for (int p = g * fanIn; p < Math.min(partitions, (g + 1) * fanIn); p++) parts.add(p);
            }
            tasks[t] = parts.stream().mapToInt(Integer::intValue).toArray();
        }
        return new ResidentLayout(tasks, byGroup.executors, partitions);
    }

    /** Consecutive runs of partitions over {@code numTasks} tasks, with no executor preference. */
    static ResidentLayout consecutive(int partitions, int numTasks) {
        int[][] tasks = new int[numTasks][];
        for (int t = 0; t < numTasks; t++) {
            int from = (int) ((long) t * partitions / numTasks);
            int to = (int) ((long) (t + 1) * partitions / numTasks);
            tasks[t] = new int[to - from];
            for (int i = 0; i < tasks[t].length; i++) tasks[t][i] = from + i;
        }
        return new ResidentLayout(tasks, new String[numTasks], partitions);
    }

    /**
     * In words, for the run log and {@code summary.json}: e.g. {@code 8 partitions on 2 tasks: 0-3 on executor
     * driver, 4-7 on executor driver}.
     */
    String describe() {
        StringBuilder b = new StringBuilder();
        b.append(partitions).append(partitions == 1 ? " partition on " : " partitions on ").append(tasks.length)
                .append(tasks.length == 1 ? " task: " : " tasks: ");
        for (int t = 0; t < tasks.length; t++) {
            if (t > 0) b.append(", ");
            b.append(ranges(tasks[t]));
            if (executors[t] != null) b.append(" on executor ").append(executorId(executors[t]));
        }
        return b.toString();
    }

    /** {@code executor_<host>_<id>} -> {@code <id>}. */
    static String executorId(String location) {
        return location.substring(location.lastIndexOf('_') + 1);
    }

    /** Ascending partitions as ranges: {@code 0-3,5,7-8}. */
    static String ranges(int[] parts) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < parts.length; ) {
            int j = i;
            while (j + 1 < parts.length && parts[j + 1] == parts[j] + 1) j++;
            if (b.length() > 0) b.append(',');
            b.append(parts[i]);
            if (j > i) b.append('-').append(parts[j]);
            i = j + 1;
        }
        return b.toString();
    }
}
