package dev.steepest.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.TestData;
import dev.steepest.core.model.LinearModel;
import dev.steepest.core.model.Model;
import dev.steepest.core.optim.LrScaling;
import dev.steepest.core.optim.Optimizers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Full-batch gradient descent with Armijo backtracking from the scheduled rate: on a ridge problem where the fixed
 * rate 20 / L (ten times the stability limit 2 / L) diverges, every accepted step satisfies the sufficient-decrease
 * condition and the run reaches the normal-equations solution.
 */
class ArmijoLineSearchTest {
    private static final int N = 200;
    private static final int D = 5;
    private static final double L2 = 0.01;

    private static TestData.Rows rows() {
        TestData.Rows r = TestData.random(5, N, D, 0.0, false, false);
        for (double[] x : r.x) {
            for (int j = 0; j < D; j++) x[j] = x[j] * (1 + 0.2 * j) + 0.3;
        }
        return r;
    }

    /** The weighted Hessian {@code X~'W X~ / W + l2 I_w} (intercept last, unpenalized) and the right-hand side. */
    private static double[][] hessian(TestData.Rows r, double[] rhs) {
        double[][] h = new double[D + 1][D + 1];
        double w = 0;
        for (int i = 0; i < N; i++) w += r.w[i];
        for (int i = 0; i < N; i++) {
            for (int a = 0; a <= D; a++) {
                double xa = a == D ? 1 : r.x[i][a];
                rhs[a] += r.w[i] * xa * r.y[i] / w;
                for (int b = 0; b <= D; b++) h[a][b] += r.w[i] * xa * (b == D ? 1 : r.x[i][b]) / w;
            }
        }
        for (int j = 0; j < D; j++) h[j][j] += L2;
        return h;
    }

    private static TrainingResult gd(TestData.Rows r, Model model, double lr, ArmijoLineSearch search,
                                     List<StepRecord> steps) {
        TrainingSettings settings = new TrainingSettings(TrainingSettings.FULL_BATCH, 0, 3000, 1, lr, LrScaling.NONE,
                1, 0.0, L2, Double.NaN, 1e-7, Double.NaN);
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onStep(StepRecord step) {
                steps.add(step);
            }
        };
        return new TrainingLoop(new LocalGradientSource(TestData.blocks(r, new int[] {120, 80}, false), model), model,
                settings, (s, g) -> Optimizers.sgd(s, 0, 0, false, 0, g), List.of(listener),
                TrainingOptions.defaults().withLineSearch(search)).run(new double[model.numParameters()]);
    }

    @Test
    void armijoConvergesWhereTheFixedRateTenTimesTooLargeDivergesAndEveryStepSatisfiesTheCondition() {
        TestData.Rows r = rows();
        Model model = LinearModel.linearRegression(D, true);
        double[] rhs = new double[D + 1];
        double[][] h = hessian(r, rhs);
        double[] optimum = TestData.solve(h, rhs);
        double[] ev = TestData.symmetricEigenvalues(h);
        double lipschitz = ev[ev.length - 1];
        double lr = 10 * 2 / lipschitz;

        TrainingResult fixed = gd(r, model, lr, null, new ArrayList<>());
        assertEquals("diverged", fixed.stopReason(), "the fixed rate 20 / L");

        ArmijoLineSearch search = new ArmijoLineSearch(1e-4, 0.5, 60);
        List<StepRecord> steps = new ArrayList<>();
        TrainingResult armijo = gd(r, model, lr, search, steps);
        assertEquals("gradient-norm", armijo.stopReason(), "stopped after " + armijo.iterations() + " steps");
        // |theta - theta*| <= |g| / mu: within 1e-7 / mu of the normal-equations solution
        assertTrue(TestData.distance(armijo.params(), optimum) <= 1e-7 / ev[0],
                "|theta - theta*| = " + TestData.distance(armijo.params(), optimum));
        boolean backtracked = false;
        for (int k = 0; k < steps.size(); k++) {
            StepRecord s = steps.get(k);
            double t = s.lr();
            assertTrue(s.lossAfter() <= s.loss() - search.c1() * t * s.gradientNorm() * s.gradientNorm(),
                    "Armijo at step " + s.iteration() + ": " + s);
            // t = lr * shrink^(trials - 1): the first trial that held
            assertEquals(lr * Math.pow(search.shrink(), s.lineSearchTrials() - 1), t, 1e-15 * lr);
            if (s.lineSearchTrials() > 1) backtracked = true;
            // the next step starts where this one ended, on the same objective
            if (k + 1 < steps.size()) assertEquals(s.lossAfter(), steps.get(k + 1).loss(), 1e-12 * s.lossAfter());
            // at most the trials needed to get below 2 (1 - c1) / L
            assertTrue(s.lineSearchTrials() <= Math.ceil(Math.log(lr * lipschitz / (2 * (1 - search.c1()))) / Math.log(2)) + 1,
                    s.lineSearchTrials() + " trials");
        }
        assertTrue(backtracked, "the scheduled rate was too long at least once");
    }
}
