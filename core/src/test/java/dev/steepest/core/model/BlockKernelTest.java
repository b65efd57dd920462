package dev.steepest.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.TestData;
import dev.steepest.core.data.Block;
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
 */
class BlockKernelTest {
    private static final double REL = 1e-10;
    private static final int[] SIZES = {1, 63, 64, 65, 200, 300};

    @Test
    void theExpectedBlasImplementationIsInUse() {
        String expected = System.getProperty("steepest.expected.blas");
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

    private static void assertClose(double expected, double actual, double termScale, String what) {
        double err = Math.abs(expected - actual);
        assertTrue(err <= REL * Math.max(Math.abs(expected), Math.abs(actual)) || err <= REL * termScale,
                what + ": " + expected + " vs " + actual + " (term scale " + termScale + ")");
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

    private static void assertMatches(double[] ref, double[] scale, Accumulator acc, String what) {
        assertEquals((long) ref[2], acc.count(), what + ": count");
        assertClose(ref[1], acc.weightSum(), 0.0, what + ": weight sum");
        assertClose(ref[0], acc.lossSum(), 0.0, what + ": loss sum");
        double[] g = acc.gradientSum();
        for (int i = 0; i < g.length; i++) assertClose(ref[3 + i], g[i], scale[i], what + ": gradient " + i);
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
                    forEachCall(r, n, (block, rows, count, what) -> {
                        double[] ref = linearReference(m, r, rows, count, params);
                        double[] scale = java.util.Arrays.copyOfRange(ref, 3 + m.numParameters(), ref.length);
                        assertMatches(ref, scale, run(m, block, rows, count, params),
                                m.type() + " intercept=" + intercept + " " + what);
                    });
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
                forEachCall(r, n, (block, rows, count, what) -> {
                    double[] ref = SoftmaxModelTest.reference(k, intercept, r, rows, count, params);
                    // |p_c - [c = y]| <= 1: the terms of gradient component (c, j) are bounded by w |x_j|
                    double[] scale = new double[m.numParameters()];
                    for (int i = 0; i < count; i++) {
                        int row = rows == null ? i : rows[i];
                        for (int p = 0; p < scale.length; p++) {
                            scale[p] += r.w[row] * (p < k * d ? Math.abs(r.x[row][p % d]) : 1.0);
                        }
                    }
                    assertMatches(ref, scale, run(m, block, rows, count, params),
                            "softmax K=" + k + " d=" + d + " intercept=" + intercept + " " + what);
                });
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
            String storage = (sparse ? "CSR" : "dense") + " n=" + n;
            call.check(block, null, n, storage + " all rows");
            call.check(block, subset(n * 13L + 1, n, n + 2), n + 2, storage + " subset of " + (n + 2));
            int half = Math.max(1, n / 2);
            call.check(block, subset(n * 13L + 2, n, half), half, storage + " subset of " + half);
        }
    }
}
