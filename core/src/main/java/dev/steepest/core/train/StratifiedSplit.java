package dev.steepest.core.train;

import dev.steepest.core.data.Block;
import java.util.Arrays;

/**
 * A seeded, stratified split of partitioned rows into training and validation rows, as pure functions so that the
 * driver (counts) and the executors (per-row decisions) agree without exchanging row lists.
 *
 * <ol>
 *   <li>{@link #quotas}: the validation rows per partition and stratum (class for a classifier, one stratum for
 *       regression). {@code V = round(f n)} rows in total, apportioned over the strata in proportion to their
 *       sizes, then each stratum's share over the partitions in proportion to the stratum's rows there — both by
 *       largest remainder (Hamilton), ties to the lower index — so the counts are exact integers that add up to
 *       {@code V}, every stratum's validation fraction is within one row of {@code f}, and no quota exceeds the
 *       rows it is taken from.</li>
 *   <li>{@link #validationRows}: within a partition, the stratum's quota is taken from a seeded permutation of its
 *       rows ({@link RowPermutation} keyed by (seed, stratum, partition), in storage order), so the split depends
 *       only on the seed, the partitioning and the labels.</li>
 * </ol>
 */
public final class StratifiedSplit {
    private StratifiedSplit() {
    }

    /**
     * {@code total} apportioned in proportion to {@code sizes} by largest remainder: {@code floor(total s_i / S)}
     * each, then one more to the largest remainders (ties: lower index). {@code 0 <= total <= sum(sizes)}.
     */
    public static long[] apportion(long total, long[] sizes) {
        long sum = 0;
        for (long s : sizes) sum += s;
        if (total < 0 || total > sum) throw new IllegalArgumentException("cannot take " + total + " of " + sum);
        long[] out = new long[sizes.length];
        if (sum == 0) return out;
        double[] remainder = new double[sizes.length];
        long given = 0;
        for (int i = 0; i < sizes.length; i++) {
            // exact in 128 bits would be overkill: row counts stay far below 2^53
            double exact = (double) total * sizes[i] / sum;
            out[i] = (long) Math.floor(exact);
            remainder[i] = exact - out[i];
            given += out[i];
        }
        Integer[] order = new Integer[sizes.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> remainder[a] != remainder[b] ? Double.compare(remainder[b], remainder[a]) : a - b);
        for (int k = 0; given < total; k++) {
            int i = order[k % order.length];
            if (out[i] < sizes[i]) {
                out[i]++;
                given++;
            }
        }
        return out;
    }

    /**
     * The validation rows per partition and stratum for a fraction {@code fraction} in (0, 1) of the rows;
     * {@code counts[p][s]} is the number of rows of stratum {@code s} in partition {@code p}.
     */
    public static long[][] quotas(long[][] counts, double fraction) {
        if (!(fraction > 0.0 && fraction < 1.0)) throw new IllegalArgumentException("fraction not in (0, 1)");
        int parts = counts.length;
        int strata = 0;
        for (long[] c : counts) strata = Math.max(strata, c.length);
        long[] perStratum = new long[strata];
        long n = 0;
        for (long[] c : counts) {
            for (int s = 0; s < c.length; s++) {
                perStratum[s] += c[s];
                n += c[s];
            }
        }
        long[] stratumQuota = apportion(Math.round(fraction * n), perStratum);
        long[][] out = new long[parts][strata];
        for (int s = 0; s < strata; s++) {
            long[] column = new long[parts];
            for (int p = 0; p < parts; p++) column[p] = s < counts[p].length ? counts[p][s] : 0;
            long[] share = apportion(stratumQuota[s], column);
            for (int p = 0; p < parts; p++) out[p][s] = share[p];
        }
        return out;
    }

    /**
     * Marks the validation rows of one partition: for each stratum {@code s}, {@code quota[s]} of the rows with
     * {@code strata[i] == s}, the first {@code quota[s]} positions of a permutation of those rows keyed by
     * (seed, stratum, partition).
     */
    public static boolean[] validationRows(int[] strata, long[] quota, long seed, int partition) {
        int[] size = new int[quota.length];
        for (int s : strata) size[s]++;
        int[][] rowsOf = new int[quota.length][];
        for (int s = 0; s < quota.length; s++) rowsOf[s] = new int[size[s]];
        int[] filled = new int[quota.length];
        for (int i = 0; i < strata.length; i++) rowsOf[strata[i]][filled[strata[i]]++] = i;
        boolean[] validation = new boolean[strata.length];
        for (int s = 0; s < quota.length; s++) {
            if (quota[s] > size[s]) throw new IllegalArgumentException("quota " + quota[s] + " > rows " + size[s]);
            if (quota[s] == 0) continue;
            // a key no training epoch uses (they count up from 0), different per stratum
            RowPermutation perm = new RowPermutation(seed, -1L - s, partition, size[s]);
            for (int k = 0; k < quota[s]; k++) validation[rowsOf[s][perm.apply(k)]] = true;
        }
        return validation;
    }

    /**
     * The rows {@code i} of {@code block} with {@code mask[i] == which}, in storage order, as a new block of the
     * same storage (dense or CSR) and precision.
     */
    public static Block select(Block block, boolean[] mask, boolean which) {
        int d = block.numFeatures();
        int rows = 0;
        int nnz = 0;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] != which) continue;
            rows++;
            if (block.isSparse()) nnz += block.rowPtr()[i + 1] - block.rowPtr()[i];
        }
        double[] labels = new double[rows];
        double[] weights = block.hasUnitWeights() ? null : new double[rows];
        int r = 0;
        // the selection keeps the block's precision: values are copied as stored (double[] or float[])
        boolean f32 = block.isFloat32();
        Object from = f32 ? block.floatValues() : block.values();
        if (!block.isSparse()) {
            Object values = f32 ? new float[rows * d] : new double[rows * d];
            for (int i = 0; i < mask.length; i++) {
                if (mask[i] != which) continue;
                System.arraycopy(from, i * d, values, r * d, d);
                labels[r] = block.label(i);
                if (weights != null) weights[r] = block.weight(i);
                r++;
            }
            return f32 ? Block.dense(d, (float[]) values, labels, weights)
                    : Block.dense(d, (double[]) values, labels, weights);
        }
        int[] rowPtr = new int[rows + 1];
        int[] colIdx = new int[nnz];
        Object values = f32 ? new float[nnz] : new double[nnz];
        int k = 0;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] != which) continue;
            int start = block.rowPtr()[i];
            int len = block.rowPtr()[i + 1] - start;
            System.arraycopy(block.colIdx(), start, colIdx, k, len);
            System.arraycopy(from, start, values, k, len);
            k += len;
            labels[r] = block.label(i);
            if (weights != null) weights[r] = block.weight(i);
            rowPtr[++r] = k;
        }
        return f32 ? Block.sparse(d, rowPtr, colIdx, (float[]) values, labels, weights)
                : Block.sparse(d, rowPtr, colIdx, (double[]) values, labels, weights);
    }
}
