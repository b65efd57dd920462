package dev.steepest.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The apportionment of each step's batch over partitions: exact totals, each row once per epoch, ceil(n/B)
 * steps, counts near the proportional share, deterministic.
 */
class BatchPlannerTest {

    /** Partition layouts: single, equal, with empty partitions, very unequal, tiny. */
    private static final long[][] LAYOUTS = {
        {100},
        {10, 20, 30, 40},
        {7, 7, 7},
        {0, 50, 0, 13, 0},
        {1, 1000, 3, 0, 250},
        {997, 1, 1, 1},
        {3, 0},
        {0, 0, 1},
        {1, 1},
        {5, 500, 50, 5000},
        {54, 1, 14, 206, 0, 168, 197, 0, 163, 97},
    };

    private static long sum(long[] v) {
        long s = 0;
        for (long x : v) s += x;
        return s;
    }

    /** Batch sizes 1, 7, n and n - 1 (those that are valid for n), plus a few others. */
    private static long[] batchSizes(long n) {
        return Arrays.stream(new long[] {1, 7, n, n - 1, 2, 64, n / 2, n / 3 + 1})
                .filter(b -> b >= 1 && b <= n).distinct().toArray();
    }

    /** One epoch's plans, checking the step-local invariants as they come. */
    private static List<StepPlan> epoch(long[] sizes, long batch, long seed, long epochIndex) {
        BatchPlanner planner = new BatchPlanner(sizes, batch, seed);
        BatchPlanner.Epoch epoch = planner.epoch(epochIndex);
        List<StepPlan> plans = new ArrayList<>();
        while (epoch.hasNext()) {
            assertEquals(plans.size(), epoch.stepInEpoch());
            plans.add(epoch.next());
        }
        assertFalse(epoch.hasNext());
        assertThrows(IllegalStateException.class, epoch::next);
        return plans;
    }

    @Test
    void everyStepHasMinOfBatchAndRemainingRowsAndEachRowIsUsedOncePerEpoch() {
        for (long[] sizes : LAYOUTS) {
            long n = sum(sizes);
            for (long batch : batchSizes(n)) {
                String what = Arrays.toString(sizes) + " B=" + batch;
                List<StepPlan> plans = epoch(sizes, batch, 11, 0);
                assertEquals((n + batch - 1) / batch, plans.size(), what + ": steps = ceil(n/B)");
                assertEquals(plans.size(), new BatchPlanner(sizes, batch, 11).stepsPerEpoch(), what);

                long[] used = new long[sizes.length];
                long remaining = n;
                for (int k = 0; k < plans.size(); k++) {
                    StepPlan s = plans.get(k);
                    String at = what + " step " + k;
                    assertEquals(sizes.length, s.numPartitions(), at);
                    assertEquals(Math.min(batch, remaining), s.totalRows(), at + ": total rows");
                    long total = 0;
                    for (int p = 0; p < sizes.length; p++) {
                        assertEquals(used[p], s.offset(p), at + ": offset of partition " + p + " is cumulative");
                        assertTrue(s.count(p) >= 0, at + ": negative count");
                        assertTrue(s.count(p) <= sizes[p] - used[p],
                                at + ": partition " + p + " count " + s.count(p) + " exceeds its remaining rows "
                                        + (sizes[p] - used[p]));
                        used[p] += s.count(p);
                        total += s.count(p);
                    }
                    assertEquals(s.totalRows(), total, at);
                    remaining -= total;
                }
                assertEquals(0, remaining, what);
                assertArrayEquals(sizes, used, what + ": each partition's counts sum to its size");
            }
        }
    }

    @Test
    void fullBatchIsOneStepThatTakesEveryPartitionWhole() {
        for (long[] sizes : LAYOUTS) {
            long n = sum(sizes);
            List<StepPlan> plans = epoch(sizes, n, 5, 3);
            assertEquals(1, plans.size());
            StepPlan s = plans.get(0);
            for (int p = 0; p < sizes.length; p++) {
                assertEquals(0, s.offset(p));
                assertEquals(sizes[p], s.count(p));
                // the whole partition: storage order
                assertEquals(null, s.rowsFor(p, (int) sizes[p]));
            }
        }
    }

    /**
     * The class javadoc's rule, re-implemented naively: after step k partition p should have used
     * {@code T_p = n_p C(k) / n}; each partition behind its target first gets {@code floor(T_p) - c_p}, then the
     * remaining seats go one at a time to the partition furthest behind (lowest index on ties) that still has rows.
     * When those floors alone exceed the step's seats (the javadoc does not cover this; it happens when other
     * partitions are ahead of their targets), every seat is handed out one at a time. Returns the counts per step
     * and, per step, whether the floors fitted.
     */
    private static long[][] reference(long[] sizes, long batch, List<Boolean> floorsFit) {
        long n = sum(sizes);
        int parts = sizes.length;
        long steps = (n + batch - 1) / batch;
        long[][] out = new long[(int) steps][];
        long[] used = new long[parts];
        for (int k = 0; k < steps; k++) {
            long before = Math.min(n, k * batch);
            long after = Math.min(n, (k + 1) * batch);
            long seats = after - before;
            long[] add = new long[parts];
            long[] deficit = new long[parts]; // n * (T_p - c_p), exact
            long bulk = 0;
            for (int p = 0; p < parts; p++) {
                deficit[p] = sizes[p] * after - used[p] * n;
                if (deficit[p] > 0) {
                    add[p] = deficit[p] / n;
                    bulk += add[p];
                }
            }
            floorsFit.add(bulk <= seats);
            if (bulk > seats) {
                Arrays.fill(add, 0);
                bulk = 0;
            }
            for (long s = bulk; s < seats; s++) {
                int best = -1;
                for (int p = 0; p < parts; p++) {
                    if (used[p] + add[p] >= sizes[p]) continue;
                    if (best < 0 || deficit[p] - add[p] * n > deficit[best] - add[best] * n) best = p;
                }
                add[best]++;
            }
            for (int p = 0; p < parts; p++) used[p] += add[p];
            out[k] = add;
        }
        return out;
    }

    @Test
    void countsFollowTheDocumentedApportionmentRule() {
        SplittableRandom rng = new SplittableRandom(99);
        List<long[]> layouts = new ArrayList<>(Arrays.asList(LAYOUTS));
        for (int trial = 0; trial < 200; trial++) {
            long[] sizes = new long[1 + rng.nextInt(12)];
            for (int p = 0; p < sizes.length; p++) {
                sizes[p] = rng.nextInt(4) == 0 ? 0 : rng.nextInt(1 + (rng.nextBoolean() ? 5 : 300));
            }
            if (sum(sizes) > 0) layouts.add(sizes);
        }
        for (long[] sizes : layouts) {
            long n = sum(sizes);
            for (long batch : batchSizes(n)) {
                long[][] expected = reference(sizes, batch, new ArrayList<>());
                List<StepPlan> plans = epoch(sizes, batch, 1, 0);
                assertEquals(expected.length, plans.size());
                for (int k = 0; k < plans.size(); k++) {
                    for (int p = 0; p < sizes.length; p++) {
                        assertEquals(expected[k][p], plans.get(k).count(p), Arrays.toString(sizes) + " B=" + batch
                                + " step " + k + " partition " + p);
                    }
                }
            }
        }
    }

    /**
     * Proportionality. Cumulatively: whenever the floors fit (see {@link #reference}), every partition ends the
     * step strictly within one row of its target {@code n_p C(k) / n}. Per non-final step: each count is within
     * 2 of its share {@code B n_p / n} (the difference of two cumulative errors); empty partitions never get rows.
     *
     * <p>Note: the tighter per-step bound {@code |count_p - B n_p / n| <= 1} does NOT hold, e.g. sizes
     * [1, 1000, 3, 0, 250], B = 64, step 17: partition 1 gets 50 rows for a share of 51.04; and sizes
     * [54, 1, 14, 206, 0, 168, 197, 0, 163, 97], B = 7, step 71 gives a partition 3 rows for a share of 1.60.
     * Exact cumulative targets (each row once per epoch) make per-step counts differ from the share by up to
     * the sum of two rounding errors.
     */
    @Test
    void countsStayNearTheProportionalShare() {
        for (long[] sizes : LAYOUTS) {
            long n = sum(sizes);
            for (long batch : batchSizes(n)) {
                List<Boolean> floorsFit = new ArrayList<>();
                reference(sizes, batch, floorsFit);
                List<StepPlan> plans = epoch(sizes, batch, 1, 0);
                long[] used = new long[sizes.length];
                for (int k = 0; k < plans.size(); k++) {
                    long after = Math.min(n, (k + 1) * batch);
                    for (int p = 0; p < sizes.length; p++) {
                        String at = Arrays.toString(sizes) + " B=" + batch + " step " + k + " partition " + p;
                        int c = plans.get(k).count(p);
                        used[p] += c;
                        if (sizes[p] == 0) assertEquals(0, c, at);
                        if (floorsFit.get(k)) {
                            double target = (double) sizes[p] * after / n;
                            assertTrue(Math.abs(used[p] - target) < 1.0, at + ": used " + used[p] + " vs target "
                                    + target);
                        }
                        if (k < plans.size() - 1) {
                            double share = (double) batch * sizes[p] / n;
                            assertTrue(Math.abs(c - share) < 2.0, at + ": count " + c + " vs share " + share);
                        }
                    }
                }
            }
        }
    }

    @Test
    void resultsAreDeterministic() {
        for (long[] sizes : LAYOUTS) {
            long n = sum(sizes);
            for (long batch : batchSizes(n)) {
                List<StepPlan> a = epoch(sizes, batch, 42, 0);
                List<StepPlan> b = epoch(sizes, batch, 42, 0);
                // the counts depend only on the sizes and B: another epoch and seed give the same split
                List<StepPlan> c = epoch(sizes, batch, 7, 5);
                assertEquals(a.size(), b.size());
                assertEquals(a.size(), c.size());
                for (int k = 0; k < a.size(); k++) {
                    for (int p = 0; p < sizes.length; p++) {
                        assertEquals(a.get(k).count(p), b.get(k).count(p));
                        assertEquals(a.get(k).offset(p), b.get(k).offset(p));
                        assertEquals(a.get(k).count(p), c.get(k).count(p));
                        assertEquals(a.get(k).offset(p), c.get(k).offset(p));
                    }
                    assertEquals(42, a.get(k).seed());
                    assertEquals(0, a.get(k).epoch());
                    assertEquals(7, c.get(k).seed());
                    assertEquals(5, c.get(k).epoch());
                }
            }
        }
        // the same planner gives the same epoch twice
        BatchPlanner planner = new BatchPlanner(new long[] {13, 0, 29}, 5, 3);
        BatchPlanner.Epoch e1 = planner.epoch(2);
        BatchPlanner.Epoch e2 = planner.epoch(2);
        while (e1.hasNext()) assertEquals(e1.next().toString(), e2.next().toString());
        assertFalse(e2.hasNext());
    }

    @Test
    void randomLayoutsKeepTheExactInvariants() {
        SplittableRandom rng = new SplittableRandom(2024);
        for (int trial = 0; trial < 300; trial++) {
            int parts = 1 + rng.nextInt(12);
            long[] sizes = new long[parts];
            for (int p = 0; p < parts; p++) {
                sizes[p] = rng.nextInt(4) == 0 ? 0 : rng.nextInt(1 + (rng.nextBoolean() ? 5 : 300));
            }
            long n = sum(sizes);
            if (n == 0) continue;
            long batch = 1 + rng.nextInt((int) n);
            List<StepPlan> plans = epoch(sizes, batch, trial, 0);
            assertEquals((n + batch - 1) / batch, plans.size());
            long[] used = new long[parts];
            long remaining = n;
            for (StepPlan s : plans) {
                assertEquals(Math.min(batch, remaining), s.totalRows());
                for (int p = 0; p < parts; p++) {
                    assertEquals(used[p], s.offset(p));
                    assertTrue(s.count(p) >= 0 && s.count(p) <= sizes[p] - used[p]);
                    used[p] += s.count(p);
                }
                remaining -= s.totalRows();
            }
            assertArrayEquals(sizes, used, Arrays.toString(sizes) + " B=" + batch);
        }
    }

    @Test
    void rejectsInvalidInput() {
        assertThrows(IllegalArgumentException.class, () -> new BatchPlanner(new long[] {0, 0}, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new BatchPlanner(new long[] {}, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new BatchPlanner(new long[] {5, 5}, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new BatchPlanner(new long[] {5, 5}, 11, 0));
        assertThrows(IllegalArgumentException.class, () -> new BatchPlanner(new long[] {5, -1}, 1, 0));
    }
}
