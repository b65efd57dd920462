package dev.steepest.core.model;

import dev.ludovic.netlib.blas.JavaBLAS;

/**
 * The BLAS the dense block kernels call, and per-thread scratch buffers for them.
 *
 * <p>{@link #BLAS} comes from {@code dev.ludovic.netlib:blas} (3.0.4, the version Spark 4.1.0 ships and provides at
 * run time). By default it is netlib's Java implementation, {@link JavaBLAS#getInstance()}: {@code VectorBLAS} (the
 * Java Vector API) when the JVM runs with {@code --add-modules=jdk.incubator.vector} (Spark 4's JVM options, the
 * launcher's and the tests' include it), else the plain-Java {@code Java11BLAS}. Not netlib's default
 * {@link dev.ludovic.netlib.blas.BLAS#getInstance()}, which prefers a native {@code libblas.so.3} whenever one
 * loads, for two reasons: on the project's machines that library is Debian's unoptimized reference BLAS
 * ({@code libblas3}), which made the MLP kernel 5-11x slower than our loops (docs/BENCHMARKS.md); and a native
 * library that differs from host to host would make executors round differently, where the same JVM flags give
 * every executor the same Java implementation (only a different CPU vector width could still change VectorBLAS's
 * order of summation). {@code -Dsteepest.blas=native} opts in to netlib's default choice (for hosts with a tuned
 * native BLAS such as OpenBLAS).
 *
 * <p>Matrices in the kernels are row-major, netlib's are column-major: a row-major {@code r x c} matrix is
 * netlib's {@code c x r} matrix with leading dimension {@code c}.
 *
 * <p>Scratch buffers are per thread (Spark runs several tasks concurrently on one shared model object, each on its
 * own thread), so a kernel call allocates nothing in its hot path and still shares no mutable state. A buffer only
 * grows; its contents on entry are unspecified. A kernel must not call another kernel while it holds a buffer.
 */
public final class Blas {
    private Blas() {
    }

    /** The instance every kernel uses, chosen once per JVM (see the class comment). */
    static final dev.ludovic.netlib.blas.BLAS BLAS = "native".equals(System.getProperty("steepest.blas"))
            ? dev.ludovic.netlib.blas.BLAS.getInstance()
            : JavaBLAS.getInstance();

    /** The implementation class in use, e.g. {@code dev.ludovic.netlib.blas.VectorBLAS}. */
    public static String implementation() {
        return BLAS.getClass().getName();
    }

    /** The most rows per chunk of a dense kernel. */
    static final int MAX_CHUNK = 256;
    /** Scratch doubles per thread a dense kernel may use for its chunk matrices (8 MiB). */
    static final long SCRATCH_BUDGET = 1L << 20;

    /**
     * Rows per chunk for a kernel that needs {@code doublesPerRow} scratch doubles per row: {@link #MAX_CHUNK},
     * fewer when that would exceed {@link #SCRATCH_BUDGET}, at least 1.
     */
    static int chunkRows(long doublesPerRow) {
        return (int) Math.max(1, Math.min(MAX_CHUNK, SCRATCH_BUDGET / Math.max(1, doublesPerRow)));
    }

    /**
     * Copies {@code c} rows of a dense block into {@code dst} as a row-major c x d double matrix: rows
     * {@code rows[start .. start + c)}, or the storage rows {@code start .. start + c)} when {@code rows} is null
     * (the in-place case of a float32 block, whose values BLAS cannot read). A float32 block's values are widened
     * exactly.
     */
    static void gather(dev.steepest.core.data.Block block, int[] rows, int start, int c, double[] dst) {
        int d = block.numFeatures();
        if (rows == null) {
            block.copyValues(start * d, dst, 0, c * d);
        } else {
            for (int i = 0; i < c; i++) block.copyValues(rows[start + i] * d, dst, i * d, d);
        }
    }

    /**
     * Chunks of a mini-batch's rows as row-major c x d double matrices for BLAS: {@link #array} from
     * {@link #offset} on. A float64 block's own values array when the whole block is the batch (read in place, no
     * copy); otherwise the rows gathered into this thread's scratch buffer {@code slot}. One per kernel call.
     */
    static final class RowChunks {
        private final dev.steepest.core.data.Block block;
        private final int[] rows;
        private final boolean inPlace;
        private final double[] buffer;
        double[] array;
        int offset;

        RowChunks(dev.steepest.core.data.Block block, int[] rows, int chunkRows, int slot) {
            this.block = block;
            this.rows = rows;
            this.inPlace = rows == null && !block.isFloat32();
            this.buffer = inPlace ? null : scratch(slot, chunkRows * block.numFeatures());
            this.array = inPlace ? block.values() : buffer;
        }

        /** Points {@link #array} / {@link #offset} at batch rows {@code start .. start + c)}. */
        void load(int start, int c) {
            if (inPlace) {
                offset = start * block.numFeatures();
            } else {
                gather(block, rows, start, c, buffer);
                offset = 0;
            }
        }
    }

    private static final ThreadLocal<double[][]> SCRATCH = ThreadLocal.withInitial(() -> new double[8][]);

    /** This thread's buffer number {@code slot}, at least {@code size} long; contents unspecified. */
    static double[] scratch(int slot, int size) {
        double[][] buffers = SCRATCH.get();
        if (slot >= buffers.length) {
            buffers = java.util.Arrays.copyOf(buffers, Math.max(slot + 1, 2 * buffers.length));
            SCRATCH.set(buffers);
        }
        double[] b = buffers[slot];
        if (b == null || b.length < size) {
            b = new double[size];
            buffers[slot] = b;
        }
        return b;
    }
}
