package dev.steepest.core.train;

/**
 * A seeded pseudo-random permutation of {@code [0, n)} evaluated in O(1) per index, with no array: a 4-round
 * balanced Feistel network on the smallest even-bit power-of-two domain that holds {@code n}, restricted to
 * {@code [0, n)} by cycle walking (each index walks at most a few times on average, the domain being under 4n).
 *
 * <p>Each partition walks {@code apply(0), apply(1), ...} over an epoch, so a step that takes {@code k} rows
 * costs O(k) and no permutation of the partition is stored or regenerated. The same (seed, epoch, partition, n)
 * gives the same permutation in every JVM.
 */
public final class RowPermutation {
    private final int n;
    private final int halfBits;
    private final long mask;
    private final long[] keys = new long[4];

    public RowPermutation(long seed, long epoch, int partition, int n) {
        if (n < 1) throw new IllegalArgumentException("n < 1");
        this.n = n;
        int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(n - 1L));
        this.halfBits = (bits + 1) / 2;
        this.mask = (1L << halfBits) - 1;
        long k = mix(mix(mix(seed) ^ epoch) ^ partition);
        for (int r = 0; r < keys.length; r++) {
            k = mix(k + 0x9E3779B97F4A7C15L);
            keys[r] = k;
        }
    }

    public int size() {
        return n;
    }

    /** The row at position {@code i} of the permutation. */
    public int apply(int i) {
        if (i < 0 || i >= n) throw new IndexOutOfBoundsException(i + " not in [0, " + n + ")");
        long x = i;
        do {
            x = encrypt(x);
        } while (x >= n);
        return (int) x;
    }

    private long encrypt(long x) {
        long left = x >>> halfBits;
        long right = x & mask;
        for (long key : keys) {
            long next = left ^ (mix(right ^ key) & mask);
            left = right;
            right = next;
        }
        return (left << halfBits) | right;
    }

    /** SplitMix64's finalizer: a bijective 64-bit mixer with good avalanche. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
