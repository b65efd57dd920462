package dev.steepest.core.optim.prox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.model.ParameterGroup;
import dev.steepest.core.optim.GradientTransformation;
import dev.steepest.core.optim.LearningRateSchedule;
import dev.steepest.core.optim.OptState;
import dev.steepest.core.optim.Optimizers;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link L1Prox} and {@link ElasticNetProx}: the proximal operators
 * <pre>
 *   prox_{lr h}(v) = argmin_x  h(x) + (x - v)^2 / (2 lr)
 *   h = l1 |x|:                 x = sign(v) max(|v| - lr l1, 0)
 *   h = l1 |x| + (l2/2) x^2:    x = sign(v) max(|v| - lr l1, 0) / (1 + lr l2)
 * </pre>
 * (Parikh &amp; Boyd 2014, section 6.5.2), and proximal gradient descent (ISTA) on a lasso with an orthogonal
 * design, whose solution is known in closed form: for {@code min (1/2)||X w + b 1 - y||^2 + l1 ||w||_1} with
 * centered, mutually orthogonal columns {@code x_j} ({@code x_j.x_k = 0}, {@code x_j.1 = 0}),
 * {@code b* = mean(y)} and {@code w*_j = S(x_j.y, l1) / ||x_j||^2}; with the elastic net,
 * {@code w*_j = S(x_j.y, l1) / (||x_j||^2 + l2)}.
 */
class ProxTest {
    /** Three coefficients (regularized) and an intercept (not). */
    private static final List<ParameterGroup> GROUPS = List.of(new ParameterGroup("coefficients", 0, 3, true),
            new ParameterGroup("intercepts", 3, 1, false));

    @Test
    void softThresholdingGivesExactZerosAndLeavesTheInterceptAlone() {
        double[] p = {0.3, -0.05, -2.0, 0.07};
        double[] before = p.clone();
        double[] out = new L1Prox(1.0).apply(p, 0.1, GROUPS); // threshold 0.1
        assertArrayEquals(before, p, 0.0, "input not modified");
        assertEquals(0.3 - 0.1, out[0], 0.0);
        assertEquals(0.0, out[1]); // +0.0 exactly: assertEquals(double, double) tells -0.0 apart
        assertEquals(-2.0 + 0.1, out[2], 0.0);
        assertEquals(0.07, out[3], 0.0, "the intercept is not penalized, though below the threshold");
        assertEquals(0.0, ParameterProx.softThreshold(0.1, 0.1), "|p| = threshold: zero");
        assertEquals(0.0, ParameterProx.softThreshold(-0.1, 0.1));
        assertEquals(0.0, ParameterProx.softThreshold(-0.0, 0.0));
        assertTrue(Double.isNaN(ParameterProx.softThreshold(Double.NaN, 1.0)));
        assertArrayEquals(p, new L1Prox(1.0).apply(p, 0.0, GROUPS), 0.0, "lr 0: identity");
    }

    @Test
    void elasticNetSoftThresholdsThenShrinks() {
        double[] p = {0.3, -0.05, -2.0, 0.07};
        double[] out = new ElasticNetProx(1.0, 2.0).apply(p, 0.1, GROUPS); // threshold 0.1, shrink 1.2
        assertArrayEquals(new double[] {(0.3 - 0.1) / 1.2, 0.0, (-2.0 + 0.1) / 1.2, 0.07}, out, 0.0);
        assertArrayEquals(new L1Prox(0.7).apply(p, 0.3, GROUPS), new ElasticNetProx(0.7, 0.0).apply(p, 0.3, GROUPS),
                0.0, "l2 = 0 is L1Prox");
    }

    /**
     * Each output component minimizes {@code phi(x) = h(x) + (x - v)^2 / (2 lr)}: checked by the optimality
     * condition (0 in the subdifferential) and against a ternary search on the convex phi.
     */
    @Test
    void matchesTheClosedFormProximalOperator() {
        SplittableRandom rng = new SplittableRandom(3);
        List<ParameterGroup> one = List.of(new ParameterGroup("w", 0, 1, true));
        for (int k = 0; k < 500; k++) {
            double v = rng.nextDouble() * 6 - 3;
            double lr = rng.nextDouble();
            double l1 = rng.nextDouble() * 2;
            double l2 = k % 2 == 0 ? 0.0 : rng.nextDouble() * 3;
            double x = new ElasticNetProx(l1, l2).apply(new double[] {v}, lr, one)[0];
            if (x == 0.0) {
                assertTrue(Math.abs(v) / lr <= l1 + 1e-12, "0 in l1 [-1, 1] - v / lr");
            } else {
                assertEquals(0.0, (x - v) / lr + l1 * Math.signum(x) + l2 * x, 1e-9 * (1 + Math.abs(v) / lr));
            }
            double lo = -4;
            double hi = 4;
            for (int it = 0; it < 200; it++) {
                double a = lo + (hi - lo) / 3;
                double b = hi - (hi - lo) / 3;
                if (phi(a, v, lr, l1, l2) <= phi(b, v, lr, l1, l2)) hi = b;
                else lo = a;
            }
            assertEquals((lo + hi) / 2, x, 1e-7, "ternary search, v=" + v);
            assertTrue(phi(x, v, lr, l1, l2) <= phi((lo + hi) / 2, v, lr, l1, l2) + 1e-15);
        }
    }

    private static double phi(double x, double v, double lr, double l1, double l2) {
        return l1 * Math.abs(x) + 0.5 * l2 * x * x + (x - v) * (x - v) / (2 * lr);
    }

    /**
     * ISTA on 4 rows: centered orthogonal columns with squared norms 4, 1, 9 and y = (1, 2, 0.5, -1):
     * x.y = (0.5, 1.75, -3.75); with l1 = 1 the lasso solution is w* = (0, 0.75 / 1, -2.75 / 9), b* = 0.625.
     * Steps with lr = 1/9 (1/L, L = 9 the largest curvature) and the L1 prox after each: (w, b) converges to the
     * solution to 1e-10, with the zero coordinate exactly 0. Elastic net with l2 = 0.5:
     * w* = (0, 0.75 / 1.5, -2.75 / 9.5).
     */
    @Test
    void proximalGradientSolvesALassoInClosedForm() {
        double[][] x = {
            {1, 0.5, 1.5},
            {-1, 0.5, -1.5},
            {1, -0.5, -1.5},
            {-1, -0.5, 1.5},
        };
        double[] y = {1, 2, 0.5, -1};
        double l1 = 1.0;
        double[] lasso = {0, 0.75, -2.75 / 9, 0.625};
        double[] elastic = {0, 0.75 / (1 + 0.5), -2.75 / (9 + 0.5), 0.625};
        assertSolves(x, y, new L1Prox(l1), lasso);
        assertSolves(x, y, new ElasticNetProx(l1, 0.5), elastic);
    }

    private static void assertSolves(double[][] x, double[] y, ParameterProx prox, double[] solution) {
        double lr = 1.0 / 9.0;
        GradientTransformation gd = Optimizers.sgd(LearningRateSchedule.constant(lr), 0, 0, false, 0, GROUPS);
        double[] p = {1, 1, 1, 0};
        OptState s = gd.init(p);
        int steps = 0;
        for (; steps < 2000 && maxDiff(p, solution) > 1e-12; steps++) {
            double[] g = new double[4];
            for (int i = 0; i < 4; i++) {
                double r = p[3] - y[i];
                for (int j = 0; j < 3; j++) r += x[i][j] * p[j];
                for (int j = 0; j < 3; j++) g[j] += x[i][j] * r;
                g[3] += r;
            }
            GradientTransformation.Update u = gd.update(g, s, p);
            s = u.state();
            p = prox.apply(GradientTransformation.applyUpdates(p, u.updates()), lr, GROUPS);
        }
        assertArrayEquals(solution, p, 1e-10, prox + " after " + steps + " steps");
        assertEquals(0.0, p[0], prox + ": exact zero");
        assertTrue(steps < 2000, prox + ": converged in " + steps + " steps");
    }

    private static double maxDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    @Test
    void rejectsImpossibleParameters() {
        assertThrows(IllegalArgumentException.class, () -> new L1Prox(-1));
        assertThrows(IllegalArgumentException.class, () -> new L1Prox(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new ElasticNetProx(0.1, -1));
        assertThrows(IllegalArgumentException.class, () -> new ElasticNetProx(Double.POSITIVE_INFINITY, 0));
        assertThrows(IllegalArgumentException.class, () -> new L1Prox(0.1).apply(new double[4], -0.1, GROUPS));
    }
}
