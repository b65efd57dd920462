package dev.steepest.core.bench;

import dev.ludovic.netlib.blas.BLAS;
import dev.steepest.core.data.Block;
import dev.steepest.core.model.Accumulator;
import dev.steepest.core.model.Activation;
import dev.steepest.core.model.MlpModel;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Is a maintained BLAS faster than the MLP kernel's own loops? Times one whole {@code MlpModel.accumulate}
 * (forward, backward, gradient sums) on a dense block of 256 rows of a 784-256-128-10 ReLU softmax network, and
 * separately only the nine matrix products the same pass needs (three per layer: forward, weight gradient,
 * backpropagated delta) done by netlib's {@code dgemm} (dev.ludovic.netlib: a native BLAS when one is installed,
 * else its Java / Vector API implementation). If the GEMMs alone via BLAS take longer than our whole pass, the
 * loops stay. Not a test; run by hand (docs/BENCHMARKS.md):
 * <pre>
 *   mvn -q -B -pl core test-compile
 *   java --add-modules=jdk.incubator.vector -cp core/target/classes:core/target/test-classes:$(ls ~/.m2/repository/dev/ludovic/netlib/blas/3.0.4/blas-3.0.4.jar) \
 *     dev.steepest.core.bench.MlpBlasBenchmark
 * </pre>
 */
public final class MlpBlasBenchmark {
    public static void main(String[] args) {
        int n = 256;
        int[] sizes = {784, 256, 128, 10};
        SplittableRandom r = new SplittableRandom(1);
        double[] x = new double[n * sizes[0]];
        for (int i = 0; i < x.length; i++) x[i] = r.nextDouble() < 0.5 ? 0.0 : r.nextDouble();
        double[] labels = new double[n];
        for (int i = 0; i < n; i++) labels[i] = r.nextInt(10);
        Block block = Block.dense(sizes[0], x, labels, null);
        MlpModel mlp = new MlpModel(sizes[0], new int[] {256, 128}, Activation.RELU, MlpModel.Head.SOFTMAX, 10);
        double[] params = mlp.initialParameters(3);

        BLAS blas = BLAS.getInstance();
        double[][] w = new double[3][];
        double[][] act = new double[4][];
        double[][] grad = new double[3][];
        act[0] = x;
        for (int l = 0; l < 3; l++) {
            w[l] = Arrays.copyOf(params, sizes[l] * sizes[l + 1]);
            act[l + 1] = new double[n * sizes[l + 1]];
            grad[l] = new double[sizes[l] * sizes[l + 1]];
        }

        double ours = median(() -> mlp.accumulate(block, null, n, params, new Accumulator(mlp.numParameters())));
        double gemms = median(() -> {
            for (int l = 0; l < 3; l++) {
                int in = sizes[l];
                int out = sizes[l + 1];
                // forward: Z (n x out) = A (n x in) W^T; backward: dW (out x in) = D^T A, D_prev (n x in) = D W
                blas.dgemm("T", "N", out, n, in, 1.0, w[l], in, act[l], in, 0.0, act[l + 1], out);
                blas.dgemm("N", "T", in, out, n, 1.0, act[l], in, act[l + 1], out, 1.0, grad[l], in);
                if (l > 0) blas.dgemm("N", "N", in, n, out, 1.0, w[l], in, act[l + 1], out, 0.0, act[l], in);
            }
        });
        System.out.println("BLAS implementation: " + blas.getClass().getName());
        System.out.printf(Locale.ROOT, "MlpModel.accumulate, 256 rows, 784-256-128-10 relu: %.2f ms (median of 30)%n",
                ours);
        System.out.printf(Locale.ROOT, "the same pass's matrix products alone via dgemm:    %.2f ms (median of 30)%n",
                gemms);
        System.out.printf(Locale.ROOT, "ratio dgemm-only / ours: %.2f%n", gemms / ours);
    }

    private static double median(Runnable r) {
        for (int i = 0; i < 60; i++) r.run();
        double[] ms = new double[30];
        for (int i = 0; i < ms.length; i++) {
            long t = System.nanoTime();
            r.run();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        return ms[ms.length / 2];
    }
}
