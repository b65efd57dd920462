package dev.steepest.core.model;

import dev.ludovic.netlib.blas.JavaBLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The BLAS the dense block kernels call, and per-thread scratch buffers for them.
 *
 * <p>{@link #BLAS} comes from {@code dev.ludovic.netlib:blas} (3.0.4, the version Spark 4.1.0 ships and provides at
 * run time), chosen once per JVM by the system property {@code steepest.blas}:
 * <ul>
 *   <li>{@code auto} (the default): a <em>tuned</em> native BLAS (OpenBLAS, MKL, BLIS, Arm PL) through
 *       netlib's JNI binding when {@code libblas.so.3} resolves to one <em>and</em> that library is told to run one
 *       thread per call (its own variable, e.g. {@code OPENBLAS_NUM_THREADS=1}, else {@code OMP_NUM_THREADS=1}, as
 *       Spark's own linear-algebra guide asks: Spark already runs one task per core, and a multi-threaded BLAS
 *       under it oversubscribes the cores). Otherwise netlib's Java implementation, as {@code java}.</li>
 *   <li>{@code java}: {@link JavaBLAS#getInstance()}: {@code VectorBLAS} (the Java Vector API) when the JVM runs
 *       with {@code --add-modules=jdk.incubator.vector} (Spark 4's JVM options, the launcher's and the tests'
 *       include it), else the plain-Java {@code Java11BLAS}. The same arithmetic on every host with the same CPU
 *       vector width, whatever is installed.</li>
 *   <li>{@code native}: netlib's default {@link dev.ludovic.netlib.blas.BLAS#getInstance()}, a native
 *       {@code libblas.so.3} whenever one loads, even Debian's unoptimized reference {@code libblas3}.</li>
 * </ul>
 * Why not netlib's default: on the project's machines {@code libblas.so.3} was Debian's reference BLAS, which made
 * the MLP kernel 5-11x slower than our loops, while OpenBLAS on one thread makes it about twice as fast as
 * VectorBLAS (docs/BENCHMARKS.md). The launcher sets {@code OPENBLAS_NUM_THREADS=1} (and MKL's) for the driver,
 * and the Spark settings of a run set them for the executors, so {@code auto} takes a tuned library where one is
 * installed. Executors on hosts with different libraries round differently; {@code java} everywhere avoids that.
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

    /** Substrings of the path of a tuned BLAS library, as the dynamic linker maps it. */
    private static final List<String> TUNED = List.of("openblas", "mkl", "blis", "armpl");
    /** File-name prefixes of BLAS libraries in {@code /proc/self/maps}. */
    private static final List<String> BLAS_FILES = List.of("libblas", "libopenblas", "libmkl_rt", "libblis",
            "libarmpl");

    /** An implementation and the native library it runs on (null for a Java implementation). */
    private record Choice(dev.ludovic.netlib.blas.BLAS blas, String nativeLibrary) {
    }

    private static final Choice CHOICE = choose(Mode.parse(System.getProperty("steepest.blas", "auto")));

    /** The instance every kernel uses, chosen once per JVM (see the class comment). */
    static final dev.ludovic.netlib.blas.BLAS BLAS = CHOICE.blas();

    /** The values of {@code steepest.blas} (a nested type, so that checking one does not choose the BLAS). */
    public enum Mode {
        AUTO, JAVA, NATIVE;

        /** @throws IllegalArgumentException naming the property and its values */
        public static Mode parse(String value) {
            for (Mode m : values()) {
                if (m.name().toLowerCase(Locale.ROOT).equals(value)) return m;
            }
            throw new IllegalArgumentException("steepest.blas must be auto, java or native, not '" + value + "'");
        }
    }

    private static Choice choose(Mode mode) {
        Choice java = new Choice(JavaBLAS.getInstance(), null);
        switch (mode) {
            case JAVA:
                return java;
            case NATIVE: {
                dev.ludovic.netlib.blas.BLAS b = dev.ludovic.netlib.blas.BLAS.getInstance();
                return new Choice(b, b instanceof NativeBLAS ? mappedBlasLibrary() : null);
            }
            default: {
                NativeBLAS candidate;
                try {
                    candidate = NativeBLAS.getInstance();
                } catch (RuntimeException | LinkageError e) {
                    return java;
                }
                String library = mappedBlasLibrary();
                return library != null && isTuned(library) && singleThreaded(library, System.getenv())
                        ? new Choice(candidate, library) : java;
            }
        }
    }

    /**
     * True when {@code env} limits the native BLAS at {@code library} to one thread per call: the first of its
     * thread variables that is set ({@code OPENBLAS_NUM_THREADS}, then {@code GOTO_NUM_THREADS} for OpenBLAS;
     * {@code MKL_NUM_THREADS} for MKL; {@code BLIS_NUM_THREADS} for BLIS; then {@code OMP_NUM_THREADS}, which
     * they all fall back on) is 1.
     */
    static boolean singleThreaded(String library, Map<String, String> env) {
        String lib = library.toLowerCase(Locale.ROOT);
        List<String> vars = lib.contains("openblas")
                ? List.of("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")
                : lib.contains("mkl") ? List.of("MKL_NUM_THREADS", "OMP_NUM_THREADS")
                : lib.contains("blis") ? List.of("BLIS_NUM_THREADS", "OMP_NUM_THREADS")
                : List.of("OMP_NUM_THREADS");
        for (String v : vars) {
            String value = env.get(v);
            if (value != null && !value.isBlank()) return value.trim().equals("1");
        }
        return false;
    }

    /** True when {@code path} names a tuned BLAS rather than the reference one. */
    static boolean isTuned(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        for (String t : TUNED) {
            if (p.contains(t)) return true;
        }
        return false;
    }

    /**
     * The file behind {@code libblas.so.3} (or another BLAS library) as this process maps it, read from
     * {@code /proc/self/maps} (so through every symlink and alternatives link), or null where that is unavailable.
     */
    private static String mappedBlasLibrary() {
        try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
            return lines.filter(l -> l.indexOf('/') >= 0)
                    .map(l -> l.substring(l.indexOf('/')))
                    .filter(path -> {
                        String name = Path.of(path).getFileName().toString();
                        return BLAS_FILES.stream().anyMatch(name::startsWith);
                    })
                    .findFirst().orElse(null);
        } catch (IOException | UncheckedIOException | SecurityException | java.nio.file.InvalidPathException e) {
            return null;
        }
    }

    /** The implementation in use, e.g. {@code dev.ludovic.netlib.blas.VectorBLAS}, with its native library if any. */
    public static String implementation() {
        return BLAS.getClass().getName() + (CHOICE.nativeLibrary() == null ? "" : " (" + CHOICE.nativeLibrary() + ")");
    }

    /**
     * {@code x . y} over the first {@code n} entries, by the chosen BLAS's {@code ddot} (vectorized: the scorers'
     * dense dot products, one row at a time; a plain loop is latency-bound on its one accumulator).
     */
    public static double dot(int n, double[] x, double[] y) {
        return BLAS.ddot(n, x, 1, y, 1);
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
