package dev.steepest.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.TestData;
import dev.steepest.core.data.Block;
import dev.steepest.core.model.LinearModel;
import dev.steepest.core.model.ParameterInit;
import dev.steepest.core.optim.Adam;
import dev.steepest.core.optim.AdamW;
import dev.steepest.core.optim.Chain;
import dev.steepest.core.optim.GradientTransformation;
import dev.steepest.core.optim.LrScaling;
import dev.steepest.core.optim.OptState;
import dev.steepest.core.optim.Optimizers;
import dev.steepest.core.optim.ScaleByLearningRate;
import dev.steepest.core.optim.prox.ElasticNetProx;
import dev.steepest.core.optim.prox.L1Prox;
import dev.steepest.core.optim.schedule.CosineAnnealing;
import dev.steepest.core.optim.schedule.ReduceOnPlateau;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The {@link TrainingOptions} of {@link TrainingLoop}: a schedule factory (with warmup on top), reduce-on-plateau,
 * a proximal operator (lasso, elastic net), decoupled weight decay, regularized intercepts and Polyak averaging.
 * Where the math is exact the checks are bit for bit; solutions of convex problems are checked against their
 * optimality conditions or normal equations solved here.
 */
class TrainingOptionsTest {
    private static final double NAN = Double.NaN;

    // ----------------------------------------------------------------------------------------------------------
    // fixtures

    /** Sees the run through the listener and through the optimizer: params before, gradient and update per step. */
    private static final class Probe implements TrainingListener {
        final List<StepRecord> steps = new ArrayList<>();
        final List<EpochRecord> epochs = new ArrayList<>();
        final List<double[]> before = new ArrayList<>();
        final List<double[]> gradients = new ArrayList<>();
        final List<double[]> updates = new ArrayList<>();
        int optimizersBuilt;
        TrainingPlan plan;

        @Override public void onPlan(TrainingPlan p) { plan = p; }
        @Override public void onStep(StepRecord s) { steps.add(s); }
        @Override public void onEpoch(EpochRecord e) { epochs.add(e); }

        /** {@code inner}'s optimizers, recording every update call into this probe. */
        OptimizerFactory wrap(OptimizerFactory inner) {
            return (schedule, groups) -> {
                optimizersBuilt++;
                GradientTransformation t = inner.create(schedule, groups);
                return new GradientTransformation() {
                    @Override public OptState init(double[] params) { return t.init(params); }
                    @Override public Update update(double[] g, OptState state, double[] params) {
                        before.add(params.clone());
                        gradients.add(g.clone());
                        Update u = t.update(g, state, params);
                        updates.add(u.updates().clone());
                        return u;
                    }
                };
            };
        }

        /** The parameters after step {@code k} (1-based) of a run that returned {@code result} (not averaged). */
        double[] after(int k, TrainingResult result) {
            return k < before.size() ? before.get(k) : result.params();
        }
    }

    private static OptimizerFactory sgd(double momentum) {
        return (schedule, groups) -> Optimizers.sgd(schedule, momentum, 0, false, 0, groups);
    }

    private static TrainingSettings settings(long batch, int epochs, long maxIterations, double lr, double l2) {
        return new TrainingSettings(batch, epochs, maxIterations, 7, lr, LrScaling.NONE, 1, 0.0, l2, NAN, NAN, NAN);
    }

    private static TrainingResult run(List<Block> blocks, int d, TrainingSettings s, TrainingOptions options,
                                      OptimizerFactory factory, Probe probe) {
        LinearModel model = LinearModel.linearRegression(d, true);
        return new TrainingLoop(new LocalGradientSource(blocks, model), model, s, probe.wrap(factory), List.of(probe),
                options).run(new double[d + 1]);
    }

    /**
     * Regression rows: features N(0,1) plus a per-feature offset in [-0.5, 0.5) when {@code offsets} (so the
     * intercept couples with the weights), labels {@code teacher.x + intercept + noise * N(0,1)}, unit weights.
     */
    private static TestData.Rows regression(long seed, int n, double[] teacher, double intercept, double noise,
                                            boolean offsets) {
        SplittableRandom rng = new SplittableRandom(seed);
        int d = teacher.length;
        double[] offset = new double[d];
        if (offsets) for (int j = 0; j < d; j++) offset[j] = rng.nextDouble() - 0.5;
        double[][] x = new double[n][d];
        double[] y = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            double m = intercept;
            for (int j = 0; j < d; j++) {
                x[i][j] = ParameterInit.gaussian(rng) + offset[j];
                m += teacher[j] * x[i][j];
            }
            y[i] = m + noise * ParameterInit.gaussian(rng);
            w[i] = 1.0;
        }
        return new TestData.Rows(d, x, y, w);
    }

    private static double[] augmented(double[] x) {
        double[] out = Arrays.copyOf(x, x.length + 1);
        out[x.length] = 1.0;
        return out;
    }

    /** The gradient of the weighted mean of {@code 0.5 (w.x + b - y)^2} (no penalty), intercept last. */
    private static double[] dataGradient(TestData.Rows r, double[] theta) {
        int d = r.d();
        double[] g = new double[d + 1];
        double wsum = 0;
        for (int i = 0; i < r.n(); i++) {
            double[] x = augmented(r.x[i]);
            double m = 0;
            for (int a = 0; a <= d; a++) m += x[a] * theta[a];
            for (int a = 0; a <= d; a++) g[a] += r.w[i] * (m - r.y[i]) * x[a];
            wsum += r.w[i];
        }
        for (int a = 0; a <= d; a++) g[a] /= wsum;
        return g;
    }

    /** The weighted mean of {@code 0.5 (w.x + b - y)^2}. */
    private static double dataLoss(TestData.Rows r, double[] theta) {
        double s = 0;
        double wsum = 0;
        for (int i = 0; i < r.n(); i++) {
            double[] x = augmented(r.x[i]);
            double m = 0;
            for (int a = 0; a < x.length; a++) m += x[a] * theta[a];
            s += r.w[i] * 0.5 * (m - r.y[i]) * (m - r.y[i]);
            wsum += r.w[i];
        }
        return s / wsum;
    }

    /** {@code X~'X~/n + l2 * diag(1, .., 1, interceptPenalized ? 1 : 0)}, unit weights. */
    private static double[][] hessian(TestData.Rows r, double l2, boolean interceptPenalized) {
        int d = r.d();
        double[][] h = new double[d + 1][d + 1];
        for (int i = 0; i < r.n(); i++) {
            double[] x = augmented(r.x[i]);
            for (int a = 0; a <= d; a++) for (int b = 0; b <= d; b++) h[a][b] += x[a] * x[b] / r.n();
        }
        for (int j = 0; j < d; j++) h[j][j] += l2;
        if (interceptPenalized) h[d][d] += l2;
        return h;
    }

    private static double largestEigenvalue(double[][] h) {
        double[] ev = TestData.symmetricEigenvalues(h);
        return ev[ev.length - 1];
    }

    private static double maxAbsDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    private static double softThreshold(double x, double t) {
        return x > t ? x - t : x < -t ? x + t : 0.0;
    }

    private static double cosine(double lr0, long t, long tMax) {
        // CosineAnnealing's closed form with etaMin = 0, evaluated the same way
        return 0.0 + (lr0 - 0.0) * (1 + StrictMath.cos(Math.PI * t / tMax)) / 2;
    }

    // ----------------------------------------------------------------------------------------------------------
    // 1. schedule factory

    @Test
    void cosineScheduleFactorySetsTheRateOfEveryStep() {
        TestData.Rows rows = TestData.random(11, 120, 4, 0.0, false, true);
        List<Block> blocks = TestData.blocks(rows, new int[] {50, 70}, false);
        Probe probe = new Probe();
        double lr = 0.05;
        TrainingResult r = run(blocks, 4, settings(16, 5, 0, lr, 0.0),
                TrainingOptions.defaults().withSchedule(plan -> new CosineAnnealing(plan.effectiveLr(), 30, 0.0)),
                sgd(0.0), probe);
        assertEquals("epochs", r.stopReason());
        assertEquals(40, probe.steps.size(), "5 epochs of ceil(120 / 16) = 8 steps");
        for (StepRecord s : probe.steps) {
            long t = s.iteration() - 1;
            double expected = cosine(lr, t, 30);
            assertEquals(expected, s.lr(), 0.0, "step " + t);
            assertEquals(lr * (1 + Math.cos(Math.PI * t / 30)) / 2, s.lr(), 1e-15 * lr, "step " + t);
            // plain SGD: the update is exactly -lr(t) g, and the parameters move by exactly that
            double[] g = probe.gradients.get((int) t);
            double[] u = probe.updates.get((int) t);
            double[] p = probe.before.get((int) t);
            double[] next = probe.after((int) t + 1, r);
            for (int i = 0; i < g.length; i++) {
                assertEquals(-s.lr() * g[i], u[i], 0.0, "update, step " + t);
                assertEquals(p[i] + u[i], next[i], 0.0, "params, step " + t);
            }
        }
        assertEquals(lr, probe.steps.get(0).lr(), 0.0, "the schedule starts at the effective rate");
        assertEquals(0.0, probe.steps.get(30).lr(), 0.0, "cos(pi) = -1: the rate is 0 at tMax");
        assertArrayEquals(probe.before.get(30), probe.before.get(31), 0.0, "a step at rate 0 does not move");
        // after tMax the cosine climbs back (as torch does)
        assertTrue(probe.steps.get(39).lr() > probe.steps.get(31).lr());
    }

    @Test
    void warmupRampsFromTheBaseRateToTheScheduleThenFollowsIt() {
        TestData.Rows rows = TestData.random(12, 120, 4, 0.0, false, true);
        List<Block> blocks = TestData.blocks(rows, new int[] {60, 60}, false);
        double base = 0.01;
        // batch 16 = 4 x 4, linear scaling: effective rate 0.04; warmup 1.5 epochs of 8 steps = 12 steps
        TrainingSettings s = new TrainingSettings(16, 5, 0, 7, base, LrScaling.LINEAR, 4, 1.5, 0.0, NAN, NAN, NAN);
        Probe probe = new Probe();
        run(blocks, 4, s, TrainingOptions.defaults().withSchedule(
                plan -> new CosineAnnealing(plan.effectiveLr(), 30, 0.0)), sgd(0.0), probe);
        assertEquals(0.04, probe.plan.effectiveLr(), 0.0);
        assertEquals(12, probe.plan.warmupSteps());
        long w = 12;
        double eff = 0.04;
        double target = cosine(eff, w, 30);
        assertTrue(target > base, "the ramp goes up: " + target);
        assertEquals(40, probe.steps.size());
        for (StepRecord st : probe.steps) {
            long t = st.iteration() - 1;
            double expected = t < w ? base + (target - base) * ((double) t / w) : cosine(eff, t, 30);
            assertEquals(expected, st.lr(), 0.0, "step " + t);
            double[] g = probe.gradients.get((int) t);
            double[] u = probe.updates.get((int) t);
            for (int i = 0; i < g.length; i++) assertEquals(-st.lr() * g[i], u[i], 0.0, "update, step " + t);
        }
        assertEquals(base, probe.steps.get(0).lr(), 0.0, "warmup starts at the base (unscaled) rate");
        double inc = (target - base) / w;
        for (int t = 1; t <= w; t++) {
            assertEquals(inc, probe.steps.get(t).lr() - probe.steps.get(t - 1).lr(), 1e-15,
                    "constant increments up to the schedule's value at step W, step " + t);
        }
        assertEquals(target, probe.steps.get((int) w).lr(), 0.0);
    }

    // ----------------------------------------------------------------------------------------------------------
    // 2. reduce on plateau

    private static final double PLATEAU_LR = 0.05;
    private static final double PLATEAU_MOMENTUM = 0.5;

    private static ReduceOnPlateau plateau(double lr0) {
        return new ReduceOnPlateau(lr0, ReduceOnPlateau.Mode.MIN, 0.5, 1, 1e-4, ReduceOnPlateau.ThresholdMode.REL, 0,
                0.0);
    }

    private static TrainingResult plateauRun(boolean withPlateau, Probe probe) {
        TestData.Rows rows = TestData.random(21, 120, 4, 0.0, false, true);
        List<Block> blocks = TestData.blocks(rows, new int[] {60, 60}, false);
        TrainingOptions o = TrainingOptions.defaults();
        if (withPlateau) o = o.withPlateau(plan -> plateau(plan.effectiveLr()));
        return run(blocks, 4, settings(16, 20, 0, PLATEAU_LR, 0.0), o, sgd(PLATEAU_MOMENTUM), probe);
    }

    @Test
    void plateauScalesTheRateOfTheNextEpochByTheReplayedScale() {
        Probe probe = new Probe();
        TrainingResult r = plateauRun(true, probe);
        assertEquals("epochs", r.stopReason());
        assertEquals(160, probe.steps.size());
        assertEquals(20, probe.epochs.size());

        ReduceOnPlateau ref = plateau(PLATEAU_LR);
        ReduceOnPlateau.PlateauState state = ref.initial();
        int reductionsBeforeLastEpoch = 0;
        int step = 0;
        for (EpochRecord e : probe.epochs) {
            for (; step < e.iteration(); step++) {
                StepRecord s = probe.steps.get(step);
                assertEquals(e.epoch(), s.epoch());
                assertEquals(PLATEAU_LR * state.scale(), s.lr(), 0.0, "step " + step + " of epoch " + e.epoch());
            }
            state = ref.observe(state, e.meanLoss());
            if (e.epoch() < probe.epochs.size() - 1) reductionsBeforeLastEpoch = state.reductions();
        }
        assertTrue(reductionsBeforeLastEpoch >= 2, "the loss must plateau (twice) for the test to mean something: "
                + reductionsBeforeLastEpoch + " reductions");
        assertTrue(probe.steps.get(159).lr() < PLATEAU_LR * 0.3, "rate at the end " + probe.steps.get(159).lr());
        assertEquals(1 + state.reductions(), probe.optimizersBuilt, "built once, rebuilt once per reduction");
    }

    @Test
    void plateauKeepsTheMomentumBufferAndStepCountAcrossReductions() {
        Probe probe = new Probe();
        TrainingResult r = plateauRun(true, probe);
        // replay heavy-ball momentum (dampening 0: b = mu b + 1.0 g) from the gradients the optimizer saw: the
        // buffer is never reset when the optimizer is rebuilt with the reduced rate
        double[] b = null;
        for (int k = 0; k < probe.steps.size(); k++) {
            double[] g = probe.gradients.get(k);
            if (b == null) {
                b = g.clone();
            } else {
                for (int i = 0; i < b.length; i++) b[i] = PLATEAU_MOMENTUM * b[i] + 1.0 * g[i];
            }
            double lr = probe.steps.get(k).lr();
            double[] u = probe.updates.get(k);
            double[] p = probe.before.get(k);
            double[] next = probe.after(k + 1, r);
            for (int i = 0; i < b.length; i++) {
                assertEquals(-lr * b[i], u[i], 0.0, "update at step " + k);
                assertEquals(p[i] + u[i], next[i], 0.0, "params after step " + k);
            }
        }
        List<OptState> states = ((Chain.ChainState) r.optimizerState()).states();
        assertEquals(new ScaleByLearningRate.StepCount(160), states.get(1), "the step count carried over");

        // deterministic, and equal to the run without plateau, bit for bit, up to the first reduced step
        Probe again = new Probe();
        TrainingResult r2 = plateauRun(true, again);
        assertArrayEquals(r.params(), r2.params(), 0.0);
        for (int k = 0; k < 160; k++) assertEquals(probe.steps.get(k).lr(), again.steps.get(k).lr(), 0.0);

        Probe plain = new Probe();
        TrainingResult r0 = plateauRun(false, plain);
        int first = 0;
        while (probe.steps.get(first).lr() == PLATEAU_LR) first++;
        assertTrue(first > 0 && first < 159 && first % 8 == 0, "first reduced step " + first);
        for (int k = 0; k <= first; k++) {
            assertArrayEquals(plain.before.get(k), probe.before.get(k), 0.0, "params before step " + k);
            assertArrayEquals(plain.gradients.get(k), probe.gradients.get(k), 0.0, "gradient at step " + k);
        }
        assertFalse(Arrays.equals(plain.before.get(first + 1), probe.before.get(first + 1)),
                "the reduced step changes the parameters");
        assertFalse(Arrays.equals(r0.params(), r.params()));
    }

    // ----------------------------------------------------------------------------------------------------------
    // 3. L1 / elastic net by the proximal operator

    private static final double[] LASSO_TEACHER = {1.5, -2.0, 0.0, 0.8, 0.03};
    private static final double L1 = 0.1;

    private static TestData.Rows lassoRows() {
        return regression(303, 200, LASSO_TEACHER, 1.0, 0.3, true);
    }

    private static List<Block> lassoBlocks(TestData.Rows rows) {
        return TestData.blocks(rows, new int[] {70, 60, 70}, false);
    }

    @Test
    void l1ProxGivesExactZerosAndTheLassoSolution() {
        TestData.Rows rows = lassoRows();
        int d = rows.d();
        double lr = 1.0 / largestEigenvalue(hessian(rows, 0.0, false));
        Probe probe = new Probe();
        TrainingResult r = run(lassoBlocks(rows), d, settings(TrainingSettings.FULL_BATCH, 1500, 0, lr, 0.0),
                TrainingOptions.defaults().withProx(new L1Prox(L1)), sgd(0.0), probe);
        double[] theta = r.params();

        // each step is exactly ISTA: soft-threshold the weights by lr * l1, leave the intercept alone
        for (int k = 0; k < probe.steps.size(); k++) {
            double[] p = probe.before.get(k);
            double[] u = probe.updates.get(k);
            double[] next = probe.after(k + 1, r);
            for (int j = 0; j < d; j++) assertEquals(softThreshold(p[j] + u[j], lr * L1), next[j], 0.0, "step " + k);
            assertEquals(p[d] + u[d], next[d], 0.0, "the intercept is not thresholded, step " + k);
        }

        int zeros = 0;
        for (int j = 0; j < d; j++) if (theta[j] == 0.0) zeros++;
        assertEquals(0.0, theta[2], 0.0, "the coefficient whose true value is 0: " + Arrays.toString(theta));
        assertTrue(zeros >= 1 && zeros < d, "some, not all, exact zeros: " + Arrays.toString(theta));
        assertTrue(Math.abs(theta[d]) > 0.5, "an intercept to find: " + theta[d]);

        // lasso KKT conditions for (1/n) sum 0.5 r^2 + l1 ||w||_1
        double[] g = dataGradient(rows, theta);
        for (int j = 0; j < d; j++) {
            if (theta[j] != 0.0) {
                assertEquals(0.0, g[j] + L1 * Math.signum(theta[j]), 1e-6, "stationary w_" + j + ": " + theta[j]);
            } else {
                assertTrue(Math.abs(g[j]) <= L1 + 1e-6, "|grad_" + j + "| = " + Math.abs(g[j]) + " > l1");
            }
        }
        assertEquals(0.0, g[d], 1e-6, "the intercept is not penalized: its gradient vanishes");
    }

    @Test
    void elasticNetByL1ProxPlusL2SatisfiesItsKktConditions() {
        TestData.Rows rows = lassoRows();
        int d = rows.d();
        double l2 = 0.2;
        double lr = 1.0 / largestEigenvalue(hessian(rows, l2, false));
        TrainingResult r = run(lassoBlocks(rows), d, settings(TrainingSettings.FULL_BATCH, 1500, 0, lr, l2),
                TrainingOptions.defaults().withProx(new L1Prox(L1)), sgd(0.0), new Probe());
        double[] theta = r.params();
        assertEquals(0.0, theta[2], 0.0, Arrays.toString(theta));
        double[] g = dataGradient(rows, theta);
        for (int j = 0; j < d; j++) {
            if (theta[j] != 0.0) {
                assertEquals(0.0, g[j] + l2 * theta[j] + L1 * Math.signum(theta[j]), 1e-6, "w_" + j);
            } else {
                assertTrue(Math.abs(g[j]) <= L1 + 1e-6, "|grad_" + j + "| = " + Math.abs(g[j]) + " > l1");
            }
        }
        assertEquals(0.0, g[d], 1e-6, "intercept");

        // the same penalty as one prox (l2 inside the prox, not in the gradient) has the same minimizer
        TrainingResult byProx = run(lassoBlocks(rows), d, settings(TrainingSettings.FULL_BATCH, 1500, 0, lr, 0.0),
                TrainingOptions.defaults().withProx(new ElasticNetProx(L1, l2)), sgd(0.0), new Probe());
        assertTrue(maxAbsDiff(theta, byProx.params()) < 1e-8,
                Arrays.toString(theta) + " vs " + Arrays.toString(byProx.params()));
        // and the l2 term matters: it differs from the lasso solution
        TrainingResult lasso = run(lassoBlocks(rows), d, settings(TrainingSettings.FULL_BATCH, 1500, 0, lr, 0.0),
                TrainingOptions.defaults().withProx(new L1Prox(L1)), sgd(0.0), new Probe());
        assertTrue(maxAbsDiff(theta, lasso.params()) > 1e-2);
    }

    // ----------------------------------------------------------------------------------------------------------
    // 4. decoupled weight decay

    private static final double WD = 0.1;

    private static TrainingResult adamRun(boolean decoupledInLoop, double wd, boolean regularizedIntercepts,
                                          Probe probe) {
        TestData.Rows rows = TestData.random(31, 120, 4, 0.0, false, false);
        List<Block> blocks = TestData.blocks(rows, new int[] {40, 80}, false);
        TrainingOptions o = TrainingOptions.defaults()
                .withSchedule(plan -> new CosineAnnealing(plan.effectiveLr(), 50, 0.0))
                .withRegularizedIntercepts(regularizedIntercepts);
        OptimizerFactory f;
        if (decoupledInLoop) {
            o = o.withDecoupledWeightDecay(wd);
            f = (schedule, groups) -> Adam.create(schedule, 0.9, 0.999, 1e-8, false, 0.0, groups);
        } else {
            f = (schedule, groups) -> AdamW.create(schedule, 0.9, 0.999, 1e-8, false, wd, groups);
        }
        return run(blocks, 4, settings(16, 0, 50, 0.05, 0.0), o, f, probe);
    }

    private static void assertSameTrajectory(Probe a, TrainingResult ra, Probe b, TrainingResult rb, double rel) {
        assertEquals(a.steps.size(), b.steps.size());
        for (int k = 1; k <= a.steps.size(); k++) {
            double[] pa = a.after(k, ra);
            double[] pb = b.after(k, rb);
            assertTrue(TestData.distance(pa, pb) <= rel * TestData.norm(pb), "step " + k + ": "
                    + Arrays.toString(pa) + " vs " + Arrays.toString(pb));
        }
    }

    @Test
    void decoupledWeightDecayWithAdamIsAdamW() {
        for (boolean regIntercepts : new boolean[] {false, true}) {
            Probe loop = new Probe();
            TrainingResult rl = adamRun(true, WD, regIntercepts, loop);
            Probe adamw = new Probe();
            TrainingResult rw = adamRun(false, WD, regIntercepts, adamw);
            assertEquals(50, loop.steps.size());
            assertSameTrajectory(loop, rl, adamw, rw, 1e-12);
            // the decay matters: far from plain Adam
            Probe plain = new Probe();
            TrainingResult rp = adamRun(true, 0.0, regIntercepts, plain);
            assertTrue(TestData.distance(rp.params(), rl.params()) > 1e-3 * TestData.norm(rl.params()));
        }
    }

    @Test
    void decoupledWeightDecayUsesTheParametersBeforeTheStepAndSkipsInterceptsUnlessAsked() {
        double[] interceptEnd = new double[2];
        for (boolean regIntercepts : new boolean[] {false, true}) {
            Probe probe = new Probe();
            TrainingResult r = adamRun(true, WD, regIntercepts, probe);
            int d = 4;
            for (int k = 0; k < probe.steps.size(); k++) {
                double lr = probe.steps.get(k).lr();
                double[] p = probe.before.get(k);
                double[] u = probe.updates.get(k);
                double[] next = probe.after(k + 1, r);
                for (int i = 0; i <= d; i++) {
                    // the decay is a piece of the update (InjectLearningRate): p + (u - lr wd p)
                    double update = u[i];
                    if (i < d || regIntercepts) update -= lr * WD * p[i];
                    double expected = p[i] + update;
                    assertEquals(expected, next[i], 0.0, "param " + i + " at step " + k + " (intercepts regularized: "
                            + regIntercepts + ")");
                }
            }
            interceptEnd[regIntercepts ? 1 : 0] = r.params()[d];
        }
        assertNotEquals(interceptEnd[0], interceptEnd[1]);
    }

    // ----------------------------------------------------------------------------------------------------------
    // 5. regularized intercepts

    @Test
    void regularizedInterceptsGiveRidgeWithAPenalizedIntercept() {
        int d = 5;
        SplittableRandom rng = new SplittableRandom(9);
        double[] teacher = new double[d];
        for (int j = 0; j < d; j++) teacher[j] = ParameterInit.gaussian(rng);
        TestData.Rows rows = regression(505, 300, teacher, 2.0, 0.3, true);
        List<Block> blocks = TestData.blocks(rows, new int[] {100, 120, 80}, false);
        double l2 = 0.4;
        double[] rhs = new double[d + 1];
        for (int i = 0; i < rows.n(); i++) {
            double[] x = augmented(rows.x[i]);
            for (int a = 0; a <= d; a++) rhs[a] += x[a] * rows.y[i] / rows.n();
        }
        double[][] solutions = new double[2][];
        for (boolean regIntercepts : new boolean[] {false, true}) {
            double[][] h = hessian(rows, l2, regIntercepts);
            double[] optimum = TestData.solve(h, rhs);
            double[] ev = TestData.symmetricEigenvalues(h);
            double mu = ev[0];
            double bigL = ev[ev.length - 1];
            int steps = (int) Math.ceil(Math.log(1e-12 / TestData.norm(optimum)) / Math.log(1 - mu / bigL));
            assertTrue(steps < 3000, "steps " + steps);
            Probe probe = new Probe();
            TrainingResult r = run(blocks, d, settings(TrainingSettings.FULL_BATCH, steps, 0, 1.0 / bigL, l2),
                    TrainingOptions.defaults().withRegularizedIntercepts(regIntercepts), sgd(0.0), probe);
            assertTrue(maxAbsDiff(r.params(), optimum) <= 1e-8, "intercept regularized " + regIntercepts + ": "
                    + Arrays.toString(r.params()) + " vs " + Arrays.toString(optimum));
            // the reported objective penalizes the intercept too when asked
            double[] last = probe.before.get(steps - 1);
            double pen = 0;
            for (int a = 0; a < (regIntercepts ? d + 1 : d); a++) pen += last[a] * last[a];
            double objective = dataLoss(rows, last) + 0.5 * l2 * pen;
            assertEquals(objective, probe.steps.get(steps - 1).loss(), 1e-12 * objective);
            solutions[regIntercepts ? 1 : 0] = optimum;
        }
        assertTrue(Math.abs(solutions[0][d] - solutions[1][d]) > 0.1, "penalizing the intercept shrinks it: "
                + solutions[0][d] + " vs " + solutions[1][d]);
    }

    // ----------------------------------------------------------------------------------------------------------
    // 6. Polyak averaging

    private static TrainingResult averagingRun(double from, long maxIterations, Probe probe) {
        TestData.Rows rows = TestData.random(41, 120, 4, 0.0, false, false);
        List<Block> blocks = TestData.blocks(rows, new int[] {70, 50}, false);
        TrainingOptions o = Double.isNaN(from) ? TrainingOptions.defaults()
                : TrainingOptions.defaults().withAveragingFrom(from);
        return run(blocks, 4, settings(16, 4, maxIterations, 0.05, 0.0), o, sgd(0.5), probe);
    }

    private static double[] meanOfIterates(Probe plain, TrainingResult plainResult, int fromStep, int toStep) {
        double[] sum = new double[plainResult.params().length];
        for (int k = fromStep; k <= toStep; k++) {
            double[] p = plain.after(k, plainResult);
            for (int i = 0; i < sum.length; i++) sum[i] += p[i];
        }
        for (int i = 0; i < sum.length; i++) sum[i] /= (toStep - fromStep + 1);
        return sum;
    }

    private static void assertClose(double[] expected, double[] actual, double rel, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], rel * Math.max(1.0, Math.abs(expected[i])), what + " [" + i + "]");
        }
    }

    @Test
    void averagingFromEpochOneReturnsTheMeanOfTheLaterIterates() {
        Probe plain = new Probe();
        TrainingResult rp = averagingRun(NAN, 0, plain);
        assertEquals(32, plain.steps.size());
        Probe avg = new Probe();
        TrainingResult ra = averagingRun(1.0, 0, avg);
        // averaging does not touch the trajectory
        assertEquals(plain.before.size(), avg.before.size());
        for (int k = 0; k < plain.before.size(); k++) assertArrayEquals(plain.before.get(k), avg.before.get(k), 0.0);

        double[] mean = meanOfIterates(plain, rp, 9, 32); // the iterates after the steps of epochs 1..3
        assertClose(mean, ra.params(), 1e-12, "mean of the iterates after steps 9..32");
        assertTrue(maxAbsDiff(mean, rp.params()) > 1e-4, "the average is not the last iterate");
        assertEquals(32, ra.iterations());

        // a fractional start: 0.5 epochs = 4 steps, so the iterates after steps 5..32
        assertClose(meanOfIterates(plain, rp, 5, 32), averagingRun(0.5, 0, new Probe()).params(), 1e-12,
                "from 0.5 epochs");
        // stopped mid-epoch by maxIterations: the iterates after steps 9..13, the 13th also from a stopped run
        TrainingResult stopped = averagingRun(NAN, 13, new Probe());
        assertArrayEquals(plain.after(13, rp), stopped.params(), 0.0, "runs are deterministic");
        assertClose(meanOfIterates(plain, rp, 9, 13), averagingRun(1.0, 13, new Probe()).params(), 1e-12,
                "stopped after 13 steps");
        // averaging that never starts returns the last iterate
        assertArrayEquals(rp.params(), averagingRun(10.0, 0, new Probe()).params(), 0.0);
    }

    @Test
    void averagingANoisyMiniBatchRunBeatsTheLastIterate() {
        TestData.Rows rows = regression(606, 120, new double[] {1.0, -0.5, 2.0, 0.3}, 0.5, 0.5, false);
        List<Block> blocks = TestData.blocks(rows, new int[] {60, 60}, false);
        TrainingSettings s = settings(2, 30, 0, 0.1, 0.0);
        TrainingResult last = run(blocks, 4, s, TrainingOptions.defaults(), sgd(0.0), new Probe());
        TrainingResult avg = run(blocks, 4, s, TrainingOptions.defaults().withAveragingFrom(0.0), sgd(0.0),
                new Probe());
        double[] optimum = TestData.solve(hessian(rows, 0.0, false), dataGradient(rows, new double[5]));
        for (int i = 0; i < optimum.length; i++) optimum[i] = -optimum[i]; // theta* = -H^-1 grad(0)
        double best = dataLoss(rows, optimum);
        double lossLast = dataLoss(rows, last.params());
        double lossAvg = dataLoss(rows, avg.params());
        LinearModel model = LinearModel.linearRegression(4, true);
        assertEquals(lossAvg, new LocalGradientSource(blocks, model).computeAll(avg.params()).meanLoss(),
                1e-12 * lossAvg);
        assertTrue(lossAvg < lossLast, "averaged " + lossAvg + " vs last iterate " + lossLast + " (optimum " + best
                + ")");
        assertTrue(lossAvg - best < 0.5 * (lossLast - best), "excess " + (lossAvg - best) + " vs " + (lossLast - best));
    }
}
