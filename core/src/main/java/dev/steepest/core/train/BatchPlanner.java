package dev.steepest.core.train;

import java.util.PriorityQueue;

/**
 * Splits each step's global batch over the partitions in proportion to their sizes.
 *
 * <p>An epoch is {@code ceil(n / B)} steps; after step {@code k} the epoch has used {@code C(k) = min(n, (k+1) B)}
 * rows. Partition p (n_p rows) should have used {@code T_p = n_p C(k) / n} of them. Each step hands out exactly
 * {@code C(k) - C(k-1)} rows: first {@code floor(T_p) - c_p} to every partition behind its target, then the few
 * that remain one at a time to the partition furthest behind (lowest index on ties); when that whole-row handout
 * alone would exceed the step's rows (possible when some partitions are ahead of their targets), every row of the
 * step is handed out one at a time instead. So every step has exactly
 * B rows (the last may have fewer), every partition's count never exceeds its rows, each row is used exactly once
 * per epoch, and the result is a deterministic function of the sizes and B. Exact integer arithmetic throughout.
 */
public final class BatchPlanner {
    private final long[] sizes;
    private final long n;
    private final long batchSize;
    private final long seed;

    public BatchPlanner(long[] sizes, long batchSize, long seed) {
        this.sizes = sizes.clone();
        long total = 0;
        for (long s : sizes) {
            if (s < 0 || s > Integer.MAX_VALUE) throw new IllegalArgumentException("partition size " + s);
            total += s;
        }
        if (total == 0) throw new IllegalArgumentException("no rows");
        if (batchSize < 1 || batchSize > total) {
            throw new IllegalArgumentException("batch size " + batchSize + " not in [1, " + total + "]");
        }
        if (Math.multiplyHigh(total, total) != 0 || total * total < 0) {
            throw new IllegalArgumentException("too many rows for exact apportionment: " + total);
        }
        this.n = total;
        this.batchSize = batchSize;
        this.seed = seed;
    }

    public long numRows() { return n; }
    public long batchSize() { return batchSize; }
    public long stepsPerEpoch() { return (n + batchSize - 1) / batchSize; }

    /** An iterator over the steps of one epoch. */
    public Epoch epoch(long epoch) {
        return new Epoch(epoch);
    }

    /** The steps of one epoch, in order. */
    public final class Epoch {
        private final long epoch;
        private final long[] used = new long[sizes.length];
        private long step;

        private Epoch(long epoch) {
            this.epoch = epoch;
        }

        public boolean hasNext() {
            return step < stepsPerEpoch();
        }

        /** The 0-based index within the epoch of the step {@link #next()} returns. */
        public long stepInEpoch() {
            return step;
        }

        public StepPlan next() {
            if (!hasNext()) throw new IllegalStateException("epoch is over");
            long before = Math.min(n, step * batchSize);
            long after = Math.min(n, (step + 1) * batchSize);
            int[] offsets = new int[sizes.length];
            for (int p = 0; p < sizes.length; p++) offsets[p] = (int) used[p];
            long[] add = allocate(after, after - before);
            int[] counts = new int[sizes.length];
            for (int p = 0; p < sizes.length; p++) {
                counts[p] = (int) add[p];
                used[p] += add[p];
            }
            step++;
            return new StepPlan(seed, epoch, offsets, counts);
        }

        /** Hands out {@code seats} rows so that partitions approach {@code n_p * total / n}. */
        private long[] allocate(long total, long seats) {
            int parts = sizes.length;
            long[] add = new long[parts];
            // deficit_p * n, exact: n_p * total - used_p * n
            long[] deficit = new long[parts];
            long bulk = 0;
            for (int p = 0; p < parts; p++) {
                deficit[p] = sizes[p] * total - used[p] * n;
                if (deficit[p] > 0) {
                    add[p] = Math.min(deficit[p] / n, sizes[p] - used[p]);
                    bulk += add[p];
                }
            }
            if (bulk > seats) {
                java.util.Arrays.fill(add, 0);
                bulk = 0;
            }
            for (int p = 0; p < parts; p++) deficit[p] -= add[p] * n;
            PriorityQueue<Integer> queue = new PriorityQueue<>(Math.max(1, parts), (a, b) -> {
                int c = Long.compare(deficit[b], deficit[a]);
                return c != 0 ? c : Integer.compare(a, b);
            });
            for (int p = 0; p < parts; p++) {
                if (used[p] + add[p] < sizes[p]) queue.add(p);
            }
            for (long s = bulk; s < seats; s++) {
                int p = queue.poll();
                add[p]++;
                deficit[p] -= n;
                if (used[p] + add[p] < sizes[p]) queue.add(p);
            }
            return add;
        }
    }
}
