package dev.steepest.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-partition epoch permutation and the rows a {@link StepPlan} selects with it. */
class RowPermutationTest {
    private static final int[] SIZES = {1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 100, 1000, 1023, 1024, 1025, 65537};

    private static int[] all(RowPermutation perm) {
        int[] out = new int[perm.size()];
        for (int i = 0; i < out.length; i++) out[i] = perm.apply(i);
        return out;
    }

    private static void assertBijection(int[] image, int n, String what) {
        assertEquals(n, image.length, what);
        boolean[] seen = new boolean[n];
        for (int i = 0; i < n; i++) {
            int r = image[i];
            assertTrue(r >= 0 && r < n, what + ": apply(" + i + ") = " + r + " not in [0, " + n + ")");
            assertFalse(seen[r], what + ": " + r + " hit twice");
            seen[r] = true;
        }
    }

    @Test
    void applyIsABijectionOnZeroToN() {
        long[] seeds = {0, 1, -7, 123456789L, Long.MIN_VALUE};
        for (int n : SIZES) {
            for (long seed : seeds) {
                for (int epoch = 0; epoch < 3; epoch++) {
                    for (int partition : new int[] {0, 5}) {
                        RowPermutation perm = new RowPermutation(seed, epoch, partition, n);
                        assertEquals(n, perm.size());
                        assertBijection(all(perm), n, "n=" + n + " seed=" + seed + " epoch=" + epoch + " p="
                                + partition);
                    }
                }
            }
        }
    }

    @Test
    void rejectsOutOfRangeInput() {
        assertThrows(IllegalArgumentException.class, () -> new RowPermutation(1, 0, 0, 0));
        RowPermutation perm = new RowPermutation(1, 0, 0, 10);
        assertThrows(IndexOutOfBoundsException.class, () -> perm.apply(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> perm.apply(10));
    }

    @Test
    void deterministicForTheSameKey() {
        for (int n : SIZES) {
            int[] a = all(new RowPermutation(42, 3, 2, n));
            int[] b = all(new RowPermutation(42, 3, 2, n));
            assertArrayEquals(a, b, "n=" + n);
        }
        // no hidden state: a fresh instance queried in another order gives the same values
        int[] first = all(new RowPermutation(42, 3, 2, 10));
        int[] again = new int[10];
        RowPermutation perm = new RowPermutation(42L, 3L, 2, 10);
        for (int i = 9; i >= 0; i--) again[i] = perm.apply(i);
        assertArrayEquals(first, again);
    }

    @Test
    void differsForDifferentEpochSeedOrPartition() {
        for (int n : new int[] {100, 1000, 65537}) {
            int[] base = all(new RowPermutation(42, 3, 2, n));
            int[][] others = {
                all(new RowPermutation(42, 4, 2, n)),
                all(new RowPermutation(43, 3, 2, n)),
                all(new RowPermutation(42, 3, 1, n)),
                all(new RowPermutation(-42, 0, 0, n)),
            };
            for (int[] other : others) {
                assertFalse(Arrays.equals(base, other), "n=" + n);
                // not just different, but substantially so: few fixed agreements
                int same = 0;
                for (int i = 0; i < n; i++) if (base[i] == other[i]) same++;
                assertTrue(same < n / 10 + 5, "n=" + n + ": " + same + " positions agree");
            }
        }
        // over many epochs at n = 5, several distinct permutations appear (it is not stuck on one)
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int epoch = 0; epoch < 50; epoch++) seen.add(Arrays.toString(all(new RowPermutation(9, epoch, 0, 5))));
        assertTrue(seen.size() > 10, "only " + seen.size() + " distinct permutations of 5 in 50 epochs");
    }

    @Test
    void stepPlansCoverEveryRowExactlyOncePerEpoch() {
        long[][] layouts = {{100}, {0, 50, 0, 13, 0}, {1, 1000, 3, 0, 250}, {7, 7, 7}, {997, 1, 1, 1}, {65537, 3}};
        for (long[] sizes : layouts) {
            long n = Arrays.stream(sizes).sum();
            for (long batch : new long[] {1, 7, 64, n - 1, n}) {
                if (batch < 1 || batch > n) continue;
                if (batch < 7 && n > 5000) continue; // keeps the run short; B=7 covers small batches
                BatchPlanner planner = new BatchPlanner(sizes, batch, 17);
                for (long epoch = 0; epoch < 2; epoch++) {
                    List<boolean[]> seen = new ArrayList<>();
                    for (long s : sizes) seen.add(new boolean[(int) s]);
                    BatchPlanner.Epoch steps = planner.epoch(epoch);
                    while (steps.hasNext()) {
                        StepPlan plan = steps.next();
                        for (int p = 0; p < sizes.length; p++) {
                            int size = (int) sizes[p];
                            int[] rows = plan.rowsFor(p, size);
                            int count = plan.count(p);
                            if (rows == null) {
                                // the whole partition in one step, storage order
                                assertEquals(size, count);
                                assertEquals(0, plan.offset(p));
                                rows = new int[size];
                                for (int i = 0; i < size; i++) rows[i] = i;
                            } else {
                                assertEquals(count, rows.length);
                                RowPermutation perm = new RowPermutation(17, epoch, p, size);
                                for (int i = 0; i < count; i++) {
                                    assertEquals(perm.apply(plan.offset(p) + i), rows[i]);
                                }
                            }
                            boolean[] hit = seen.get(p);
                            for (int r : rows) {
                                String at = Arrays.toString(sizes) + " B=" + batch + " epoch " + epoch
                                        + " partition " + p + " row " + r;
                                assertTrue(r >= 0 && r < size, at);
                                assertFalse(hit[r], at + " used twice");
                                hit[r] = true;
                            }
                        }
                    }
                    for (int p = 0; p < sizes.length; p++) {
                        for (int r = 0; r < sizes[p]; r++) {
                            assertTrue(seen.get(p)[r], Arrays.toString(sizes) + " B=" + batch + ": row " + r
                                    + " of partition " + p + " never used in epoch " + epoch);
                        }
                    }
                }
            }
        }
    }

    @Test
    void miniBatchesAreShuffledAndTheOrderChangesBetweenEpochs() {
        long[] sizes = {1000};
        BatchPlanner planner = new BatchPlanner(sizes, 100, 5);
        int[] first0 = planner.epoch(0).next().rowsFor(0, 1000);
        int[] first1 = planner.epoch(1).next().rowsFor(0, 1000);
        assertEquals(100, first0.length);
        assertFalse(Arrays.equals(first0, first1));
        // not the storage order 0..99
        int inPrefix = 0;
        for (int r : first0) if (r < 100) inPrefix++;
        assertTrue(inPrefix < 40, inPrefix + " of the first batch's rows come from the first 100 rows");
        // a partition that gives all its rows at once reads them in storage order
        StepPlan whole = new StepPlan(5, 0, new int[] {0}, new int[] {1000});
        assertNull(whole.rowsFor(0, 1000));
    }
}
