package dev.steepest.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link MlpModel#initialParameters}: Xavier/Glorot uniform for tanh and sigmoid layers and for the output layer,
 * He/Kaiming normal for (leaky) ReLU layers, zero biases, a fixed function of the seed.
 *
 * <p>The statistical checks use 5-sigma bands for the sample size, so a correct implementation fails with
 * probability below 1e-6 per check (and, the seeds being fixed, the outcome is deterministic anyway):
 * <ul>
 *   <li>mean of N draws of variance s^2: standard error s / sqrt(N);</li>
 *   <li>mean of w^2 for N(0, s^2): E = s^2, Var(w^2) = 2 s^4, so relative standard error sqrt(2 / N);</li>
 *   <li>mean of w^2 for U(-r, r): E = r^2 / 3, Var(w^2) = r^4 (1/5 - 1/9) = 4 r^4 / 45, so relative standard error
 *       sqrt(0.8 / N);</li>
 *   <li>a fraction p of N: standard error sqrt(p (1 - p) / N).</li>
 * </ul>
 */
class MlpInitTest {
    private static final double SIGMAS = 5.0;

    /** Mean, mean of squares, max |w| and the fraction within {@code within} of 0 of params[from..to). */
    private static double[] stats(double[] p, int from, int to, double within) {
        double sum = 0.0;
        double squares = 0.0;
        double max = 0.0;
        long inside = 0;
        for (int i = from; i < to; i++) {
            sum += p[i];
            squares += p[i] * p[i];
            max = Math.max(max, Math.abs(p[i]));
            if (Math.abs(p[i]) <= within) inside++;
        }
        int n = to - from;
        return new double[] {sum / n, squares / n, max, (double) inside / n};
    }

    private static void assertZeroBiases(MlpModel model, double[] p) {
        for (ParameterGroup g : model.groups()) {
            if (g.regularized()) continue;
            for (int i = g.offset(); i < g.end(); i++) assertEquals(0.0, p[i], 0.0, g.name());
        }
    }

    private static void assertXavier(double[] p, int from, int n, int fanIn, int fanOut, String what) {
        double r = Math.sqrt(6.0 / (fanIn + fanOut));
        double[] s = stats(p, from, from + n, r / 2);
        assertTrue(s[2] <= r, what + ": |w| <= sqrt(6 / (fan_in + fan_out)) = " + r + ", max " + s[2]);
        // the range is used: P(max < 0.99 r) = 0.99^n
        assertTrue(s[2] >= 0.99 * r, what + ": max |w| " + s[2] + " of limit " + r);
        double se = r / Math.sqrt(3 * n);
        assertEquals(0.0, s[0], SIGMAS * se, what + ": mean");
        assertEquals(r * r / 3, s[1], SIGMAS * Math.sqrt(0.8 / n) * r * r / 3, what + ": variance r^2 / 3");
        // uniform: half the draws within r / 2
        assertEquals(0.5, s[3], SIGMAS * Math.sqrt(0.25 / n), what + ": fraction within r / 2");
    }

    private static void assertHe(double[] p, int from, int n, int fanIn, String what) {
        double std = Math.sqrt(2.0 / fanIn);
        double[] s = stats(p, from, from + n, std);
        assertEquals(0.0, s[0], SIGMAS * std / Math.sqrt(n), what + ": mean");
        double relVar = SIGMAS * Math.sqrt(2.0 / n);
        assertEquals(1.0, s[1] / (std * std), relVar, what + ": variance 2 / fan_in");
        // the sample std, to half that relative tolerance (sqrt(1 + e) ~ 1 + e / 2)
        assertEquals(std, Math.sqrt(s[1]), std * relVar / 2, what + ": std sqrt(2 / fan_in)");
        // normal, not uniform: P(|w| <= std) = 0.682689...
        double p1 = 0.6826894921370859;
        assertEquals(p1, s[3], SIGMAS * Math.sqrt(p1 * (1 - p1) / n), what + ": fraction within one std");
        // tails: draws beyond 3.5 std are expected (n * 4.7e-4 of them; none with probability e^-56 for n = 120,000)
        assertTrue(s[2] > 3.5 * std, what + ": max |w| " + s[2] / std + " std");
    }

    @Test
    void reluLayersAreHeNormalAndTheOutputLayerXavier() {
        for (Activation a : new Activation[] {Activation.RELU, Activation.LEAKY_RELU}) {
            // layer 0: 1000 -> 400 (400,000 draws: relative s.e. of the variance 0.22%)
            MlpModel model = new MlpModel(1000, new int[] {400, 300}, a, MlpModel.Head.SOFTMAX, 10);
            double[] p = model.initialParameters(11);
            assertHe(p, model.weightOffset(0), 1000 * 400, 1000, a + " layer 0");
            assertHe(p, model.weightOffset(1), 400 * 300, 400, a + " layer 1");
            assertXavier(p, model.weightOffset(2), 300 * 10, 300, 10, a + " output layer");
            assertZeroBiases(model, p);
        }
    }

    @Test
    void tanhAndSigmoidLayersAreXavierUniform() {
        for (Activation a : new Activation[] {Activation.TANH, Activation.SIGMOID}) {
            MlpModel model = new MlpModel(600, new int[] {500, 200}, a, MlpModel.Head.LOGISTIC, 1);
            double[] p = model.initialParameters(12);
            assertXavier(p, model.weightOffset(0), 600 * 500, 600, 500, a + " layer 0");
            assertXavier(p, model.weightOffset(1), 500 * 200, 500, 200, a + " layer 1");
            double r = Math.sqrt(6.0 / 201);
            for (int i = model.weightOffset(2); i < model.biasOffset(2); i++) assertTrue(Math.abs(p[i]) <= r);
            assertZeroBiases(model, p);
        }
    }

    @Test
    void deterministicForASeedAndDifferentForAnother() {
        MlpModel model = new MlpModel(20, new int[] {15, 10}, Activation.RELU, MlpModel.Head.SOFTMAX, 4);
        double[] a = model.initialParameters(5);
        double[] b = new MlpModel(20, new int[] {15, 10}, Activation.RELU, MlpModel.Head.SOFTMAX, 4)
                .initialParameters(5);
        assertArrayEquals(a, b, 0.0);
        double[] c = model.initialParameters(6);
        int differ = 0;
        int weights = 0;
        for (ParameterGroup g : model.groups()) {
            for (int i = g.offset(); i < g.end(); i++) {
                if (g.regularized()) {
                    weights++;
                    if (a[i] != c[i]) differ++;
                } else {
                    assertEquals(0.0, c[i], 0.0);
                }
            }
        }
        assertEquals(weights, differ, "every weight differs for another seed");
    }

    /**
     * The recipe, spelled out: one {@link SplittableRandom} for the whole vector, layers in layout order, uniform
     * draws {@code r (2 u - 1)} and normal draws {@code std * ParameterInit.gaussian}. SplittableRandom's algorithm
     * is specified, so these numbers are the same in every JVM; the literals pin them (He values through
     * {@code Math.log}, to a few ulps).
     */
    @Test
    void theRecipeAndPinnedValues() {
        MlpModel tanh = new MlpModel(3, new int[] {2}, Activation.TANH, MlpModel.Head.SQUARED, 1);
        MlpModel relu = new MlpModel(3, new int[] {2}, Activation.RELU, MlpModel.Head.SQUARED, 1);
        SplittableRandom rng = new SplittableRandom(42);
        double[] expectTanh = new double[11];
        for (int i = 0; i < 6; i++) expectTanh[i] = Math.sqrt(6.0 / 5) * (2 * rng.nextDouble() - 1);
        for (int i = 8; i < 10; i++) expectTanh[i] = Math.sqrt(6.0 / 3) * (2 * rng.nextDouble() - 1);
        assertArrayEquals(expectTanh, tanh.initialParameters(42), 0.0);
        rng = new SplittableRandom(42);
        double[] expectRelu = new double[11];
        for (int i = 0; i < 6; i++) expectRelu[i] = Math.sqrt(2.0 / 3) * ParameterInit.gaussian(rng);
        for (int i = 8; i < 10; i++) expectRelu[i] = Math.sqrt(6.0 / 3) * (2 * rng.nextDouble() - 1);
        assertArrayEquals(expectRelu, relu.initialParameters(42), 0.0);

        assertArrayEquals(new double[] {0.5292421328173138, -0.7450989975775218, -0.48506062066163436,
            -0.3413610369148827, -1.0121251903094675, 0.806747295325099, 0.0, 0.0, -0.7964703882921068,
            0.8503153546598254, 0.0}, tanh.initialParameters(42), 0.0);
        double[] pinned = {0.40249252504096683, -1.0459952744461032, -0.4914313137003486, -1.2593322232758504,
            -1.185153266998629, 1.5819669650251675, 0.0, 0.0, 0.46714135741297347, -0.8388121811026167, 0.0};
        double[] actual = relu.initialParameters(42);
        for (int i = 0; i < pinned.length; i++) assertEquals(pinned[i], actual[i], 4 * Math.ulp(pinned[i]), "" + i);
    }
}
