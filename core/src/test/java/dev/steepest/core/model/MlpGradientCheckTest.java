package dev.steepest.core.model;

import static dev.steepest.core.model.GradientCheck.H;
import static dev.steepest.core.model.GradientCheck.sums;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.TestData;
import dev.steepest.core.data.Block;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;

/**
 * Central finite differences of the mean objective {@code sum_i w_i l_i / sum_i w_i} of a 5-[4, 3]-K perceptron
 * against the kernel's gradient, for every activation and every head, on dense and CSR blocks with non-unit
 * weights, all rows, a prefix and a shuffled subset with repeats.
 *
 * <p>Step {@code h = 1e-6}: the truncation error of the central difference is {@code O(h^2 f''') ~ 1e-12} and the
 * rounding error about {@code eps |L| / h ~ 1e-10 |L|}, below the tolerance {@code 1e-6 max(|g|, 1e-2)} unless
 * the loss is large (squared error of a random network: |L| ~ 30); so the rounding bound of the loss sums,
 * {@code count eps |L| / h}, is added to the tolerance (about 3e-9 for a log-loss of 0.7 over 40 rows). For ReLU
 * and leaky ReLU the parameters are drawn (reseeding as needed) so that no hidden pre-activation is within
 * {@code 1e-4} of the kink, and the test also checks that no pre-activation changes sign between
 * {@code theta - h e_p} and {@code theta + h e_p}, so the objective is smooth on every segment differenced.
 */
class MlpGradientCheckTest {
    private static final double KINK_MARGIN = 1e-4;
    private static final int D = 5;
    private static final int[] HIDDEN = {4, 3};
    private static final int N = 60;

    static Stream<Arguments> models() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (Activation a : Activation.values()) {
            for (MlpModel.Head h : MlpModel.Head.values()) b.add(Arguments.of(a, h));
        }
        return b.build();
    }

    /** Random features (30% exact zeros, so CSR rows differ from dense ones), labels for the head, weights != 1. */
    static TestData.Rows rows(MlpModel.Head head, int k, long seed, int n, int d, double zeros) {
        TestData.Rows r = TestData.random(seed, n, d, zeros, head == MlpModel.Head.LOGISTIC, false);
        if (head == MlpModel.Head.SOFTMAX) {
            SplittableRandom rng = new SplittableRandom(seed + 1000);
            double[] y = new double[n];
            for (int i = 0; i < n; i++) y[i] = i < k ? i : rng.nextInt(k);
            return new TestData.Rows(d, r.x, y, r.w);
        }
        return r;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("models")
    void gradientMatchesCentralDifferences(Activation activation, MlpModel.Head head) {
        int k = head == MlpModel.Head.SOFTMAX ? 3 : 1;
        MlpModel model = new MlpModel(D, HIDDEN, activation, head, k);
        assertEquals(5 * 4 + 4 + 4 * 3 + 3 + 3 * k + k, model.numParameters());
        TestData.Rows r = rows(head, k, 31 + activation.ordinal() * 7L + head.ordinal(), N, D, 0.3);
        SplittableRandom rng = new SplittableRandom(activation.ordinal() * 3L + head.ordinal());
        int[] subset = new int[45];
        for (int i = 0; i < subset.length; i++) subset[i] = rng.nextInt(N);
        subset[3] = subset[4]; // a repeated row
        boolean kinked = activation == Activation.RELU || activation == Activation.LEAKY_RELU;
        long seed = 100;
        for (boolean sparse : new boolean[] {false, true}) {
            Block block = TestData.block(r, sparse);
            assertEquals(sparse, block.isSparse());
            assertTrue(!block.hasUnitWeights());
            for (int[] rowSet : new int[][] {null, {25}, subset}) {
                int[] rows = rowSet == null || rowSet.length == 1 ? null : rowSet;
                int count = rowSet == null ? N : rowSet.length == 1 ? rowSet[0] : 40;
                String what = activation + " " + head + (sparse ? " sparse" : " dense") + " rows="
                        + (rows == null ? "0.." + count : count + " of a subset");
                // parameters: all N(0, 0.8^2), biases too; for the kinked activations reseed until no hidden
                // pre-activation is within KINK_MARGIN of 0
                double[] params;
                MlpReference.Result ref;
                int tries = 0;
                do {
                    SplittableRandom prng = new SplittableRandom(seed++);
                    params = new double[model.numParameters()];
                    for (int i = 0; i < params.length; i++) params[i] = 0.8 * ParameterInit.gaussian(prng);
                    ref = MlpReference.run(HIDDEN, activation, head, k, r, rows, count, params);
                    assertTrue(++tries < 50, "no parameters away from the kink");
                } while (kinked && ref.minAbsPreActivation() < KINK_MARGIN);
                check(model, block, r, rows, count, params, ref, kinked, what);
            }
        }
    }

    private static void check(MlpModel model, Block block, TestData.Rows r, int[] rows, int count, double[] params,
                              MlpReference.Result ref, boolean kinked, String what) {
        Accumulator acc = sums(model, block, rows, count, params);
        assertEquals(count, acc.count(), what);
        assertEquals(ref.weightSum(), acc.weightSum(), 1e-12 * ref.weightSum(), what + ": weight");
        assertEquals(ref.meanLoss(), acc.meanLoss(), 1e-12 * Math.abs(ref.meanLoss()), what + ": mean loss");
        double[] g = acc.meanGradient();
        double gmax = 0.0;
        for (double v : g) gmax = Math.max(gmax, Math.abs(v));
        assertTrue(gmax > 1e-3, what + ": gradient too small to check meaningfully: " + gmax);
        // the rounding bound of the difference quotient: each mean loss is a sum of `count` terms, each rounded
        // with relative error <= eps, so |L+ - L-| carries an error up to about 2 count eps |L|, divided by 2h
        double noise = count * Math.ulp(1.0) * Math.abs(acc.meanLoss()) / H;
        for (int i = 0; kinked && i < params.length; i++) {
            int[] hidden = MlpGradientCheckTest.HIDDEN;
            int k = model.numOutputs();
            for (double h : new double[] {H, -H}) {
                double[] shifted = GradientCheck.shifted(params, i, h);
                assertArrayEquals(ref.positive(),
                        MlpReference.run(hidden, model.activation(), model.head(), k, r, rows, count, shifted)
                                .positive(),
                        what + ": parameter " + i + (h > 0 ? " + h" : " - h") + " crosses a kink");
            }
        }
        GradientCheck.assertGradientMatches(model, block, rows, count, params, g, noise, what);
        int nonzero = 0;
        for (double v : g) if (Math.abs(v) > 1e-6) nonzero++;
        // every layer takes part: most components are non-zero (ReLU may switch a few units off for all rows)
        assertTrue(nonzero >= params.length / 2, what + ": only " + nonzero + " non-zero gradient components");
    }
}
