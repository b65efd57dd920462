package dev.steepest.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.TestData;
import dev.steepest.core.model.LinearModel;
import dev.steepest.core.model.Model;
import dev.steepest.core.optim.GradientTransformation;
import dev.steepest.core.optim.LrScaling;
import dev.steepest.core.optim.OptState;
import dev.steepest.core.optim.Optimizers;
import dev.steepest.core.optim.lbfgs.Iterate;
import dev.steepest.core.optim.lbfgs.Lbfgs;
import dev.steepest.core.optim.prox.L1Prox;
import dev.steepest.core.optim.prox.ParameterProx;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With the proximal step taken in each optimizer's own metric, every optimizer that accepts L1 settles at the L1
 * optimum itself, with its exact zeros: on a small lasso (reference: coordinate descent on the normal equations)
 * and a small L1-logistic problem (reference: OWL-QN), both certified by their optimality conditions to 1e-10.
 */
class L1ConvergenceTest {
    private static final int N = 80;
    private static final int D = 8;
    private static final double NAN = Double.NaN;

    /** Features N(0,1) with an offset (so the intercept couples with them) and two correlated columns. */
    static TestData.Rows rows(boolean binary) {
        TestData.Rows r = TestData.random(2024, N, D, 0.0, binary, false);
        for (double[] x : r.x) {
            x[1] = 0.6 * x[0] + 0.8 * x[1];
            for (int j = 0; j < D; j++) x[j] += 0.2 * j;
        }
        return r;
    }

    static LocalGradientSource source(TestData.Rows r, Model model) {
        return new LocalGradientSource(TestData.blocks(r, new int[] {30, 50}, false), model);
    }

    /** An optimizer by name, as the config builds it, with the rate and step count it gets here. */
    record Spec(String name, double lr, long steps, OptimizerFactory factory) {
    }

    /**
     * Every optimizer that takes L1, with a rate that suits the problem ({@code lasso} or not: the logistic loss is
     * flatter). The adaptive methods keep their defaults except RMSProp's eps: without momentum its step on the
     * unpenalized intercept, whose gradient goes to 0, grows to lr / eps, which must stay below 2 / L for any
     * constant-rate method to settle (L1 or not).
     */
    static List<Spec> optimizers(boolean lasso) {
        double k = lasso ? 0.2 : 1.0;
        return List.of(
                new Spec("sgd", 0.5 * k, 4000, (s, g) -> Optimizers.sgd(s, 0, 0, false, 0, g)),
                new Spec("momentum", 0.1 * k, 4000, (s, g) -> Optimizers.sgd(s, 0.9, 0, false, 0, g)),
                new Spec("nesterov", 0.1 * k, 4000, (s, g) -> Optimizers.sgd(s, 0.9, 0, true, 0, g)),
                new Spec("adagrad", 0.5 * k, 8000, (s, g) -> Optimizers.adagrad(s, 0, 0, 1e-10, 0, g)),
                new Spec("rmsprop", 0.01, 8000, (s, g) -> Optimizers.rmsprop(s, 0.99, 0.01, false, 0, 0, g)),
                new Spec("adam", 0.01 * k, 8000, (s, g) -> Optimizers.adam(s, 0.9, 0.999, 1e-8, false, 0, g)),
                new Spec("adamw", 0.01 * k, 8000, (s, g) -> Optimizers.adamw(s, 0.9, 0.999, 1e-8, false, 0, g)),
                new Spec("lars", lasso ? 0.1 : 1.0, 8000,
                        (s, g) -> Optimizers.lars(s, 0.9, 0, lasso ? 0.1 : 0.001, true, g)),
                new Spec("lamb", 0.05 * k, 8000, (s, g) -> Optimizers.lamb(s, 0.9, 0.999, 1e-6, 0, true, g)));
    }

    static double[] train(TestData.Rows r, Model model, double l1, Spec spec) {
        TrainingSettings settings = new TrainingSettings(TrainingSettings.FULL_BATCH, 0, spec.steps(), 1, spec.lr(),
                LrScaling.NONE, 1, 0.0, 0.0, NAN, NAN, NAN);
        TrainingOptions options = TrainingOptions.defaults().withProx(new L1Prox(l1));
        TrainingResult result = new TrainingLoop(source(r, model), model, settings, spec.factory(), List.of(),
                options).run(new double[model.numParameters()]);
        return result.params();
    }

    static double maxDistance(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    /** Asserts the optimality conditions of mean loss + l1 ||w||_1 at {@code x} to 1e-10; the number of zeros. */
    static int certify(TestData.Rows r, Model model, double l1, double[] x) {
        double[] g = new FullObjective(source(r, model), model.groups(), 0.0).evaluate(x).gradient();
        double[] weights = FullObjective.l1Weights(model.groups(), x.length, l1);
        int zeros = 0;
        for (int i = 0; i < x.length; i++) {
            if (weights[i] == 0) {
                assertEquals(0.0, g[i], 1e-10, "unpenalized gradient " + i);
            } else if (x[i] == 0) {
                assertTrue(Math.abs(g[i]) < l1 - 1e-6, "zero coefficient " + i + " strictly inside: |g| = " + g[i]);
                zeros++;
            } else {
                assertEquals(0.0, g[i] + l1 * Math.signum(x[i]), 1e-10, "coefficient " + i);
            }
        }
        return zeros;
    }

    /** Coordinate descent on the weighted normal equations (intercept unpenalized), until nothing moves. */
    static double[] lassoByCoordinateDescent(TestData.Rows r, double l1) {
        int p = D + 1;
        double[][] h = new double[p][p];
        double[] c = new double[p];
        double w = 0;
        for (int i = 0; i < N; i++) w += r.w[i];
        for (int i = 0; i < N; i++) {
            for (int a = 0; a < p; a++) {
                double xa = a == D ? 1 : r.x[i][a];
                c[a] += r.w[i] * xa * r.y[i] / w;
                for (int b = 0; b < p; b++) h[a][b] += r.w[i] * xa * (b == D ? 1 : r.x[i][b]) / w;
            }
        }
        double[] beta = new double[p];
        for (int sweep = 0; sweep < 100_000; sweep++) {
            double moved = 0;
            for (int j = 0; j < p; j++) {
                double rho = c[j];
                for (int k = 0; k < p; k++) if (k != j) rho -= h[j][k] * beta[k];
                double next = j == D ? rho / h[j][j] : ParameterProx.softThreshold(rho, l1) / h[j][j];
                moved = Math.max(moved, Math.abs(next - beta[j]));
                beta[j] = next;
            }
            if (moved == 0) break;
        }
        return beta;
    }

    static double[] l1LogisticByOwlQn(TestData.Rows r, Model model, double l1) {
        FullObjective f = new FullObjective(source(r, model), model.groups(), 0.0);
        Lbfgs.Run run = new Lbfgs(10, FullObjective.l1Weights(model.groups(), D + 1, l1)).start(f, new double[D + 1]);
        Iterate it = run.current();
        while (it.optimalityNorm() > 1e-13 && it.iteration() < 1000 && !it.stalled()) it = run.step();
        return it.x();
    }

    void assertEveryOptimizerReaches(TestData.Rows r, Model model, double l1, double[] reference, boolean lasso) {
        StringBuilder report = new StringBuilder();
        Map<String, double[]> fits = new java.util.LinkedHashMap<>();
        for (Spec spec : optimizers(lasso)) {
            double[] x = train(r, model, l1, spec);
            fits.put(spec.name(), x);
            report.append(String.format("%s %s: max |theta - theta*| = %.3g%n", lasso ? "lasso" : "logistic",
                    spec.name(), maxDistance(x, reference)));
        }
        System.out.print(report);
        for (Map.Entry<String, double[]> e : fits.entrySet()) {
            double[] x = e.getValue();
            assertTrue(maxDistance(x, reference) <= 1e-6, e.getKey() + "\n" + report);
            for (int i = 0; i < x.length; i++) {
                assertEquals(reference[i] == 0.0, x[i] == 0.0, e.getKey() + ": zero pattern at " + i + ": " + x[i]);
            }
        }
    }

    /** {@code inner} with its gain hidden: the loop then thresholds by the plain rate, as before this metric. */
    static OptimizerFactory plainRate(OptimizerFactory inner) {
        return (schedule, groups) -> {
            GradientTransformation t = inner.create(schedule, groups);
            return new GradientTransformation() {
                @Override
                public OptState init(double[] params) {
                    return t.init(params);
                }

                @Override
                public Update update(double[] gradient, OptState state, double[] params) {
                    Update u = t.update(gradient, state, params);
                    return new Update(u.updates(), u.state());
                }
            };
        };
    }

    @Test
    void thresholdingByThePlainRateAfterMomentumOrAdamSettlesAwayFromTheL1Optimum() {
        TestData.Rows r = rows(false);
        Model model = LinearModel.linearRegression(D, true);
        double l1 = 0.3;
        double[] reference = lassoByCoordinateDescent(r, l1);
        for (Spec spec : optimizers(true)) {
            if (!spec.name().equals("momentum") && !spec.name().equals("adam")) continue;
            double[] x = train(r, model, l1, new Spec(spec.name(), spec.lr(), spec.steps(),
                    plainRate(spec.factory())));
            assertTrue(maxDistance(x, reference) > 1e-2, spec.name() + " with the plain rate: "
                    + maxDistance(x, reference));
        }
    }

    @Test
    void everyOptimizerThatTakesL1ReachesTheLassoOptimumWithItsZeros() {
        TestData.Rows r = rows(false);
        Model model = LinearModel.linearRegression(D, true);
        double l1 = 0.3;
        double[] reference = lassoByCoordinateDescent(r, l1);
        int zeros = certify(r, model, l1, reference);
        assertTrue(zeros >= 2 && zeros <= D - 2, "a sparse optimum: " + zeros + " zeros");
        assertEveryOptimizerReaches(r, model, l1, reference, true);
    }

    @Test
    void everyOptimizerThatTakesL1ReachesTheL1LogisticOptimumWithItsZeros() {
        TestData.Rows r = rows(true);
        Model model = LinearModel.logisticRegression(D, true);
        double l1 = 0.03;
        double[] reference = l1LogisticByOwlQn(r, model, l1);
        int zeros = certify(r, model, l1, reference);
        assertTrue(zeros >= 2 && zeros <= D - 2, "a sparse optimum: " + zeros + " zeros");
        assertEveryOptimizerReaches(r, model, l1, reference, false);
    }
}
