package dev.steepest.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.TestData;
import dev.steepest.core.data.Block;
import dev.steepest.core.data.Precision;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Every block kernel equals the row-by-row reference at 1e-10 (relative, or of the sum of the absolute values of
 * the terms for a gradient component whose terms cancel), on dense blocks (BLAS) and CSR blocks (loops), for
 * blocks of 1, 63, 64, 65, 200 and 300 rows (300 spans two BLAS chunks of {@value Blas#MAX_CHUNK}), with all rows
 * in storage order ({@code rows == null}, read in place) and with a seeded subset with repeats (gathered), all with
 * sample weights: linear, logistic, Huber and hinge regression (with and without intercept), softmax (K = 3,
 * with and without intercept; K = 10 on 784 features, the benchmark's shape) and MLPs with each head.
 *
 * <p>The references are plain loops over the rows: {@link #linearReference} here, the softmax reference of
 * {@link SoftmaxModelTest} and {@link MlpReference}. surefire runs this class twice: with the Vector API module
 * (netlib picks {@code VectorBLAS}, as in Spark's JVMs) and without it (the pure-Java fallback); the property
 * {@code steepest.expected.blas} names the implementation each run must get.
 *
 * <p>Float32 blocks ({@link #checkFloat32}): for the same models, sizes and kinds of call, a float32 block gives
 * the reference computed in double on the float-rounded rows at {@value #REL_FLOAT32_VS_REFERENCE} (it computes in
 * double on exactly those values, so only the order of summation differs), and the float64 block's sums on the
 * unrounded rows at {@value #REL_FLOAT32_VS_FLOAT64} (the rounding of the inputs, at most 2^-24 relative each):
 * per gradient component for the linear and softmax models; for MLPs on the largest component, because how far
 * one component moves when the inputs are rounded depends on the network's conditioning, not on the kernel (seen:
 * a 12-20-9-4 ReLU net, n = 64, subset of 32, where the component W_1[3][1] moved by 1.6e-6 of itself, with no
 * pre-activation near the kink, while the float32 block matched the reference on the rounded rows to 1e-15).
 */
class BlockKernelTest {
    private static final double REL = 1e-10;
    private static final double REL_FLOAT32_VS_REFERENCE = 1e-12;
    private static final double REL_FLOAT32_VS_FLOAT64 = 1e-6;
    private static final int[] SIZES = {1, 63, 64, 65, 200, 300};

    @Test
    void theExpectedBlasImplementationIsInUse() {
        String expected = System.getProperty("steepest.expected.blas");
        System.out.println("BlockKernelTest: BLAS " + Blas.implementation());
        if (expected != null) assertEquals(expected, Blas.implementation());
    }

    private static Accumulator run(Model model, Block block, int[] rows, int count, double[] params) {
        Accumulator acc = new Accumulator(model.numParameters());
        model.accumulate(block, rows, count, params, acc);
        return acc;
    }

    /** {@code size} rows drawn with replacement, and a repeat at the start (a row may appear twice in a call). */
    private static int[] subset(long seed, int n, int size) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] s = new int[size];
        for (int i = 0; i < size; i++) s[i] = rng.nextInt(n);
        if (size > 1) s[1] = s[0];
        return s;
    }

    private static void assertClose(double expected, double actual, double termScale, double rel, String what) {
        double err = Math.abs(expected - actual);
        assertTrue(err <= rel * Math.max(Math.abs(expected), Math.abs(actual)) || err <= rel * termScale,
                what + ": " + expected + " vs " + actual + " (term scale " + termScale + ", tolerance " + rel + ")");
    }

    /** A reference's sums for a call, and the term scale (sum of |terms|) of each gradient component. */
    record Expected(double lossSum, double weightSum, long count, double[] gradient, double[] scale) {
        static Expected of(MlpReference.Result r) {
            return new Expected(r.lossSum(), r.weightSum(), r.count(), r.gradientSum(), r.gradientScale());
        }
    }

    /** The row-by-row reference of one model on the rows {@code rows[0 .. count)} (all in order when null). */
    interface Reference {
        Expected of(TestData.Rows r, int[] rows, int count);
    }

    private static void assertMatches(Expected e, Accumulator acc, double rel, String what) {
        assertEquals(e.count(), acc.count(), what + ": count");
        assertClose(e.weightSum(), acc.weightSum(), 0.0, rel, what + ": weight sum");
        assertClose(e.lossSum(), acc.lossSum(), 0.0, rel, what + ": loss sum");
        double[] g = acc.gradientSum();
        assertEquals(e.gradient().length, g.length, what + ": parameters");
        for (int i = 0; i < g.length; i++) {
            assertClose(e.gradient()[i], g[i], e.scale()[i], rel, what + ": gradient " + i);
        }
    }

    /**
     * The float32 block of {@code r} (dense and CSR; every call of {@link #forEachCall}) against (1) the reference
     * on the float-rounded rows at {@value #REL_FLOAT32_VS_REFERENCE} and (2) the float64 block of the unrounded
     * rows at {@value #REL_FLOAT32_VS_FLOAT64}, relative or of the reference's term scale.
     */
    private static void checkFloat32(Model m, TestData.Rows r, int n, double[] params, Reference ref, String name) {
        checkFloat32(m, r, n, params, ref, name, true);
    }

    /** {@link #checkFloat32}, comparing with the float64 block per component or, if not, on the largest. */
    private static void checkFloat32(Model m, TestData.Rows r, int n, double[] params, Reference ref, String name,
                                     boolean perComponent) {
        TestData.Rows rounded = r.roundedToFloat();
        for (boolean sparse : new boolean[] {false, true}) {
            Block f32 = TestData.block(r, sparse, Precision.FLOAT32);
            Block f64 = TestData.block(r, sparse, Precision.FLOAT64);
            assertTrue(f32.isFloat32());
            assertEquals(sparse, f32.isSparse());
            forEachCallOn(f32, n, (block, rows, count, what) -> {
                String label = name + " float32 " + what;
                Accumulator acc32 = run(m, block, rows, count, params);
                assertMatches(ref.of(rounded, rows, count), acc32, REL_FLOAT32_VS_REFERENCE,
                        label + " vs reference on float-rounded rows");
                Expected e64 = ref.of(r, rows, count);
                Accumulator acc64 = run(m, f64, rows, count, params);
                double[] scale = e64.scale();
                if (!perComponent) {
                    double largest = 0.0;
                    for (double g : acc64.gradientSum()) largest = Math.max(largest, Math.abs(g));
                    scale = new double[scale.length];
                    java.util.Arrays.fill(scale, largest);
                }
                Expected got64 = new Expected(acc64.lossSum(), acc64.weightSum(), acc64.count(),
                        acc64.gradientSum(), scale);
                assertMatches(got64, acc32, REL_FLOAT32_VS_FLOAT64, label + " vs the float64 block");
            });
        }
    }

    /** {lossSum, weightSum, count, gradient..., then the term scale of each gradient component}. */
    static double[] linearReference(LinearModel m, TestData.Rows r, int[] rows, int count, double[] params) {
        int d = r.d();
        int p = m.numParameters();
        double[] out = new double[3 + 2 * p];
        for (int i = 0; i < count; i++) {
            int row = rows == null ? i : rows[i];
            double[] x = r.x[row];
            double w = r.w[row];
            double margin = m.fitIntercept() ? params[d] : 0.0;
            for (int j = 0; j < d; j++) margin += params[j] * x[j];
            double g = w * m.loss().derivative(margin, r.y[row]);
            out[0] += w * m.loss().value(margin, r.y[row]);
            out[1] += w;
            out[2] += 1;
            for (int j = 0; j < d; j++) {
                out[3 + j] += g * x[j];
                out[3 + p + j] += Math.abs(g * x[j]);
            }
            if (m.fitIntercept()) {
                out[3 + d] += g;
                out[3 + p + d] += Math.abs(g);
            }
        }
        return out;
    }

    @Test
    void linearModelsEqualTheRowByRowReference() {
        int d = 13;
        for (boolean intercept : new boolean[] {true, false}) {
            LinearModel[] models = {LinearModel.linearRegression(d, intercept),
                LinearModel.logisticRegression(d, intercept), LinearModel.huberRegression(d, intercept, 0.8),
                LinearModel.linearSvm(d, intercept)};
            for (LinearModel m : models) {
                for (int n : SIZES) {
                    TestData.Rows r = TestData.random(n * 3L + 1, n, d, 0.4, m.isClassifier(), false);
                    double[] params = MlpKernelTest.randomParams(m.numParameters(), 0.5, n);
                    Reference ref = (rr, rows, count) -> {
                        double[] e = linearReference(m, rr, rows, count, params);
                        int p = m.numParameters();
                        return new Expected(e[0], e[1], (long) e[2], java.util.Arrays.copyOfRange(e, 3, 3 + p),
                                java.util.Arrays.copyOfRange(e, 3 + p, e.length));
                    };
                    String name = m.type() + " intercept=" + intercept;
                    forEachCall(r, n, (block, rows, count, what) -> assertMatches(ref.of(r, rows, count),
                            run(m, block, rows, count, params), REL, name + " " + what));
                    checkFloat32(m, r, n, params, ref, name);
                }
            }
        }
    }

    @Test
    void softmaxEqualsTheRowByRowReference() {
        checkSoftmax(3, 11, new int[] {1, 63, 64, 65, 200, 300}, 0.4);
        checkSoftmax(10, 784, new int[] {65, 300}, 0.5); // the benchmark's shape: long BLAS dot products
    }

    private static void checkSoftmax(int k, int d, int[] sizes, double zeros) {
        for (boolean intercept : new boolean[] {true, false}) {
            SoftmaxModel m = new SoftmaxModel(d, k, intercept);
            for (int n : sizes) {
                TestData.Rows r = MlpGradientCheckTest.rows(MlpModel.Head.SOFTMAX, k, n * 5L + k, n, d, zeros);
                double[] params = MlpKernelTest.randomParams(m.numParameters(), 0.3, n + 17);
                Reference ref = (rr, rows, count) -> {
                    double[] e = SoftmaxModelTest.reference(k, intercept, rr, rows, count, params);
                    // |p_c - [c = y]| <= 1: the terms of gradient component (c, j) are bounded by w |x_j|
                    double[] scale = new double[m.numParameters()];
                    for (int i = 0; i < count; i++) {
                        int row = rows == null ? i : rows[i];
                        for (int p = 0; p < scale.length; p++) {
                            scale[p] += rr.w[row] * (p < k * d ? Math.abs(rr.x[row][p % d]) : 1.0);
                        }
                    }
                    return new Expected(e[0], e[1], (long) e[2], java.util.Arrays.copyOfRange(e, 3, e.length), scale);
                };
                String name = "softmax K=" + k + " d=" + d + " intercept=" + intercept;
                forEachCall(r, n, (block, rows, count, what) -> assertMatches(ref.of(r, rows, count),
                        run(m, block, rows, count, params), REL, name + " " + what));
                checkFloat32(m, r, n, params, ref, name);
            }
        }
    }

    @Test
    void mlpEqualsTheRowByRowReference() {
        int d = 12;
        int[] hidden = {20, 9};
        for (MlpModel.Head head : MlpModel.Head.values()) {
            int k = head == MlpModel.Head.SOFTMAX ? 4 : 1;
            for (Activation act : new Activation[] {Activation.RELU, Activation.TANH}) {
                MlpModel m = new MlpModel(d, hidden, act, head, k);
                for (int n : SIZES) {
                    TestData.Rows r = MlpGradientCheckTest.rows(head, k, n * 7L + head.ordinal(), n, d, 0.4);
                    double[] params = MlpKernelTest.randomParams(m.numParameters(), 0.5, n * 3L + act.ordinal());
                    forEachCall(r, n, (block, rows, count, what) -> MlpKernelTest.assertMatches(
                            MlpReference.run(hidden, act, head, k, r, rows, count, params),
                            run(m, block, rows, count, params), head + " " + act + " " + what));
                    checkFloat32(m, r, n, params, (rr, rows, count) -> Expected.of(
                            MlpReference.run(hidden, act, head, k, rr, rows, count, params)), head + " " + act,
                            false);
                }
            }
        }
        // the benchmark's input width, one chunk and a bit
        MlpModel wide = new MlpModel(784, new int[] {32, 16}, Activation.RELU, MlpModel.Head.SOFTMAX, 10);
        TestData.Rows r = MlpGradientCheckTest.rows(MlpModel.Head.SOFTMAX, 10, 5, 260, 784, 0.5);
        double[] params = wide.initialParameters(11);
        forEachCall(r, 260, (block, rows, count, what) -> MlpKernelTest.assertMatches(
                MlpReference.run(new int[] {32, 16}, Activation.RELU, MlpModel.Head.SOFTMAX, 10, r, rows, count,
                        params),
                run(wide, block, rows, count, params), "784-32-16-10 " + what));
        checkFloat32(wide, r, 260, params, (rr, rows, count) -> Expected.of(MlpReference.run(new int[] {32, 16},
                Activation.RELU, MlpModel.Head.SOFTMAX, 10, rr, rows, count, params)), "784-32-16-10", false);
    }

    private interface Call {
        void check(Block block, int[] rows, int count, String what);
    }

    /**
     * Every kind of call on {@code n} rows: dense and CSR storage; all rows in storage order; a subset of
     * {@code n + 2} rows with repeats (the gather path, and a batch larger than the block's distinct rows); and a
     * subset of about half the rows.
     */
    private static void forEachCall(TestData.Rows r, int n, Call call) {
        for (boolean sparse : new boolean[] {false, true}) {
            Block block = TestData.block(r, sparse);
            assertEquals(sparse, block.isSparse());
            forEachCallOn(block, n, call);
        }
    }

    /** The calls of {@link #forEachCall} on one block of {@code n} rows. */
    private static void forEachCallOn(Block block, int n, Call call) {
        String storage = (block.isSparse() ? "CSR" : "dense") + " n=" + n;
        call.check(block, null, n, storage + " all rows");
        call.check(block, subset(n * 13L + 1, n, n + 2), n + 2, storage + " subset of " + (n + 2));
        int half = Math.max(1, n / 2);
        call.check(block, subset(n * 13L + 2, n, half), half, storage + " subset of " + half);
    }
}
