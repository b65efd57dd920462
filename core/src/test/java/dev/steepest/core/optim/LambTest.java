package dev.steepest.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.model.ParameterGroup;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Lamb} against the paper (You et al. 2019/2020, "Large Batch Optimization for Deep Learning", Algorithm 2,
 * with bias correction), per layer {@code l}, at {@code t = 1, 2, ...}, with {@code m = v = 0} at the start:
 * <pre>
 *   m     = beta1 * m + (1 - beta1) * g
 *   v     = beta2 * v + (1 - beta2) * g^2
 *   m_hat = m / (1 - beta1^t),  v_hat = v / (1 - beta2^t)
 *   r     = m_hat / (sqrt(v_hat) + eps) + lambda * w
 *   w_l   = w_l - eta(t) * ||w_l|| / ||r_l|| * r_l                    (ratio 1 if either norm is 0)
 * </pre>
 * and, for the excluded intercept, the Adam step {@code b = b - eta(t) * m_hat / (sqrt(v_hat) + eps)}. The
 * problem has two groups: three weights (regularized) and one intercept (not). Expected values are written out
 * with scalars, not with the classes under test.
 */
class LambTest {
    private static final List<ParameterGroup> GROUPS = List.of(new ParameterGroup("weights", 0, 3, true),
            new ParameterGroup("intercept", 3, 1, false));

    private static double[] step(GradientTransformation opt, double[] p, OptState[] state, double[] g) {
        double[] gCopy = g.clone();
        double[] pCopy = p.clone();
        GradientTransformation.Update u = opt.update(gCopy, state[0], pCopy);
        assertArrayEquals(g, gCopy, 0.0, "the gradient is not modified");
        assertArrayEquals(p, pCopy, 0.0, "the params are not modified");
        state[0] = u.state();
        return GradientTransformation.applyUpdates(p, u.updates());
    }

    /**
     * First step: m_hat = g, v_hat = g^2, so r_i = g_i / (|g_i| + eps) + lambda w_i. With w = (3, 4, 0),
     * ||w|| = 5, g = (0.6, -0.2, 0.8), lambda = 0.1, eps = 1e-6:
     * r = (0.6/0.600001 + 0.3, -0.2/0.200001 + 0.4, 0.8/0.800001), and w -= 0.01 * 5 / ||r|| * r. The excluded
     * intercept (b = 0.5, g_b = 0.2) takes the Adam step b -= 0.01 * 0.2 / 0.200001; included, its one-element
     * "layer" has ratio |b| / |r_b|, so it moves by exactly eta * |b| = 0.005 against sign(r_b).
     */
    @Test
    void firstStepByHand() {
        double[] p = {3, 4, 0, 0.5};
        double[] g = {0.6, -0.2, 0.8, 0.2};
        double[] r = {0.6 / 0.600001 + 0.3, -0.2 / 0.200001 + 0.4, 0.8 / 0.800001};
        double rn = Math.sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
        double k = 0.01 * 5 / rn;
        GradientTransformation excl = Lamb.create(LearningRateSchedule.constant(0.01), 0.9, 0.999, 1e-6, 0.1, true,
                GROUPS);
        double[] next = step(excl, p, new OptState[] {excl.init(p)}, g);
        assertArrayEquals(new double[] {3 - k * r[0], 4 - k * r[1], -k * r[2], 0.5 - 0.01 * 0.2 / 0.200001}, next,
                1e-15);
        GradientTransformation incl = Lamb.create(LearningRateSchedule.constant(0.01), 0.9, 0.999, 1e-6, 0.1, false,
                GROUPS);
        double[] next2 = step(incl, p, new OptState[] {incl.init(p)}, g);
        assertArrayEquals(new double[] {3 - k * r[0], 4 - k * r[1], -k * r[2], 0.5 - 0.005}, next2, 1e-15);
    }

    private static final double[][] GRADS = {
        {0.6, -0.2, 0.8, 0.2},
        {-1.5, 2.0, 0.5, -0.4},
        {0.0, 0.0, 0.0, 1.0},
        {0.3, -0.1, 0.7, 0.05},
        {2.0, 1.0, -3.0, -0.5},
    };

    @Test
    void fiveStepsMatchThePaperTranscription() {
        double b1 = 0.9;
        double b2 = 0.99;
        double eps = 1e-6;
        double lambda = 0.05;
        LearningRateSchedule lr = new LinearWarmup(0.01, 3, LearningRateSchedule.constant(0.05));
        for (boolean exclude : new boolean[] {true, false}) {
            GradientTransformation opt = Lamb.create(lr, b1, b2, eps, lambda, exclude, GROUPS);
            double[] p = {3, 4, 0, 0.5};
            OptState[] s = {opt.init(p)};
            double[] w = {3, 4, 0, 0.5}; // the reference's parameters, moments m and v
            double[] m = new double[4];
            double[] v = new double[4];
            for (int t = 1; t <= GRADS.length; t++) {
                double[] g = GRADS[t - 1];
                double eta = t - 1 >= 3 ? 0.05 : 0.01 + (0.05 - 0.01) * (t - 1) / 3.0;
                double[] r = new double[4];
                for (int i = 0; i < 4; i++) {
                    m[i] = b1 * m[i] + (1 - b1) * g[i];
                    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                    double mHat = m[i] / (1 - Math.pow(b1, t));
                    double vHat = v[i] / (1 - Math.pow(b2, t));
                    r[i] = mHat / (Math.sqrt(vHat) + eps);
                }
                // layer 1: the weights
                for (int i = 0; i < 3; i++) r[i] += lambda * w[i];
                double wn = Math.sqrt(w[0] * w[0] + w[1] * w[1] + w[2] * w[2]);
                double rn = Math.sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
                double ratio = (wn == 0 || rn == 0) ? 1 : wn / rn;
                for (int i = 0; i < 3; i++) w[i] -= eta * ratio * r[i];
                // layer 2: the intercept
                if (exclude) {
                    w[3] -= eta * r[3];
                } else {
                    r[3] += lambda * w[3];
                    double ratioB = (w[3] == 0 || r[3] == 0) ? 1 : Math.abs(w[3]) / Math.abs(r[3]);
                    w[3] -= eta * ratioB * r[3];
                }
                p = step(opt, p, s, g);
                for (int i = 0; i < 4; i++) {
                    assertEquals(w[i], p[i], 1e-14 * Math.max(1, Math.abs(w[i])),
                            "exclude=" + exclude + " step " + t + " param " + i);
                }
            }
            assertTrue(Math.abs(p[0] - 3) > 1e-2, "the weights moved");
        }
    }

    /** Excluded: the intercept takes Adam steps whatever the decay; the weights do depend on the decay. */
    @Test
    void excludedInterceptIsPlainAdam() {
        LearningRateSchedule lr = LearningRateSchedule.constant(0.02);
        double[][] runs = new double[2][];
        double[] decays = {0.0, 0.3};
        for (int k = 0; k < 2; k++) {
            GradientTransformation opt = Lamb.create(lr, 0.9, 0.999, 1e-6, decays[k], true, GROUPS);
            double[] p = {3, 4, 0, 0.5};
            OptState[] s = {opt.init(p)};
            double m = 0;
            double v = 0;
            double b = 0.5;
            for (int t = 1; t <= GRADS.length; t++) {
                double g = GRADS[t - 1][3];
                m = 0.9 * m + 0.1 * g;
                v = 0.999 * v + 0.001 * g * g;
                b -= 0.02 * (m / (1 - Math.pow(0.9, t))) / (Math.sqrt(v / (1 - Math.pow(0.999, t))) + 1e-6);
                p = step(opt, p, s, GRADS[t - 1]);
                assertEquals(b, p[3], 1e-15, "Adam on the intercept, step " + t);
            }
            runs[k] = p;
        }
        assertEquals(runs[0][3], runs[1][3], 0.0);
        assertNotEquals(runs[0][0], runs[1][0]);
    }

    /** Zero weights: the trust ratio falls back to 1, an Adam step (plus lambda * 0). */
    @Test
    void zeroWeightsUseRatioOne() {
        GradientTransformation opt = Lamb.create(LearningRateSchedule.constant(0.1), 0.9, 0.999, 0.0, 0.2, true,
                GROUPS);
        double[] p = {0, 0, 0, 0};
        double[] next = step(opt, p, new OptState[] {opt.init(p)}, new double[] {1, -2, 0.5, -1});
        assertArrayEquals(new double[] {-0.1, 0.1, -0.1, 0.1}, next, 1e-15, "eps = 0: r = sign(g)");
    }

    /**
     * With lambda = 0 the layer step is eta * ||w|| * r / ||r||, and r = m_hat / (sqrt(v_hat) + eps) is invariant
     * under g -> c g when eps = 0: scaling every gradient leaves the weights' trajectory unchanged up to rounding.
     * With eps > 0 each r_i is off by the relative amount eps / (sqrt(v_hat_i) + eps) <= eps / (c * min|g|), so the
     * trajectory is nearly unchanged, and the nearer the larger c is (observed: 2.9e-4 at c = 0.01 down to
     * 2.9e-10 at c = 1e4, exactly 1/c). The excluded intercept takes Adam steps, which are scale-invariant too.
     */
    @Test
    void trustRatioMakesTheLayerStepInvariantToGradientScale() {
        SplittableRandom rng = new SplittableRandom(9);
        double[][] grads = new double[20][4];
        double gMin = Double.POSITIVE_INFINITY;
        for (double[] row : grads) {
            for (int i = 0; i < 4; i++) {
                row[i] = rng.nextDouble() * 2 - 1;
                gMin = Math.min(gMin, Math.abs(row[i]));
            }
        }
        double[] start = {3, 4, 0, 0.5};
        double[] exact = run(grads, 1.0, 0.0, start);
        double eps = 1e-6;
        double previous = Double.POSITIVE_INFINITY;
        for (double c : new double[] {0.01, 1, 100, 1e4}) {
            double[] withoutEps = run(grads, c, 0.0, start);
            double[] withEps = run(grads, c, eps, start);
            double worst = 0;
            for (int i = 0; i < 4; i++) {
                double step = Math.abs(exact[i] - start[i]);
                assertEquals(exact[i], withoutEps[i], 1e-13 * Math.max(1, step), "eps=0 c=" + c + " param " + i);
                worst = Math.max(worst, Math.abs(withEps[i] - exact[i]) / step);
            }
            assertTrue(worst <= eps / (c * gMin), "c=" + c + ": relative change " + worst);
            assertTrue(worst < previous, "nearer for larger c");
            previous = worst;
        }
    }

    private static double[] run(double[][] grads, double c, double eps, double[] start) {
        GradientTransformation opt = Lamb.create(LearningRateSchedule.constant(0.05), 0.9, 0.999, eps, 0.0, true,
                GROUPS);
        double[] p = start.clone();
        OptState[] s = {opt.init(p)};
        for (double[] g : grads) {
            double[] cg = new double[4];
            for (int i = 0; i < 4; i++) cg[i] = c * g[i];
            p = step(opt, p, s, cg);
        }
        return p;
    }

    @Test
    void chainStructureAndValidation() {
        LearningRateSchedule lr = LearningRateSchedule.constant(0.01);
        List<GradientTransformation> all = ((Chain) Lamb.create(lr, 0.9, 0.999, 1e-6, 0.01, true, GROUPS)).pieces();
        assertEquals(4, all.size());
        assertInstanceOf(ScaleByAdam.class, all.get(0));
        assertInstanceOf(AddDecayedWeights.class, all.get(1));
        assertInstanceOf(Lamb.ScaleByTrustRatio.class, all.get(2));
        assertInstanceOf(ScaleByLearningRate.class, all.get(3));
        assertEquals(3, ((Chain) Lamb.create(lr, 0.9, 0.999, 1e-6, 0.0, true, GROUPS)).pieces().size());
        assertThrows(IllegalArgumentException.class, () -> Lamb.create(lr, 1.0, 0.999, 1e-6, 0, true, GROUPS));
        assertThrows(IllegalArgumentException.class, () -> Lamb.create(lr, 0.9, 0.999, -1, 0, true, GROUPS));
        assertThrows(IllegalArgumentException.class, () -> Lamb.create(lr, 0.9, 0.999, 1e-6, -0.1, true, GROUPS));
    }

    /** 40 steps, keep the state; 40 more, and again from the kept state (and from its serialized bytes). */
    @Test
    void savedStateRestoresTheRunBitForBit() throws Exception {
        LearningRateSchedule warmup = new LinearWarmup(0.001, 30, LearningRateSchedule.constant(0.02));
        SplittableRandom rng = new SplittableRandom(23);
        double[][] grads = new double[80][4];
        for (double[] row : grads) for (int i = 0; i < 4; i++) row[i] = rng.nextDouble() * 4 - 2;
        for (boolean exclude : new boolean[] {true, false}) {
            GradientTransformation opt = Lamb.create(warmup, 0.9, 0.999, 1e-6, 0.01, exclude, GROUPS);
            double[] p = {3, 4, 0, 0.5};
            OptState[] s = {opt.init(p)};
            for (int t = 0; t < 40; t++) p = step(opt, p, s, grads[t]);
            OptState kept = s[0];
            double[] keptParams = p.clone();
            byte[] bytes = LarsTest.serialize(kept);
            for (int t = 40; t < 80; t++) p = step(opt, p, s, grads[t]);

            double[] q = keptParams.clone();
            OptState[] r = {kept};
            for (int t = 40; t < 80; t++) q = step(opt, q, r, grads[t]);
            assertArrayEquals(p, q, 0.0);
            assertEquals(s[0], r[0]);
            assertEquals(s[0].hashCode(), r[0].hashCode());
            assertNotEquals(kept, s[0]);

            GradientTransformation fresh = Lamb.create(warmup, 0.9, 0.999, 1e-6, 0.01, exclude, GROUPS);
            OptState restored = LarsTest.deserialize(bytes);
            assertEquals(kept, restored);
            double[] u = keptParams.clone();
            OptState[] rs = {restored};
            for (int t = 40; t < 80; t++) u = step(fresh, u, rs, grads[t]);
            assertArrayEquals(p, u, 0.0);
            assertEquals(s[0], rs[0]);
        }
    }
}
