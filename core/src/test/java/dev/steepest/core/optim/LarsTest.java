package dev.steepest.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.model.ParameterGroup;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Lars} against the paper (You, Gitman &amp; Ginsburg 2017, Algorithm 1 and equation (6)), per layer
 * {@code l}, with {@code v = 0} at the start:
 * <pre>
 *   lambda_l = eta * ||w_l|| / (||g_l|| + beta * ||w_l||)        (1 if ||w_l|| = 0 or ||g_l|| = 0)
 *   v_l      = m * v_l + gamma(t) * lambda_l * (g_l + beta * w_l)
 *   w_l      = w_l - v_l
 * </pre>
 * and, for the excluded intercept, {@code v = m * v + gamma(t) * g}, {@code b = b - v}. The problem has two
 * groups: three weights (regularized) and one intercept (not). The expected values are written out with scalars,
 * not with the classes under test.
 */
class LarsTest {
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
     * w = (3, 4, 0), ||w|| = 5; g = (0.6, 0, 0.8), ||g|| = 1; gamma = 0.1, beta = 0.2, eta = 0.001:
     * lambda = 0.001 * 5 / (1 + 0.2 * 5) = 0.0025; v = 0.1 * 0.0025 * (0.6 + 0.6, 0 + 0.8, 0.8 + 0)
     * = (3e-4, 2e-4, 2e-4). Intercept b = 0.5, g_b = 0.2: excluded, v_b = 0.1 * 0.2 = 0.02; included,
     * lambda_b = 0.001 * 0.5 / (0.2 + 0.2 * 0.5) = 1/600 and v_b = 0.1 / 600 * (0.2 + 0.1) = 5e-5.
     */
    @Test
    void firstStepByHand() {
        double[] p = {3, 4, 0, 0.5};
        double[] g = {0.6, 0, 0.8, 0.2};
        LearningRateSchedule lr = LearningRateSchedule.constant(0.1);
        GradientTransformation excl = Lars.create(lr, 0.9, 0.2, 0.001, true, GROUPS);
        double[] next = step(excl, p, new OptState[] {excl.init(p)}, g);
        assertArrayEquals(new double[] {3 - 3e-4, 4 - 2e-4, -2e-4, 0.5 - 0.02}, next, 1e-15);
        GradientTransformation incl = Lars.create(lr, 0.9, 0.2, 0.001, false, GROUPS);
        double[] next2 = step(incl, p, new OptState[] {incl.init(p)}, g);
        assertArrayEquals(new double[] {3 - 3e-4, 4 - 2e-4, -2e-4, 0.5 - 5e-5}, next2, 1e-15);
    }

    /** The paper's polynomial decay gamma(t) = gamma0 (1 - t/T)^2 (section 5), as the schedule. */
    private static final LearningRateSchedule POLY = t -> 0.5 * Math.pow(1 - t / 10.0, 2);

    /** Four gradients; the third has a zero weight gradient (lambda falls back to 1). */
    private static final double[][] GRADS = {
        {0.6, 0.0, 0.8, 0.2},
        {-1.5, 2.0, 0.5, -0.4},
        {0.0, 0.0, 0.0, 1.0},
        {0.3, -0.1, 0.7, 0.05},
    };

    @Test
    void fourStepsMatchThePaperTranscription() {
        double m = 0.9;
        double beta = 0.05;
        double eta = 0.02;
        for (boolean exclude : new boolean[] {true, false}) {
            GradientTransformation opt = Lars.create(POLY, m, beta, eta, exclude, GROUPS);
            double[] p = {3, 4, 0, 0.5};
            OptState[] s = {opt.init(p)};
            // the reference: weights w0..w2 with velocity a0..a2, intercept b with velocity vb
            double w0 = 3;
            double w1 = 4;
            double w2 = 0;
            double b = 0.5;
            double a0 = 0;
            double a1 = 0;
            double a2 = 0;
            double vb = 0;
            for (int t = 0; t < GRADS.length; t++) {
                double[] g = GRADS[t];
                double gamma = 0.5 * (1 - t / 10.0) * (1 - t / 10.0);
                double wn = Math.sqrt(w0 * w0 + w1 * w1 + w2 * w2);
                double gn = Math.sqrt(g[0] * g[0] + g[1] * g[1] + g[2] * g[2]);
                double lam = (wn == 0 || gn == 0) ? 1 : eta * wn / (gn + beta * wn);
                a0 = m * a0 + gamma * lam * (g[0] + beta * w0);
                a1 = m * a1 + gamma * lam * (g[1] + beta * w1);
                a2 = m * a2 + gamma * lam * (g[2] + beta * w2);
                w0 -= a0;
                w1 -= a1;
                w2 -= a2;
                if (exclude) {
                    vb = m * vb + gamma * g[3];
                } else {
                    double bn = Math.abs(b);
                    double gbn = Math.abs(g[3]);
                    double lamB = (bn == 0 || gbn == 0) ? 1 : eta * bn / (gbn + beta * bn);
                    vb = m * vb + gamma * lamB * (g[3] + beta * b);
                }
                b -= vb;
                p = step(opt, p, s, g);
                double[] expected = {w0, w1, w2, b};
                for (int i = 0; i < 4; i++) {
                    assertEquals(expected[i], p[i], 1e-14 * Math.max(1, Math.abs(expected[i])),
                            "exclude=" + exclude + " step " + t + " param " + i);
                }
            }
            assertTrue(Math.abs(p[0] - 3) > 1e-3, "the weights moved");
        }
    }

    /** Excluded: the intercept follows v = m v + gamma g whatever the decay and the trust coefficient. */
    @Test
    void excludedInterceptIgnoresDecayAndTrustRatio() {
        double[][] trajectories = new double[3][];
        double[][] settings = {{0.0, 0.001}, {0.5, 0.001}, {0.1, 1.0}};
        for (int k = 0; k < settings.length; k++) {
            GradientTransformation opt = Lars.create(POLY, 0.8, settings[k][0], settings[k][1], true, GROUPS);
            double[] p = {3, 4, 0, 0.5};
            OptState[] s = {opt.init(p)};
            double vb = 0;
            double b = 0.5;
            for (int t = 0; t < GRADS.length; t++) {
                p = step(opt, p, s, GRADS[t]);
                vb = 0.8 * vb + POLY.rate(t) * GRADS[t][3];
                b -= vb;
                assertEquals(b, p[3], 1e-15, "plain momentum on the intercept");
            }
            trajectories[k] = p;
        }
        assertEquals(trajectories[0][3], trajectories[1][3], 0.0);
        assertEquals(trajectories[0][3], trajectories[2][3], 0.0);
        assertNotEquals(trajectories[0][0], trajectories[1][0], "while the weights do depend on them");
    }

    /**
     * With beta = 0, lambda * g = eta * ||w|| * g / ||g||: multiplying every gradient by c leaves the weights'
     * steps unchanged (up to rounding), while the intercept, outside the trust ratio, moves c times as far.
     */
    @Test
    void trustRatioMakesTheLayerStepInvariantToGradientScale() {
        SplittableRandom rng = new SplittableRandom(5);
        double[][] grads = new double[20][4];
        for (double[] row : grads) for (int i = 0; i < 4; i++) row[i] = rng.nextDouble() * 2 - 1;
        double[] start = {3, 4, 0, 0.5};
        double[] base = run(grads, 1.0, start);
        for (double c : new double[] {1e-4, 0.1, 10, 1e5}) {
            double[] scaled = run(grads, c, start);
            for (int i = 0; i < 3; i++) {
                assertEquals(base[i], scaled[i], 1e-13 * Math.abs(base[i]), "c=" + c + " weight " + i);
            }
            double expected = c * (base[3] - start[3]);
            assertEquals(expected, scaled[3] - start[3], 1e-12 * Math.abs(expected) + 1e-15,
                    "intercept step scales by c");
        }
    }

    private static double[] run(double[][] grads, double c, double[] start) {
        GradientTransformation opt = Lars.create(LearningRateSchedule.constant(0.5), 0.9, 0.0, 0.01, true, GROUPS);
        double[] p = start.clone();
        OptState[] s = {opt.init(p)};
        for (double[] g : grads) {
            double[] cg = new double[4];
            for (int i = 0; i < 4; i++) cg[i] = c * g[i];
            p = step(opt, p, s, cg);
        }
        return p;
    }

    /**
     * The rate is inside the momentum: with gamma = 1 at step 0 and 0 afterwards, step 1 still moves by
     * {@code -m v_0} (a chain ending in -lr(t), as torch.optim.SGD, would not move at all).
     */
    @Test
    void learningRateIsAppliedInsideTheMomentum() {
        LearningRateSchedule once = t -> t == 0 ? 1.0 : 0.0;
        GradientTransformation opt = Lars.create(once, 0.5, 0.0, 0.001, true, GROUPS);
        double[] p = {3, 4, 0, 0.5};
        OptState[] s = {opt.init(p)};
        double[] p1 = step(opt, p, s, new double[] {0.6, 0, 0.8, 0.2});
        double[] p2 = step(opt, p1, s, new double[] {1, 1, 1, 1});
        // v_0 = 1 * (0.001 * 5 / 1) * (0.6, 0, 0.8) = (0.003, 0, 0.004), v_b = 0.2
        assertArrayEquals(new double[] {3 - 0.003, 4, -0.004, 0.3}, p1, 1e-15);
        assertArrayEquals(new double[] {3 - 0.0045, 4, -0.006, 0.2}, p2, 1e-15);
        Lars.ScheduledMomentum.VelocityState vs = (Lars.ScheduledMomentum.VelocityState)
                ((Chain.ChainState) s[0]).states().get(1);
        assertEquals(2, vs.count());
    }

    @Test
    void zeroWeightsUseLocalRateOne() {
        GradientTransformation opt = Lars.create(LearningRateSchedule.constant(0.1), 0.9, 0.3, 0.001, true, GROUPS);
        double[] p = {0, 0, 0, 0};
        double[] next = step(opt, p, new OptState[] {opt.init(p)}, new double[] {1, -2, 0.5, 1});
        assertArrayEquals(new double[] {-0.1, 0.2, -0.05, -0.1}, next, 1e-16);
    }

    @Test
    void chainStructureAndValidation() {
        List<GradientTransformation> pieces =
                ((Chain) Lars.create(POLY, 0.9, 0.0, 0.001, true, GROUPS)).pieces();
        assertEquals(2, pieces.size());
        assertInstanceOf(Lars.LocalRate.class, pieces.get(0));
        assertInstanceOf(Lars.ScheduledMomentum.class, pieces.get(1));
        assertThrows(IllegalArgumentException.class, () -> Lars.create(POLY, -0.1, 0, 0.001, true, GROUPS));
        assertThrows(IllegalArgumentException.class, () -> Lars.create(POLY, 0.9, -1, 0.001, true, GROUPS));
        assertThrows(IllegalArgumentException.class, () -> Lars.create(POLY, 0.9, 0, 0, true, GROUPS));
        assertThrows(IllegalArgumentException.class, () -> Lars.create(POLY, 0.9, 0, Double.NaN, true, GROUPS));
    }

    /** 40 steps, keep the state; 40 more, and again from the kept state (and from its serialized bytes). */
    @Test
    void savedStateRestoresTheRunBitForBit() throws Exception {
        LearningRateSchedule warmup = new LinearWarmup(0.01, 30, LearningRateSchedule.constant(0.3));
        SplittableRandom rng = new SplittableRandom(17);
        double[][] grads = new double[80][4];
        for (double[] row : grads) for (int i = 0; i < 4; i++) row[i] = rng.nextDouble() * 4 - 2;
        for (boolean exclude : new boolean[] {true, false}) {
            GradientTransformation opt = Lars.create(warmup, 0.9, 0.01, 0.02, exclude, GROUPS);
            double[] p = {3, 4, 0, 0.5};
            OptState[] s = {opt.init(p)};
            for (int t = 0; t < 40; t++) p = step(opt, p, s, grads[t]);
            OptState kept = s[0];
            double[] keptParams = p.clone();
            byte[] bytes = serialize(kept);
            for (int t = 40; t < 80; t++) p = step(opt, p, s, grads[t]);

            double[] q = keptParams.clone();
            OptState[] r = {kept};
            for (int t = 40; t < 80; t++) q = step(opt, q, r, grads[t]);
            assertArrayEquals(p, q, 0.0);
            assertEquals(s[0], r[0]);
            assertEquals(s[0].hashCode(), r[0].hashCode());
            assertNotEquals(kept, s[0]);

            GradientTransformation fresh = Lars.create(warmup, 0.9, 0.01, 0.02, exclude, GROUPS);
            OptState restored = deserialize(bytes);
            assertEquals(kept, restored);
            double[] u = keptParams.clone();
            OptState[] rs = {restored};
            for (int t = 40; t < 80; t++) u = step(fresh, u, rs, grads[t]);
            assertArrayEquals(p, u, 0.0);
            assertEquals(s[0], rs[0]);
        }
    }

    static byte[] serialize(Object o) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    static OptState deserialize(byte[] bytes) throws Exception {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return (OptState) in.readObject();
        }
    }
}
