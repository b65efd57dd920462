package dev.steepest.core.optim.lbfgs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.TestData;
import dev.steepest.core.model.LinearModel;
import dev.steepest.core.model.Model;
import dev.steepest.core.optim.lbfgs.DifferentiableFunction.Point;
import dev.steepest.core.optim.prox.ParameterProx;
import dev.steepest.core.train.FullObjective;
import dev.steepest.core.train.LocalGradientSource;
import org.junit.jupiter.api.Test;

/**
 * L-BFGS reaches the ridge solution of the normal equations, and OWL-QN the L1-logistic optimum (certified by its
 * optimality conditions), to 1e-8 in a small fraction of the full gradient evaluations gradient descent needs.
 */
class LbfgsTest {
    private static final int N = 400;
    private static final int D = 8;

    /**
     * Features N(0,1) with offsets (so the intercept couples with the weights), scaled by 1 .. 8 when
     * {@code scaled} (an ill-conditioned problem).
     */
    private static TestData.Rows rows(boolean binary, boolean scaled) {
        TestData.Rows r = TestData.random(77, N, D, 0.0, binary, false);
        for (double[] x : r.x) {
            for (int j = 0; j < D; j++) x[j] = x[j] * (scaled ? 1 + j : 1) + 0.3 * j;
        }
        return r;
    }

    private static FullObjective objective(TestData.Rows r, Model model, double l2) {
        return new FullObjective(new LocalGradientSource(TestData.blocks(r, new int[] {150, 130, 120}, false), model),
                model.groups(), l2);
    }

    /** The largest eigenvalue of the weighted {@code X~'X~ / W} (X~ with a column of ones), by power iteration. */
    private static double curvature(TestData.Rows r) {
        double[][] h = new double[D + 1][D + 1];
        double w = 0;
        for (int i = 0; i < N; i++) {
            w += r.w[i];
            for (int a = 0; a <= D; a++) {
                for (int b = 0; b <= D; b++) h[a][b] += r.w[i] * (a == D ? 1 : r.x[i][a]) * (b == D ? 1 : r.x[i][b]);
            }
        }
        double[] v = new double[D + 1];
        java.util.Arrays.fill(v, 1.0);
        double lambda = 0;
        for (int it = 0; it < 3000; it++) {
            double[] u = new double[D + 1];
            for (int a = 0; a <= D; a++) for (int b = 0; b <= D; b++) u[a] += h[a][b] / w * v[b];
            lambda = TestData.norm(u) / TestData.norm(v);
            for (int a = 0; a <= D; a++) v[a] = u[a] / TestData.norm(u);
        }
        return lambda;
    }

    private static double maxDistance(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    private static Iterate minimize(Lbfgs lbfgs, DifferentiableFunction f, double tol, int maxIterations) {
        Lbfgs.Run run = lbfgs.start(f, new double[D + 1]);
        Iterate it = run.current();
        while (it.optimalityNorm() > tol && it.iteration() < maxIterations && !it.stalled()) it = run.step();
        return it;
    }

    @Test
    void ridgeReachesTheNormalEquationsSolutionInAFewEvaluations() {
        double lambda = 0.01;
        TestData.Rows r = rows(false, true);
        // (X~'W X~/W + lambda I_w) theta = X~'W y / W, intercept unpenalized
        double[][] h = new double[D + 1][D + 1];
        double[] rhs = new double[D + 1];
        double w = 0;
        for (int i = 0; i < N; i++) w += r.w[i];
        for (int i = 0; i < N; i++) {
            for (int a = 0; a <= D; a++) {
                double xa = a == D ? 1 : r.x[i][a];
                rhs[a] += r.w[i] * xa * r.y[i] / w;
                for (int b = 0; b <= D; b++) h[a][b] += r.w[i] * xa * (b == D ? 1 : r.x[i][b]) / w;
            }
        }
        for (int j = 0; j < D; j++) h[j][j] += lambda;
        double[] optimum = TestData.solve(h, rhs);
        double[] ev = TestData.symmetricEigenvalues(h);
        double kappa = ev[ev.length - 1] / ev[0];
        assertTrue(kappa > 100, "ill-conditioned enough to matter: kappa = " + kappa);

        FullObjective f = objective(r, LinearModel.linearRegression(D, true), lambda);
        Iterate it = minimize(new Lbfgs(10, null), f, 1e-11, 200);
        assertTrue(maxDistance(it.x(), optimum) <= 1e-8, "max |theta - theta*| = " + maxDistance(it.x(), optimum)
                + " after " + it.totalEvaluations() + " evaluations");
        assertEquals(f.evaluations(), it.totalEvaluations(), "one computeAll per evaluation, all counted");
        // gradient descent at step 1/L needs ln(1e-8 / d0) / ln(1 - 1/kappa) steps for the same distance
        long gdSteps = (long) Math.ceil(Math.log(1e-8 / TestData.norm(optimum)) / Math.log(1 - 1 / kappa));
        System.out.println("L-BFGS: " + it.totalEvaluations() + " evaluations; GD at 1/L: " + gdSteps);
        assertTrue(it.totalEvaluations() <= 60, it.totalEvaluations() + " evaluations");
        assertTrue(it.totalEvaluations() * 20 < gdSteps, it.totalEvaluations() + " evaluations vs GD's " + gdSteps);
    }

    @Test
    void owlQnReachesTheL1LogisticOptimumWithItsExactZeros() {
        double l1 = 0.03;
        TestData.Rows r = rows(true, false);
        Model model = LinearModel.logisticRegression(D, true);
        double[] weights = FullObjective.l1Weights(model.groups(), D + 1, l1);

        // the reference: proximal gradient descent (ISTA) at step 1/L, run until it stops moving
        FullObjective ista = objective(r, model, 0.0);
        double step = 1.0 / (0.25 * curvature(r));
        double[] x = new double[D + 1];
        double[] reference = null;
        long istaEvaluations = 0;
        java.util.List<double[]> path = new java.util.ArrayList<>();
        for (int k = 0; k < 200_000; k++) {
            Point p = ista.evaluate(x);
            double[] next = new double[D + 1];
            for (int i = 0; i <= D; i++) {
                double v = x[i] - step * p.gradient()[i];
                next[i] = weights[i] == 0 ? v : ParameterProx.softThreshold(v, step * l1);
            }
            path.add(next);
            if (maxDistance(next, x) <= 1e-15) {
                reference = next;
                break;
            }
            x = next;
        }
        assertTrue(reference != null, "ISTA settled");
        // certify it: the optimality conditions of f + l1 |w|, to 1e-10
        double[] g = ista.evaluate(reference).gradient();
        int zeros = 0;
        for (int i = 0; i <= D; i++) {
            if (weights[i] == 0) {
                assertEquals(0.0, g[i], 1e-10, "intercept gradient");
            } else if (reference[i] == 0) {
                assertTrue(Math.abs(g[i]) <= l1 + 1e-10, "zero coefficient " + i + ": |g| = " + Math.abs(g[i]));
                zeros++;
            } else {
                assertEquals(0.0, g[i] + l1 * Math.signum(reference[i]), 1e-10, "coefficient " + i);
            }
        }
        assertTrue(zeros >= 2 && zeros < D, "a sparse optimum: " + zeros + " zeros");
        for (double[] p : path) {
            istaEvaluations++;
            if (maxDistance(p, reference) <= 1e-8) break;
        }

        FullObjective f = objective(r, model, 0.0);
        Iterate it = minimize(new Lbfgs(10, weights), f, 1e-12, 500);
        assertFalse(it.stalled(), "stalled at " + it.optimalityNorm());
        assertTrue(maxDistance(it.x(), reference) <= 1e-8, "max |theta - theta*| = "
                + maxDistance(it.x(), reference));
        for (int i = 0; i < D; i++) {
            assertEquals(reference[i] == 0.0, it.x()[i] == 0.0, "zero pattern at " + i + ": " + it.x()[i]);
        }
        System.out.println("OWL-QN: " + it.totalEvaluations() + " evaluations; ISTA to 1e-8: " + istaEvaluations);
        assertTrue(it.totalEvaluations() <= 150, it.totalEvaluations() + " evaluations");
        assertTrue(it.totalEvaluations() * 10 < istaEvaluations, it.totalEvaluations() + " evaluations vs ISTA's "
                + istaEvaluations);
    }

    @Test
    void theAcceptedStepsSatisfyTheStrongWolfeConditions() {
        TestData.Rows r = rows(true, true);
        FullObjective f = objective(r, LinearModel.logisticRegression(D, true), 0.01);
        Lbfgs.Run run = new Lbfgs(5, null).start(f, new double[D + 1]);
        for (int k = 0; k < 15; k++) {
            Iterate before = run.current();
            Iterate after = run.step();
            assertFalse(after.stalled());
            double[] s = new double[D + 1];
            for (int i = 0; i <= D; i++) s[i] = after.x()[i] - before.x()[i];
            // along s = a d: phi'(0) = g0's, phi'(a) = g1's (both times a)
            double slope0 = Lbfgs.dot(before.gradient(), s);
            double slope1 = Lbfgs.dot(after.gradient(), s);
            assertTrue(slope0 < 0, "descent at " + k);
            assertTrue(after.objective() <= before.objective() + 1e-4 * slope0 + 1e-14 * before.objective(),
                    "sufficient decrease at " + k);
            assertTrue(Math.abs(slope1) <= 0.9 * Math.abs(slope0), "curvature at " + k);
            if (after.optimalityNorm() < 1e-9) break;
        }
    }
}
