package dev.steepest.core.model;

import dev.steepest.core.data.Block;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The block kernels' loops against their BLAS versions, side by side in one JVM: {@link LinearModel} (logistic,
 * {@code accumulateRows} vs {@code accumulateDense}, level 2), {@link SoftmaxModel}
 * ({@code accumulateRows} vs {@code accumulateDense}) and {@link MlpModel} ({@code accumulateLoops} vs
 * {@code accumulateDense}) on a dense block shaped like Fashion-MNIST (784 features, half of them 0, the rest
 * uniform in [0, 1)). A mini-batch is a seeded random subset of a 4096-row block (as a training step hands it to
 * the kernel, so the BLAS kernel gathers the rows); "in place" is the whole-block call ({@code rows == null}, read
 * without a gather). Each round times every variant of a case once, in alternating order; the figures are medians
 * over the rounds, and the ratio is BLAS / loops. Not a test (the name does not end in Test, so surefire skips it);
 * run by hand (docs/BENCHMARKS.md):
 * <pre>
 *   mvn -q -B -pl core test-compile
 *   mvn -q -B -pl core dependency:build-classpath -Dmdep.outputFile=/tmp/core-cp.txt
 *   java --add-modules=jdk.incubator.vector -cp core/target/classes:core/target/test-classes:$(cat /tmp/core-cp.txt) \
 *     dev.steepest.core.model.KernelBenchmark [rounds [chunks]]
 * </pre>
 * {@code -Dsteepest.blas=native} times netlib's native choice instead ({@link Blas}); {@code chunks} sweeps the
 * dense kernels' chunk size instead of the row counts.
 * It lives in the model package because it calls the package-private kernel variants.
 */
public final class KernelBenchmark {
    private static final int BLOCK_ROWS = 4096;
    private static final int D = 784;

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        System.out.println("BLAS implementation: " + Blas.implementation());
        System.out.println("java " + System.getProperty("java.version") + ", " + Runtime.getRuntime().availableProcessors()
                + " processors, os.arch " + System.getProperty("os.arch"));
        SplittableRandom r = new SplittableRandom(1);
        Block block = fashionShaped(r, BLOCK_ROWS, D, false);

        SoftmaxModel soft = new SoftmaxModel(D, 10, true);
        double[] sp = new double[soft.numParameters()];
        for (int i = 0; i < sp.length; i++) sp[i] = 0.01 * (r.nextDouble() - 0.5);
        MlpModel mlp = new MlpModel(D, new int[] {256, 128}, Activation.RELU, MlpModel.Head.SOFTMAX, 10);
        double[] mp = mlp.initialParameters(3);

        if (args.length > 1 && args[1].equals("chunks")) {
            chunkSweep(block, soft, sp, mlp, mp, rounds, r);
            return;
        }
        System.out.println();
        System.out.println("| kernel | rows | loops ms | BLAS ms | BLAS / loops |");
        System.out.println("|---|---|---|---|---|");
        LinearModel logistic = LinearModel.logisticRegression(D, true);
        double[] lp = new double[logistic.numParameters()];
        for (int i = 0; i < lp.length; i++) lp[i] = 0.01 * (r.nextDouble() - 0.5);
        Block binary = binary(block);
        int lchunk = Blas.chunkRows(D + 2L);
        for (int batch : new int[] {1, 2, 4, 8, 64, 1024}) {
            int[] rows = subset(r, batch);
            compare("logistic 784", batch + " (subset)", rounds, logistic.numParameters(),
                    acc -> logistic.accumulateRows(binary, rows, batch, lp, acc),
                    acc -> logistic.accumulateDense(binary, rows, batch, lp, acc, lchunk));
        }
        compare("logistic 784", "1024 (in place)", rounds, logistic.numParameters(),
                acc -> logistic.accumulateRows(binary, null, 1024, lp, acc),
                acc -> logistic.accumulateDense(binary, null, 1024, lp, acc, lchunk));
        for (int batch : new int[] {1, 2, 4, 8, 64, 1024}) {
            int[] rows = subset(r, batch);
            compare("softmax 784x10", batch + " (subset)", rounds, soft.numParameters(),
                    acc -> soft.accumulateRows(block, rows, batch, sp, acc),
                    acc -> soft.accumulateDense(block, rows, batch, sp, acc));
        }
        compare("softmax 784x10", "1024 (in place)", rounds, soft.numParameters(),
                acc -> soft.accumulateRows(block, null, 1024, sp, acc),
                acc -> soft.accumulateDense(block, null, 1024, sp, acc));
        for (int batch : new int[] {1, 2, 4, 8, 64, 256, 1024}) {
            int[] rows = subset(r, batch);
            compare("MLP 784-256-128-10", batch + " (subset)", rounds, mlp.numParameters(),
                    acc -> mlp.accumulateLoops(block, rows, batch, mp, acc),
                    acc -> mlp.accumulateDense(block, rows, batch, mp, acc));
        }
        compare("MLP 784-256-128-10", "1024 (in place)", rounds, mlp.numParameters(),
                acc -> mlp.accumulateLoops(block, null, 1024, mp, acc),
                acc -> mlp.accumulateDense(block, null, 1024, mp, acc));
    }

    /**
     * A dense block shaped like Fashion-MNIST (also {@link KernelJmh}'s): {@code rows x d}, half the values 0, the
     * rest uniform in [0, 1); labels 0..9; weights uniform in [0.5, 1.5); float32 storage when asked.
     */
    static Block fashionShaped(SplittableRandom r, int rows, int d, boolean float32) {
        double[] x = new double[rows * d];
        for (int i = 0; i < x.length; i++) x[i] = r.nextDouble() < 0.5 ? 0.0 : r.nextDouble();
        double[] labels = new double[rows];
        double[] weights = new double[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = r.nextInt(10);
            weights[i] = 0.5 + r.nextDouble();
        }
        if (!float32) return Block.dense(d, x, labels, weights);
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) f[i] = (float) x[i];
        return Block.dense(d, f, labels, weights);
    }

    /** The same rows with the labels 0..4 as 0 and 5..9 as 1, for the binary kernels. */
    static Block binary(Block block) {
        return block.withLabels(Arrays.stream(block.labels()).map(y -> y < 5 ? 0.0 : 1.0).toArray());
    }

    /** The dense kernels' chunk size: loops, then BLAS with 64, 128, 256 and 512-row chunks. */
    private static void chunkSweep(Block block, SoftmaxModel soft, double[] sp, MlpModel mlp, double[] mp, int rounds,
                                   SplittableRandom r) {
        int[] chunks = {64, 128, 256, 512};
        System.out.println("| kernel | rows | loops ms | BLAS ms, chunk 64 | 128 | 256 | 512 |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (int batch : new int[] {256, 1024}) {
            int[] rows = subset(r, batch);
            List<Consumer<Accumulator>> v = new ArrayList<>();
            v.add(acc -> soft.accumulateRows(block, rows, batch, sp, acc));
            for (int c : chunks) v.add(acc -> soft.accumulateDense(block, rows, batch, sp, acc, c));
            time("softmax 784x10", batch + " (subset)", rounds, soft.numParameters(), v);
            v.clear();
            v.add(acc -> mlp.accumulateLoops(block, rows, batch, mp, acc));
            for (int c : chunks) v.add(acc -> mlp.accumulateDense(block, rows, batch, mp, acc, c));
            time("MLP 784-256-128-10", batch + " (subset)", rounds, mlp.numParameters(), v);
        }
    }

    private static int[] subset(SplittableRandom r, int size) {
        int[] perm = new int[BLOCK_ROWS];
        for (int i = 0; i < perm.length; i++) perm[i] = i;
        for (int i = perm.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        return Arrays.copyOf(perm, size);
    }

    @SafeVarargs
    private static void compare(String kernel, String rows, int rounds, int numParameters,
                                Consumer<Accumulator>... variants) {
        double[] med = medians(rounds, numParameters, List.of(variants));
        System.out.printf(Locale.ROOT, "| %s | %s | %.3f | %.3f | %.2f |%n", kernel, rows, med[0], med[1],
                med[1] / med[0]);
    }

    private static void time(String kernel, String rows, int rounds, int numParameters,
                             List<Consumer<Accumulator>> variants) {
        double[] med = medians(rounds, numParameters, variants);
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "| %s | %s | %.3f", kernel, rows, med[0]));
        for (int v = 1; v < med.length; v++) {
            line.append(String.format(Locale.ROOT, " | %.3f (%.2f)", med[v], med[v] / med[0]));
        }
        System.out.println(line.append(" |"));
    }

    /**
     * Median ms per call of each variant. Warm-up: every variant runs for at least half a second (and 10 calls),
     * so the JIT has compiled every path; then each round calls every variant once, in alternating order.
     */
    private static double[] medians(int rounds, int numParameters, List<Consumer<Accumulator>> variants) {
        int n = variants.size();
        double[][] times = new double[n][rounds];
        for (Consumer<Accumulator> v : variants) {
            long end = System.nanoTime() + 500_000_000L;
            for (int w = 0; w < 10 || System.nanoTime() < end; w++) v.accept(new Accumulator(numParameters));
        }
        Accumulator acc = new Accumulator(numParameters);
        for (int round = 0; round < rounds; round++) {
            for (int j = 0; j < n; j++) {
                int v = round % 2 == 0 ? j : n - 1 - j;
                long t = System.nanoTime();
                variants.get(v).accept(acc);
                times[v][round] = (System.nanoTime() - t) / 1e6;
            }
        }
        double[] med = new double[n];
        for (int v = 0; v < n; v++) med[v] = median(times[v]);
        return med;
    }

    private static double median(double[] ms) {
        double[] s = ms.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }
}
