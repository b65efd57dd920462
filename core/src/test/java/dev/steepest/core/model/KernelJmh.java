package dev.steepest.core.model;

import dev.steepest.core.data.Block;
import dev.steepest.core.data.Precision;
import dev.steepest.core.train.RowPermutation;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH micro-benchmarks of the block kernels: average time of one kernel call, as a training step makes it
 * ({@code PartitionStep}: a fresh {@link Accumulator}, then {@code model.accumulate(block, rows, count, params, acc)}
 * on a seeded random subset of the partition's block, in {@link RowPermutation} order).
 *
 * <p>Dense cases ({@link Dense}): a 4096 x 784 block shaped like Fashion-MNIST (half the pixels 0, the rest uniform
 * in [0, 1)), sample weights on, held as float64 or float32 ({@code precision}), and a mini-batch of {@code rows}
 * of its rows; the models are logistic regression on 784 features, softmax 784 x 10 and an MLP 784-256-128-10 with
 * ReLU and a softmax head. For each model, three methods:
 * <ul>
 *   <li>{@code *Accumulate}: the shipped entry point {@link Model#accumulate} (for dense blocks of at least 64 rows
 *       it takes the BLAS path, so it times the same code as {@code *Blas} at the default {@code rows});</li>
 *   <li>{@code *Loops}: the kernel's own loops ({@code accumulateRows} / {@code accumulateLoops});</li>
 *   <li>{@code *Blas}: the BLAS path ({@code accumulateDense}) whatever the row count.</li>
 * </ul>
 * {@link #sparseLogisticAccumulate}: logistic regression on a CSR block (2000 features, 40 non-zeros per row,
 * float64) for a 1024-row mini-batch; CSR blocks always take the loops.
 *
 * <p>Not a test (surefire runs {@code *Test} classes only, and skips JMH's generated {@code jmh_generated/*_jmhTest}
 * classes); run by hand, from the project root (docs/BENCHMARKS.md, "JMH micro-benchmarks of the kernels"):
 * <pre>
 *   mvn -q -B -pl core test-compile
 *   mvn -q -B -pl core dependency:build-classpath -Dmdep.outputFile=/tmp/core-cp.txt -Dmdep.includeScope=test
 *   OPENBLAS_NUM_THREADS=1 java -Dsteepest.blas=auto \
 *     -cp core/target/classes:core/target/test-classes:$(cat /tmp/core-cp.txt) org.openjdk.jmh.Main KernelJmh
 * </pre>
 * The forked benchmark JVM inherits the launching JVM's options ({@code -Dsteepest.blas=java|auto|native}, see
 * {@link Blas}) and environment ({@code OPENBLAS_NUM_THREADS=1}, which {@code auto} needs to take OpenBLAS), and
 * adds {@code --add-modules=jdk.incubator.vector} (VectorBLAS, as in Spark's JVMs). Each fork prints the BLAS it
 * runs on ({@code # steepest BLAS: ...}). It lives in the model package because it calls the package-private kernel
 * variants.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class KernelJmh {
    static final int BLOCK_ROWS = 4096;
    static final int D = 784;

    /** The dense block, a mini-batch of its rows and the three models with their parameters. */
    @State(Scope.Benchmark)
    public static class Dense {
        /** Mini-batch rows per call. */
        @Param({"64", "256", "1024"})
        public int rows;
        /** How the block holds its values: {@code float64} or {@code float32} ({@link Precision}). */
        @Param({"float64", "float32"})
        public String precision;

        Block block;
        /** {@link #block} with labels 0 / 1 (class < 5), for logistic regression. */
        Block binary;
        int[] batch;
        LinearModel logistic;
        double[] logisticParams;
        int logisticChunk;
        SoftmaxModel softmax;
        double[] softmaxParams;
        MlpModel mlp;
        double[] mlpParams;

        @Setup(Level.Trial)
        public void setUp() {
            SplittableRandom r = new SplittableRandom(1);
            block = KernelBenchmark.fashionShaped(r, BLOCK_ROWS, D, Precision.parse(precision) == Precision.FLOAT32);
            binary = KernelBenchmark.binary(block);
            batch = batch(rows, BLOCK_ROWS);

            logistic = LinearModel.logisticRegression(D, true);
            logisticParams = small(r, logistic.numParameters());
            logisticChunk = Blas.chunkRows(D + 2L);
            softmax = new SoftmaxModel(D, 10, true);
            softmaxParams = small(r, softmax.numParameters());
            mlp = new MlpModel(D, new int[] {256, 128}, Activation.RELU, MlpModel.Head.SOFTMAX, 10);
            mlpParams = mlp.initialParameters(3);
            System.out.println("# steepest BLAS: " + Blas.implementation());
        }
    }

    /** A CSR block of 4096 rows, 2000 features, 40 non-zeros per row, and a 1024-row mini-batch. */
    @State(Scope.Benchmark)
    public static class Sparse {
        static final int FEATURES = 2000;
        static final int NNZ = 40;
        static final int ROWS = 1024;

        Block block;
        int[] batch;
        LinearModel logistic;
        double[] params;

        @Setup(Level.Trial)
        public void setUp() {
            SplittableRandom r = new SplittableRandom(2);
            int[] rowPtr = new int[BLOCK_ROWS + 1];
            int[] colIdx = new int[BLOCK_ROWS * NNZ];
            double[] values = new double[BLOCK_ROWS * NNZ];
            double[] labels = new double[BLOCK_ROWS];
            double[] weights = new double[BLOCK_ROWS];
            int[] cols = new int[FEATURES];
            for (int j = 0; j < FEATURES; j++) cols[j] = j;
            for (int i = 0; i < BLOCK_ROWS; i++) {
                for (int k = 0; k < NNZ; k++) { // partial Fisher-Yates: NNZ distinct columns
                    int j = k + r.nextInt(FEATURES - k);
                    int t = cols[k];
                    cols[k] = cols[j];
                    cols[j] = t;
                }
                int[] row = Arrays.copyOf(cols, NNZ);
                Arrays.sort(row);
                System.arraycopy(row, 0, colIdx, i * NNZ, NNZ);
                for (int k = 0; k < NNZ; k++) values[i * NNZ + k] = r.nextDouble();
                rowPtr[i + 1] = (i + 1) * NNZ;
                labels[i] = r.nextInt(2);
                weights[i] = 0.5 + r.nextDouble();
            }
            block = Block.sparse(FEATURES, rowPtr, colIdx, values, labels, weights);
            batch = batch(ROWS, BLOCK_ROWS);
            logistic = LinearModel.logisticRegression(FEATURES, true);
            params = small(r, logistic.numParameters());
            System.out.println("# steepest BLAS: " + Blas.implementation());
        }
    }

    /** The first {@code count} rows of a seeded permutation of the block's rows, as a training step takes them. */
    static int[] batch(int count, int blockRows) {
        RowPermutation perm = new RowPermutation(7, 1, 0, blockRows);
        int[] rows = new int[count];
        for (int i = 0; i < count; i++) rows[i] = perm.apply(i);
        return rows;
    }

    private static double[] small(SplittableRandom r, int n) {
        double[] p = new double[n];
        for (int i = 0; i < n; i++) p[i] = 0.01 * (r.nextDouble() - 0.5);
        return p;
    }

    // Each call sums into a fresh accumulator (as PartitionStep does each step) and returns it, so JMH consumes
    // the result and nothing is dead code.

    @Benchmark
    public Accumulator logisticAccumulate(Dense s) {
        Accumulator acc = new Accumulator(s.logistic.numParameters());
        s.logistic.accumulate(s.binary, s.batch, s.rows, s.logisticParams, acc);
        return acc;
    }

    @Benchmark
    public Accumulator logisticLoops(Dense s) {
        Accumulator acc = new Accumulator(s.logistic.numParameters());
        s.logistic.accumulateRows(s.binary, s.batch, s.rows, s.logisticParams, acc);
        return acc;
    }

    @Benchmark
    public Accumulator logisticBlas(Dense s) {
        Accumulator acc = new Accumulator(s.logistic.numParameters());
        s.logistic.accumulateDense(s.binary, s.batch, s.rows, s.logisticParams, acc, s.logisticChunk);
        return acc;
    }

    @Benchmark
    public Accumulator softmaxAccumulate(Dense s) {
        Accumulator acc = new Accumulator(s.softmax.numParameters());
        s.softmax.accumulate(s.block, s.batch, s.rows, s.softmaxParams, acc);
        return acc;
    }

    @Benchmark
    public Accumulator softmaxLoops(Dense s) {
        Accumulator acc = new Accumulator(s.softmax.numParameters());
        s.softmax.accumulateRows(s.block, s.batch, s.rows, s.softmaxParams, acc);
        return acc;
    }

    @Benchmark
    public Accumulator softmaxBlas(Dense s) {
        Accumulator acc = new Accumulator(s.softmax.numParameters());
        s.softmax.accumulateDense(s.block, s.batch, s.rows, s.softmaxParams, acc);
        return acc;
    }

    @Benchmark
    public Accumulator mlpAccumulate(Dense s) {
        Accumulator acc = new Accumulator(s.mlp.numParameters());
        s.mlp.accumulate(s.block, s.batch, s.rows, s.mlpParams, acc);
        return acc;
    }

    @Benchmark
    public Accumulator mlpLoops(Dense s) {
        Accumulator acc = new Accumulator(s.mlp.numParameters());
        s.mlp.accumulateLoops(s.block, s.batch, s.rows, s.mlpParams, acc);
        return acc;
    }

    @Benchmark
    public Accumulator mlpBlas(Dense s) {
        Accumulator acc = new Accumulator(s.mlp.numParameters());
        s.mlp.accumulateDense(s.block, s.batch, s.rows, s.mlpParams, acc);
        return acc;
    }

    @Benchmark
    public Accumulator sparseLogisticAccumulate(Sparse s) {
        Accumulator acc = new Accumulator(s.logistic.numParameters());
        s.logistic.accumulate(s.block, s.batch, Sparse.ROWS, s.params, acc);
        return acc;
    }
}
