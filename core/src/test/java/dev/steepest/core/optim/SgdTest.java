package dev.steepest.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.model.LinearModel;
import dev.steepest.core.model.ParameterGroup;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Optimizers#sgd} against a literal transcription of {@code torch.optim.SGD}'s update, and the
 * save/restore contract of optimizer states.
 */
class SgdTest {
    private static final int STEPS = 100;
    /** 5 coefficients (regularized) and an intercept (not). */
    private static final List<ParameterGroup> GROUPS = LinearModel.linearRegression(5, true).groups();
    private static final int P = 6;

    private record Config(String name, double momentum, double dampening, boolean nesterov, double weightDecay) {
    }

    private static final Config[] CONFIGS = {
        new Config("plain", 0, 0, false, 0),
        new Config("momentum", 0.9, 0, false, 0),
        new Config("momentum+dampening", 0.9, 0.5, false, 0),
        new Config("nesterov", 0.9, 0, true, 0),
        new Config("weight decay", 0, 0, false, 0.01),
        new Config("weight decay+momentum+dampening", 0.8, 0.3, false, 0.05),
        new Config("weight decay+nesterov", 0.95, 0, true, 0.1),
    };

    private static final LearningRateSchedule[] SCHEDULES = {
        LearningRateSchedule.constant(0.05),
        new LinearWarmup(0.01, 30, LearningRateSchedule.constant(0.2)),
    };

    private static double[][] gradients(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] g = new double[STEPS][P];
        for (double[] row : g) for (int i = 0; i < P; i++) row[i] = rng.nextDouble() * 4 - 2;
        return g;
    }

    private static double[] initialParams() {
        return new double[] {0.5, -1.25, 2.0, 0.0, -0.3, 1.5};
    }

    /** torch.optim.SGD.step, one parameter group per steepest group (weight decay 0 where not regularized). */
    private static double[] torchSgd(Config c, LearningRateSchedule lr, double[][] grads, double[] start) {
        double[] p = start.clone();
        double[] buf = null;
        for (int t = 0; t < grads.length; t++) {
            double[] d = grads[t].clone();
            if (c.weightDecay() != 0) {
                for (ParameterGroup g : GROUPS) {
                    double wd = g.regularized() ? c.weightDecay() : 0.0;
                    for (int i = g.offset(); i < g.end(); i++) d[i] = d[i] + wd * p[i];
                }
            }
            if (c.momentum() != 0) {
                if (buf == null) {
                    buf = d.clone();
                } else {
                    for (int i = 0; i < P; i++) buf[i] = buf[i] * c.momentum() + (1 - c.dampening()) * d[i];
                }
                if (c.nesterov()) {
                    for (int i = 0; i < P; i++) d[i] = d[i] + c.momentum() * buf[i];
                } else {
                    d = buf.clone();
                }
            }
            double rate = lr.rate(t);
            for (int i = 0; i < P; i++) p[i] = p[i] - rate * d[i];
        }
        return p;
    }

    private static GradientTransformation sgd(Config c, LearningRateSchedule lr) {
        return Optimizers.sgd(lr, c.momentum(), c.dampening(), c.nesterov(), c.weightDecay(), GROUPS);
    }

    /** Params and state after running steps {@code [from, to)} of {@code grads}. */
    private record Run(double[] params, OptState state) {
    }

    private static Run run(GradientTransformation opt, double[][] grads, int from, int to, double[] params,
                           OptState state) {
        double[] p = params.clone();
        OptState s = state;
        for (int t = from; t < to; t++) {
            double[] g = grads[t].clone();
            double[] pBefore = p.clone();
            GradientTransformation.Update u = opt.update(g, s, p);
            assertArrayEquals(grads[t], g, 0.0, "the gradient is not modified");
            assertArrayEquals(pBefore, p, 0.0, "the params are not modified");
            p = GradientTransformation.applyUpdates(p, u.updates());
            s = u.state();
        }
        return new Run(p, s);
    }

    private static void assertRelClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            double tol = 1e-12 * Math.max(Math.abs(expected[i]), Math.abs(actual[i]));
            assertEquals(expected[i], actual[i], tol, what + ": parameter " + i);
        }
    }

    @Test
    void matchesTorchSgdOver100Steps() {
        for (Config c : CONFIGS) {
            for (int s = 0; s < SCHEDULES.length; s++) {
                double[][] grads = gradients(7 + s);
                GradientTransformation opt = sgd(c, SCHEDULES[s]);
                double[] start = initialParams();
                Run ours = run(opt, grads, 0, STEPS, start, opt.init(start));
                double[] torch = torchSgd(c, SCHEDULES[s], grads, start);
                assertRelClose(torch, ours.params(), c.name() + " schedule " + s);
                // and the run went somewhere: not a vacuous comparison
                assertTrue(Math.abs(ours.params()[0] - start[0]) > 1e-3, c.name());
            }
        }
    }

    @Test
    void chainHasThePiecesTheSettingsAskFor() {
        LearningRateSchedule lr = LearningRateSchedule.constant(0.1);
        List<GradientTransformation> plain = ((Chain) Optimizers.sgd(lr, 0, 0, false, 0, GROUPS)).pieces();
        assertEquals(1, plain.size());
        assertInstanceOf(ScaleByLearningRate.class, plain.get(0));
        List<GradientTransformation> all = ((Chain) Optimizers.sgd(lr, 0.9, 0, true, 0.1, GROUPS)).pieces();
        assertEquals(3, all.size());
        assertInstanceOf(AddDecayedWeights.class, all.get(0));
        assertInstanceOf(TraceMomentum.class, all.get(1));
        assertInstanceOf(ScaleByLearningRate.class, all.get(2));
    }

    /** With a zero gradient only the decay acts: coefficients shrink by (1 - lr wd) per step, the intercept stays. */
    @Test
    void weightDecaySkipsTheInterceptGroup() {
        double lr = 0.1;
        double wd = 0.5;
        GradientTransformation opt = Optimizers.sgd(LearningRateSchedule.constant(lr), 0, 0, false, wd, GROUPS);
        double[] start = initialParams();
        double[][] zeros = new double[STEPS][P];
        Run r = run(opt, zeros, 0, STEPS, start, opt.init(start));
        assertEquals(start[5], r.params()[5], 0.0, "the intercept is not decayed");
        for (int i = 0; i < 5; i++) {
            double expected = start[i] * Math.pow(1 - lr * wd, STEPS);
            assertEquals(expected, r.params()[i], 1e-12 * Math.abs(start[i]), "coefficient " + i);
        }
        assertTrue(Math.abs(r.params()[0]) < 1e-2 * Math.abs(start[0]), "0.95^100 = 0.0059: the decay acted");
        // the piece alone: g + wd * p on regularized groups only
        AddDecayedWeights decay = new AddDecayedWeights(wd, GROUPS);
        double[] g = {1, 1, 1, 1, 1, 1};
        double[] u = decay.update(g, decay.init(start), start).updates();
        for (int i = 0; i < 5; i++) assertEquals(1 + wd * start[i], u[i], 0.0);
        assertEquals(1.0, u[5], 0.0);
    }

    @Test
    void firstMomentumStepCopiesTheGradientWithoutDampening() {
        TraceMomentum m = new TraceMomentum(0.9, 0.5, false);
        double[] g = {1.0, -2.0};
        OptState s0 = m.init(new double[2]);
        assertNull(((TraceMomentum.MomentumState) s0).buffer());
        GradientTransformation.Update u1 = m.update(g, s0, new double[2]);
        assertArrayEquals(g, u1.updates(), 0.0);
        assertArrayEquals(g, ((TraceMomentum.MomentumState) u1.state()).buffer(), 0.0);
        GradientTransformation.Update u2 = m.update(g, u1.state(), new double[2]);
        assertArrayEquals(new double[] {0.9 * 1 + 0.5 * 1, 0.9 * -2 + 0.5 * -2}, u2.updates(), 0.0);
    }

    @Test
    void savedStateRestoresTheRunExactly() throws Exception {
        for (Config c : CONFIGS) {
            LearningRateSchedule lr = SCHEDULES[1]; // step-dependent: the step count is part of the state
            double[][] grads = gradients(3);
            GradientTransformation opt = sgd(c, lr);
            double[] start = initialParams();
            Run first = run(opt, grads, 0, 50, start, opt.init(start));
            OptState saved = first.state();
            double[] savedParams = first.params().clone();
            byte[] bytes = serialize(saved);

            Run continued = run(opt, grads, 50, STEPS, first.params(), first.state());
            Run restarted = run(opt, grads, 50, STEPS, savedParams, saved);
            assertArrayEquals(continued.params(), restarted.params(), 0.0, c.name());
            assertEquals(continued.state(), restarted.state(), c.name());
            assertEquals(continued.state().hashCode(), restarted.state().hashCode());

            // continuing did not alter the saved state: it still equals a fresh run of the first 50 steps
            Run again = run(opt, grads, 0, 50, start, opt.init(start));
            assertEquals(saved, again.state(), c.name());
            assertArrayEquals(savedParams, again.params(), 0.0);
            assertNotEquals(saved, continued.state(), c.name() + ": the state moves on");

            // a state restored from bytes (a checkpoint) continues identically too, with a fresh optimizer
            OptState restored = deserialize(bytes);
            assertEquals(saved, restored);
            Run fromCheckpoint = run(sgd(c, lr), grads, 50, STEPS, savedParams, restored);
            assertArrayEquals(continued.params(), fromCheckpoint.params(), 0.0, c.name());
            assertEquals(continued.state(), fromCheckpoint.state());

            // and equals the uninterrupted 100-step run
            Run straight = run(opt, grads, 0, STEPS, start, opt.init(start));
            assertArrayEquals(straight.params(), continued.params(), 0.0);
            assertEquals(straight.state(), continued.state());
        }
    }

    @Test
    void stateValuesCompareByContent() {
        Chain.ChainState a = new Chain.ChainState(List.of(new TraceMomentum.MomentumState(new double[] {1, 2}),
                new ScaleByLearningRate.StepCount(3), EmptyState.INSTANCE));
        Chain.ChainState b = new Chain.ChainState(List.of(new TraceMomentum.MomentumState(new double[] {1, 2}),
                new ScaleByLearningRate.StepCount(3), new EmptyState()));
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, new Chain.ChainState(List.of(new TraceMomentum.MomentumState(new double[] {1, 2.5}),
                new ScaleByLearningRate.StepCount(3), EmptyState.INSTANCE)));
        assertNotEquals(a, new Chain.ChainState(List.of(new TraceMomentum.MomentumState(new double[] {1, 2}),
                new ScaleByLearningRate.StepCount(4), EmptyState.INSTANCE)));
        assertEquals(new TraceMomentum.MomentumState(null), new TraceMomentum.MomentumState(null));
        assertNotEquals(new TraceMomentum.MomentumState(null), new TraceMomentum.MomentumState(new double[0]));
    }

    private static byte[] serialize(Object o) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    private static OptState deserialize(byte[] bytes) throws Exception {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return (OptState) in.readObject();
        }
    }
}
