package dev.steepest.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.TestData;
import dev.steepest.core.data.Block;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exact stratified quotas, deterministic seeded choice of rows, and block selection. */
class StratifiedSplitTest {
    @Test
    void apportionIsExactAndProportional() {
        assertArrayEquals(new long[] {3, 3, 4}, StratifiedSplit.apportion(10, new long[] {30, 30, 40}));
        // remainders 0.5, 0.5: the lower index gets the extra row
        assertArrayEquals(new long[] {1, 0}, StratifiedSplit.apportion(1, new long[] {5, 5}));
        assertArrayEquals(new long[] {0, 7, 0}, StratifiedSplit.apportion(7, new long[] {0, 9, 0}));
        long[] sizes = {17, 1, 250, 3, 0, 99};
        for (long total = 0; total <= 370; total++) {
            long[] a = StratifiedSplit.apportion(total, sizes);
            assertEquals(total, Arrays.stream(a).sum());
            for (int i = 0; i < sizes.length; i++) {
                assertTrue(a[i] <= sizes[i]);
                assertTrue(Math.abs(a[i] - (double) total * sizes[i] / 370) < 1.0, "within one row of exact");
            }
        }
    }

    @Test
    void quotasKeepEachClassFractionExactly() {
        // 3 partitions x 3 classes, imbalanced (class 2 is rare)
        long[][] counts = {{400, 90, 10}, {0, 300, 5}, {200, 105, 6}};
        long[][] q = StratifiedSplit.quotas(counts, 0.2);
        long[] perClass = new long[3];
        long total = 0;
        for (int p = 0; p < 3; p++) {
            for (int c = 0; c < 3; c++) {
                assertTrue(q[p][c] <= counts[p][c]);
                perClass[c] += q[p][c];
                total += q[p][c];
            }
        }
        assertEquals(Math.round(0.2 * 1116), total);
        // class sizes 600, 495, 21: 223 validation rows apportioned 119.89 -> 120, 98.91 -> 99, 4.20 -> 4
        assertArrayEquals(new long[] {120, 99, 4}, perClass);
        assertEquals(0, q[1][0], "no rows, no quota");
    }

    @Test
    void validationRowsMeetTheQuotasAndDependOnlyOnSeedAndPartition() {
        int[] strata = new int[500];
        for (int i = 0; i < strata.length; i++) strata[i] = (i * 7919) % 3 == 0 ? 1 : 0;
        long ones = Arrays.stream(strata).filter(s -> s == 1).count();
        long[] quota = {50, 17};
        boolean[] a = StratifiedSplit.validationRows(strata, quota, 42, 3);
        boolean[] b = StratifiedSplit.validationRows(strata.clone(), quota, 42, 3);
        assertArrayEquals(a, b, "deterministic");
        long[] taken = new long[2];
        for (int i = 0; i < a.length; i++) if (a[i]) taken[strata[i]]++;
        assertArrayEquals(quota, taken);
        assertTrue(ones > 17);
        assertFalse(Arrays.equals(a, StratifiedSplit.validationRows(strata, quota, 43, 3)), "the seed matters");
        assertFalse(Arrays.equals(a, StratifiedSplit.validationRows(strata, quota, 42, 4)), "so does the partition");
    }

    @Test
    void selectSplitsABlockIntoDisjointCompleteParts() {
        for (boolean sparse : new boolean[] {false, true}) {
            TestData.Rows rows = TestData.random(8, 60, 5, 0.5, true, false);
            Block block = TestData.blocks(rows, new int[] {60}, sparse).get(0);
            boolean[] mask = new boolean[60];
            for (int i = 0; i < 60; i += 3) mask[i] = true;
            Block val = StratifiedSplit.select(block, mask, true);
            Block train = StratifiedSplit.select(block, mask, false);
            assertEquals(20, val.numRows());
            assertEquals(40, train.numRows());
            assertEquals(sparse, val.isSparse());
            int v = 0;
            int t = 0;
            for (int i = 0; i < 60; i++) {
                Block to = mask[i] ? val : train;
                int r = mask[i] ? v++ : t++;
                assertEquals(block.label(i), to.label(r), 0.0);
                assertEquals(block.weight(i), to.weight(r), 0.0);
                for (int j = 0; j < 5; j++) assertEquals(block.feature(i, j), to.feature(r, j), 0.0);
            }
        }
        List<Block> none = TestData.blocks(TestData.random(8, 4, 2, 0.0, false, true), new int[] {4}, false);
        Block empty = StratifiedSplit.select(none.get(0), new boolean[4], true);
        assertEquals(0, empty.numRows());
        assertTrue(empty.hasUnitWeights());
    }
}
