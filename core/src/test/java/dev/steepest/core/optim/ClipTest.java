package dev.steepest.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.model.ParameterGroup;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link ClipByValue} and {@link ClipByGlobalNorm} against hand computations of
 * {@code torch.nn.utils.clip_grad_value_} and {@code clip_grad_norm_}:
 * <pre>
 *   clip_grad_value_:  g_i = clamp(g_i, -tau, tau)
 *   clip_grad_norm_:   coef = max_norm / (||g||_2 + 1e-6);  g = g * clamp(coef, max=1)
 * </pre>
 * and their place in a chain: first, on the raw gradient, before weight decay and momentum (where PyTorch clips:
 * on {@code p.grad}, before {@code optimizer.step()}).
 */
class ClipTest {
    /** 3 coefficients (regularized) and an intercept (not). */
    private static final List<ParameterGroup> GROUPS = List.of(new ParameterGroup("coefficients", 0, 3, true),
            new ParameterGroup("intercepts", 3, 1, false));

    private static double[] apply(GradientTransformation t, double[] g) {
        double[] copy = g.clone();
        double[] out = t.update(copy, t.init(new double[g.length]), new double[g.length]).updates();
        assertArrayEquals(g, copy, 0.0, "the gradient is not modified");
        return out;
    }

    @Test
    void valueClippingClampsEachComponent() {
        double[] g = {-3.0, -0.5, 0.0, 0.5, 1.0, 7.25, -1.0};
        assertArrayEquals(new double[] {-1.0, -0.5, 0.0, 0.5, 1.0, 1.0, -1.0}, apply(new ClipByValue(1.0), g), 0.0);
        double[] small = {0.1, -0.2};
        double[] same = apply(new ClipByValue(0.25), small);
        assertArrayEquals(small, same, 0.0, "below the threshold: unchanged");
        assertTrue(Double.isNaN(apply(new ClipByValue(1.0), new double[] {Double.NaN})[0]), "NaN stays NaN");
        assertArrayEquals(new double[] {2.0, -2.0},
                apply(new ClipByValue(2.0), new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}), 0.0);
    }

    @Test
    void globalNormIsTheEuclideanNormOfTheWholeVector() {
        assertEquals(5.0, ClipByGlobalNorm.globalNorm(new double[] {3, 4}), 0.0);
        assertEquals(3.0, ClipByGlobalNorm.globalNorm(new double[] {1, -2, 2}), 0.0);
        assertEquals(13.0, ClipByGlobalNorm.globalNorm(new double[] {3, 0, 4, 12}), 0.0, "across all groups");
        assertEquals(0.0, ClipByGlobalNorm.globalNorm(new double[0]), 0.0);
    }

    /** ||(3, 0, 4, 12)|| = 13; max_norm 1: coef = 1 / (13 + 1e-6), applied to every group alike. */
    @Test
    void normClippingUsesTorchsFormulaWithTheEpsilon() {
        double[] g = {3, 0, 4, 12};
        double coef = 1.0 / (13.0 + 1e-6);
        double[] expected = {3 * coef, 0 * coef, 4 * coef, 12 * coef};
        double[] out = apply(new ClipByGlobalNorm(1.0), g);
        assertArrayEquals(expected, out, 0.0, "bit-identical to the hand computation");
        // the 1e-6 matters: without it, 3/13 exactly
        assertNotEquals(3.0 / 13.0, out[0]);
        assertEquals(13.0 / (13.0 + 1e-6), ClipByGlobalNorm.globalNorm(out), 1e-15, "norm slightly below max_norm");
        assertTrue(ClipByGlobalNorm.globalNorm(out) < 1.0);
        // direction kept: every component scaled by the same factor
        for (int i = 0; i < g.length; i++) assertEquals(g[i] * coef, out[i], 0.0);
    }

    @Test
    void normClippingIsANoOpBelowTheThreshold() {
        double[] g = {3, 0, 4, 12};
        assertArrayEquals(g, apply(new ClipByGlobalNorm(14.0), g), 0.0, "13 + 1e-6 < 14: unchanged, bit for bit");
        assertArrayEquals(g, apply(new ClipByGlobalNorm(13.0 + 1e-6), g), 0.0, "coef exactly 1: unchanged");
        // PyTorch scales when ||g|| <= max_norm < ||g|| + 1e-6: coef = 13 / (13 + 1e-6) < 1
        double[] atNorm = apply(new ClipByGlobalNorm(13.0), g);
        double coef = 13.0 / (13.0 + 1e-6);
        assertArrayEquals(new double[] {3 * coef, 0, 4 * coef, 12 * coef}, atNorm, 0.0);
        assertArrayEquals(new double[4], apply(new ClipByGlobalNorm(1.0), new double[4]), 0.0, "zero stays zero");
    }

    @Test
    void statelessAndValidated() {
        ClipByGlobalNorm norm = new ClipByGlobalNorm(2.0);
        assertSame(EmptyState.INSTANCE, norm.init(new double[3]));
        assertSame(EmptyState.INSTANCE, new ClipByValue(2.0).init(new double[3]));
        for (double bad : new double[] {0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThrows(IllegalArgumentException.class, () -> new ClipByValue(bad), "value " + bad);
            assertThrows(IllegalArgumentException.class, () -> new ClipByGlobalNorm(bad), "norm " + bad);
        }
    }

    /**
     * Chain.of(clip, sgd) over 30 steps against a transcription of PyTorch's loop:
     * {@code clip_grad_norm_(params, c); optimizer.step()} with weight decay and momentum; then the same with
     * value clipping in front of the sgd pieces directly.
     */
    @Test
    void clippingComposesFirstInAChainWithSgd() {
        double lr = 0.05;
        double mu = 0.9;
        double wd = 0.1;
        double maxNorm = 1.5;
        double tau = 0.7;
        SplittableRandom rng = new SplittableRandom(11);
        double[][] grads = new double[30][4];
        for (double[] row : grads) for (int i = 0; i < 4; i++) row[i] = rng.nextDouble() * 6 - 3;
        double[] start = {0.5, -1.0, 2.0, 0.25};

        GradientTransformation byNorm = Chain.of(new ClipByGlobalNorm(maxNorm),
                Optimizers.sgd(LearningRateSchedule.constant(lr), mu, 0, false, wd, GROUPS));
        GradientTransformation byValue = Chain.of(new ClipByValue(tau), new AddDecayedWeights(wd, GROUPS),
                new TraceMomentum(mu, 0, false), new ScaleByLearningRate(LearningRateSchedule.constant(lr)));

        for (boolean norm : new boolean[] {true, false}) {
            GradientTransformation opt = norm ? byNorm : byValue;
            double[] p = start.clone();
            OptState s = opt.init(p);
            double[] q = start.clone();
            double[] buf = null;
            int clipped = 0;
            for (double[] raw : grads) {
                GradientTransformation.Update u = opt.update(raw, s, p);
                p = GradientTransformation.applyUpdates(p, u.updates());
                s = u.state();
                // the torch loop, by hand
                double[] d = raw.clone();
                if (norm) {
                    double total = Math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2] + d[3] * d[3]);
                    double coef = maxNorm / (total + 1e-6);
                    if (coef < 1) {
                        clipped++;
                        for (int i = 0; i < 4; i++) d[i] *= coef;
                    }
                } else {
                    for (int i = 0; i < 4; i++) {
                        if (Math.abs(d[i]) > tau) clipped++;
                        d[i] = Math.max(-tau, Math.min(tau, d[i]));
                    }
                }
                for (int i = 0; i < 3; i++) d[i] += wd * q[i]; // decay after clipping, not on the intercept
                if (buf == null) {
                    buf = d.clone();
                } else {
                    for (int i = 0; i < 4; i++) buf[i] = mu * buf[i] + d[i];
                }
                for (int i = 0; i < 4; i++) q[i] -= lr * buf[i];
                for (int i = 0; i < 4; i++) {
                    assertEquals(q[i], p[i], 1e-13 * Math.max(1, Math.abs(q[i])), (norm ? "norm" : "value") + " " + i);
                }
            }
            assertTrue(clipped > 10, "clipping was active: " + clipped);
        }
    }
}
