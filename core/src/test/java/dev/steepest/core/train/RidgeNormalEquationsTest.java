package dev.steepest.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.TestData;
import dev.steepest.core.data.Block;
import dev.steepest.core.model.LinearModel;
import dev.steepest.core.optim.GradientTransformation;
import dev.steepest.core.optim.LrScaling;
import dev.steepest.core.optim.OptState;
import dev.steepest.core.optim.Optimizers;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Full-batch gradient descent on ridge regression {@code (1/n) sum 0.5 (w.x + b - y)^2 + lambda/2 ||w||^2}
 * (intercept not penalized) reaches the solution of the normal equations, at the rate theory promises:
 * with step 1/L the distance to the optimum shrinks by at least {@code 1 - mu/L} per step.
 */
class RidgeNormalEquationsTest {
    private static final int N = 500;
    private static final int D = 8;
    private static final double LAMBDA = 0.05;
    private static final int[] SIZES = {170, 180, 150};

    /** The problem: features N(0,1) plus per-feature offsets (so the intercept couples with the weights). */
    private static TestData.Rows rows() {
        TestData.Rows r = TestData.random(2024, N, D, 0.0, false, true);
        SplittableRandom rng = new SplittableRandom(5);
        double[] offset = new double[D];
        for (int j = 0; j < D; j++) offset[j] = rng.nextDouble() - 0.5;
        for (double[] x : r.x) for (int j = 0; j < D; j++) x[j] += offset[j];
        for (int i = 0; i < N; i++) r.y[i] += 2.0; // a non-zero intercept to find
        return r;
    }

    /** The (D+1)x(D+1) Hessian of the objective; the last row and column belong to the intercept. */
    private static double[][] hessian(TestData.Rows r) {
        double[][] h = new double[D + 1][D + 1];
        for (int i = 0; i < N; i++) {
            double[] x = augmented(r.x[i]);
            for (int a = 0; a <= D; a++) for (int b = 0; b <= D; b++) h[a][b] += x[a] * x[b] / N;
        }
        for (int j = 0; j < D; j++) h[j][j] += LAMBDA;
        return h;
    }

    private static double[] augmented(double[] x) {
        double[] out = new double[D + 1];
        System.arraycopy(x, 0, out, 0, D);
        out[D] = 1.0;
        return out;
    }

    /** The normal equations {@code (X~'X~/n + lambda I_w) theta = X~'y/n}, solved by Gaussian elimination. */
    private static double[] normalEquationsSolution(TestData.Rows r) {
        double[] rhs = new double[D + 1];
        for (int i = 0; i < N; i++) {
            double[] x = augmented(r.x[i]);
            for (int a = 0; a <= D; a++) rhs[a] += x[a] * r.y[i] / N;
        }
        return TestData.solve(hessian(r), rhs);
    }

    private static double powerIteration(double[][] h) {
        double[] v = new double[h.length];
        java.util.Arrays.fill(v, 1.0);
        double lambda = 0;
        for (int it = 0; it < 2000; it++) {
            double[] w = new double[h.length];
            for (int a = 0; a < h.length; a++) for (int b = 0; b < h.length; b++) w[a] += h[a][b] * v[b];
            double norm = TestData.norm(w);
            double rayleigh = 0;
            for (int a = 0; a < h.length; a++) rayleigh += v[a] * w[a];
            lambda = rayleigh / Math.pow(TestData.norm(v), 2);
            for (int a = 0; a < h.length; a++) v[a] = w[a] / norm;
        }
        return lambda;
    }

    private static List<Block> blocks(TestData.Rows r) {
        List<Block> blocks = new ArrayList<>();
        int from = 0;
        for (int p = 0; p < SIZES.length; p++) {
            // the middle block in CSR form: the loop must not care
            blocks.add(TestData.block(r.slice(from, from + SIZES[p]), p == 1));
            from += SIZES[p];
        }
        return blocks;
    }

    /** Runs full-batch GD with step {@code lr}; returns the params seen before each step, then the final ones. */
    private static List<double[]> gradientDescent(TestData.Rows r, double lr, int steps, List<StepRecord> records) {
        LinearModel model = LinearModel.linearRegression(D, true);
        TrainingSettings s = new TrainingSettings(TrainingSettings.FULL_BATCH, steps, 0, 1, lr, LrScaling.NONE, 1,
                0.0, LAMBDA, Double.NaN, Double.NaN, Double.NaN);
        List<double[]> trajectory = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override public void onStep(StepRecord step) { records.add(step); }
        };
        TrainingResult result = new TrainingLoop(new LocalGradientSource(blocks(r), model), model, s,
                (schedule, groups) -> {
                    GradientTransformation sgd = Optimizers.sgd(schedule, 0, 0, false, 0, groups);
                    return new GradientTransformation() {
                        @Override public OptState init(double[] params) { return sgd.init(params); }
                        @Override public Update update(double[] g, OptState state, double[] params) {
                            trajectory.add(params.clone());
                            return sgd.update(g, state, params);
                        }
                    };
                }, List.of(listener)).run(new double[D + 1]);
        assertEquals("epochs", result.stopReason());
        assertEquals(steps, result.iterations());
        assertEquals(steps, trajectory.size());
        trajectory.add(result.params());
        return trajectory;
    }

    @Test
    void fullBatchGradientDescentReachesTheNormalEquationsSolution() {
        TestData.Rows r = rows();
        double[][] h = hessian(r);
        double[] ev = TestData.symmetricEigenvalues(h);
        double mu = ev[0];
        double bigL = ev[ev.length - 1];
        assertEquals(bigL, powerIteration(h), 1e-10 * bigL, "Jacobi and power iteration agree on L");
        assertTrue(bigL / mu < 20, "well-conditioned: kappa = " + bigL / mu);

        double[] optimum = normalEquationsSolution(r);
        // the optimum is where the gradient vanishes: check the solver
        double[] residual = new double[D + 1];
        for (int i = 0; i < N; i++) {
            double[] x = augmented(r.x[i]);
            double m = 0;
            for (int a = 0; a <= D; a++) m += x[a] * optimum[a];
            for (int a = 0; a <= D; a++) residual[a] += (m - r.y[i]) * x[a] / N;
        }
        for (int j = 0; j < D; j++) residual[j] += LAMBDA * optimum[j];
        assertTrue(TestData.norm(residual) < 1e-13, "normal equations residual " + TestData.norm(residual));
        assertTrue(Math.abs(optimum[D] - 2.0) < 0.5, "an intercept near 2 to find: " + optimum[D]);

        // enough steps to shrink the initial distance below 1e-12 at rate (1 - mu/L)
        double d0 = TestData.norm(optimum);
        int steps = (int) Math.ceil(Math.log(1e-12 / d0) / Math.log(1 - mu / bigL));
        assertTrue(steps < 2000, "steps " + steps);
        List<StepRecord> records = new ArrayList<>();
        List<double[]> path = gradientDescent(r, 1.0 / bigL, steps, records);
        double[] fitted = path.get(path.size() - 1);
        double maxErr = 0;
        for (int a = 0; a <= D; a++) maxErr = Math.max(maxErr, Math.abs(fitted[a] - optimum[a]));
        assertTrue(maxErr <= 1e-8, "max |theta - theta*| = " + maxErr);

        // each full-batch step uses all rows, and the objective never increases with step 1/L
        for (int k = 0; k < records.size(); k++) {
            assertEquals(N, records.get(k).rows());
            if (k > 0) {
                double prev = records.get(k - 1).loss();
                assertTrue(records.get(k).loss() <= prev + 1e-15 * prev, "loss went up at step " + k);
            }
        }
    }

    @Test
    void stepOneOverLContractsTheDistanceByOneMinusMuOverL() {
        TestData.Rows r = rows();
        double[] ev = TestData.symmetricEigenvalues(hessian(r));
        double mu = ev[0];
        double bigL = ev[ev.length - 1];
        double rate = 1 - mu / bigL;
        double[] optimum = normalEquationsSolution(r);
        List<double[]> path = gradientDescent(r, 1.0 / bigL, 200, new ArrayList<>());
        int checked = 0;
        double lastRatio = Double.NaN;
        for (int k = 0; k + 1 < path.size(); k++) {
            double before = TestData.distance(path.get(k), optimum);
            double after = TestData.distance(path.get(k + 1), optimum);
            if (before < 1e-9) break; // below this, rounding of the gradient dominates the distance
            // slack for rounding only: a few ulps of the update and of theta*
            assertTrue(after <= rate * before * (1 + 1e-12) + 1e-13, "step " + k + ": distance " + before + " -> "
                    + after + ", ratio " + after / before + " > 1 - mu/L = " + rate);
            lastRatio = after / before;
            checked++;
        }
        assertTrue(checked > 20, "checked " + checked + " steps");
        // the bound is tight: the slowest direction (eigenvalue mu) takes over
        assertTrue(lastRatio > rate - 1e-3, "asymptotic ratio " + lastRatio + " vs 1 - mu/L = " + rate);
    }
}
