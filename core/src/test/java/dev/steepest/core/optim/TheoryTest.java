package dev.steepest.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.model.ParameterGroup;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Convergence rates of {@link Optimizers#sgd} on {@code f(x) = x^T A x / 2}, {@code A = diag(1, 4, 10, 40, 100)}:
 * {@code mu = 1}, {@code L = 100}, {@code kappa = L / mu = 100}, {@code x* = 0}, fixed {@code x0}. Along the
 * eigenvector of {@code lambda}, with {@code h = lr * lambda}, every method is a linear recurrence in one scalar.
 *
 * <p><b>(a) Gradient descent</b>, {@code lr = 1/L}: {@code x_{t+1} = (1 - lambda/L) x_t}, so
 * {@code ||x_{t+1}|| <= (1 - mu/L) ||x_t||}, with equality along the slowest eigenvector and, as the other
 * components die out, for the whole vector in the limit.
 *
 * <p><b>(b) Heavy ball</b> (Polyak 1964). PyTorch's {@code b = mu b + g; x = x - lr b} (with {@code b = g} at the
 * first step) is {@code x_{t+1} = x_t - lr g_t + mu (x_t - x_{t-1})} with {@code x_{-1} = x_0}, i.e.
 * <pre>
 *   x_{t+1} = (1 + mu - h) x_t - mu x_{t-1},   x_1 = (1 - h) x_0.
 * </pre>
 * With Polyak's {@code lr = 4 / (sqrt L + sqrt mu)^2}, {@code mu = r^2}, {@code r = (sqrt kappa - 1) /
 * (sqrt kappa + 1)} (= 9/11), both roots of {@code z^2 - (1 + r^2 - h) z + r^2} have modulus exactly {@code r}
 * for every {@code lambda} in {@code [mu, L]}: complex {@code r e^{+-i theta}} inside, a double root {@code +r}
 * at {@code lambda = mu} and {@code -r} at {@code lambda = L}. Writing the solution with
 * {@code 1 - h = r (2 cos theta - r)} gives
 * <pre>
 *   x_t = x_0 r^t [sin((t+1) theta) - r sin(t theta)] / sin(theta),   so  |x_t| <= |x_0| r^t (1 + (1 + r) t),
 * </pre>
 * with equality at {@code lambda = L} (theta = pi): {@code x_t = x_0 (-r)^t (1 + (1 + r) t)}. Hence
 * {@code ||x_t|| <= C (t + 1) r^t} with {@code C = (1 + r) ||x_0||}; the constant {@code ||x_0||} that
 * {@code t = 0} alone suggests is <em>not</em> enough (the double root at {@code -r} grows like
 * {@code (1 + r) t}), which the test shows.
 *
 * <p><b>(c) Nesterov.</b> PyTorch's {@code b = mu b + g; x = x - lr (g + mu b)} is, after eliminating {@code b},
 * <pre>
 *   x_{t+1} = (1 + mu)(1 - h) x_t - mu (1 - h) x_{t-1},   x_1 = (1 - h (1 + mu)) x_0,
 * </pre>
 * the same recurrence as textbook Nesterov with constant momentum ({@code y_t = x_t + mu (x_t - x_{t-1})},
 * {@code x_{t+1} = y_t - lr grad f(y_t)}): PyTorch's parameters are the look-ahead points {@code y_t} (Sutskever
 * et al. 2013, Bengio et al. 2013), so the rate is the same and only the constants (through {@code x_1}) differ.
 * With {@code lr = 1/L} and {@code mu = (sqrt kappa - 1) / (sqrt kappa + 1)}, the discriminant
 * {@code (1 - h)(1 + mu)^2 - 4 mu} vanishes at {@code h = 1/kappa} (double root
 * {@code rho = 1 - 1/sqrt kappa} = 0.9) and is negative above it, where the roots have modulus
 * {@code sqrt(mu (1 - h)) < rho}. With {@code x_t = U_t x_1 - mu (1 - h) U_{t-1} x_0},
 * {@code U_t = (z1^t - z2^t)/(z1 - z2)}, {@code |U_t| <= t rho^{t-1}} and {@code |x_1| <= |x_0|}:
 * <pre>
 *   |x_t| <= |x_0| rho^t (t / rho + t - 1) <= (1 + 1/rho) |x_0| (t + 1) rho^t,
 * </pre>
 * so {@code C = (1 + 1/rho) ||x_0||}. At {@code lambda = mu} exactly: {@code x_t = x_0 rho^t (1 + t (q/rho - 1))},
 * {@code q = 1 - (1 + mu)/kappa}: the rate {@code rho} is attained, not beaten.
 *
 * <p>Rounding: {@code lr} and {@code mu} are doubles, so a double root becomes two roots {@code r (1 +- delta)}
 * with {@code delta ~ sqrt(1e-16) = 1e-8}; the solution then deviates from the double-root form by
 * {@code O(t^2 delta^2) ~ 1e-11} at {@code t = 300}. The bounds are checked with a relative slack of 1e-9 for this.
 */
class TheoryTest {
    private static final double[] EIG = {1, 4, 10, 40, 100};
    private static final double MU = 1;
    private static final double L = 100;
    private static final double KAPPA = L / MU;
    private static final double SQK = Math.sqrt(KAPPA);
    private static final double[] X0 = {1, -2, 0.5, 3, -1};
    private static final List<ParameterGroup> GROUPS = List.of(new ParameterGroup("x", 0, EIG.length, true));
    private static final double ROUNDING = 1e-9;
    private static final StringBuilder REPORT = new StringBuilder();

    /** {@code steps + 1} iterates from {@code x0}, with the gradient {@code A x}. */
    private static double[][] trajectory(GradientTransformation opt, double[] x0, int steps) {
        double[][] xs = new double[steps + 1][];
        double[] x = x0.clone();
        OptState s = opt.init(x);
        xs[0] = x;
        for (int t = 0; t < steps; t++) {
            double[] g = new double[x.length];
            for (int i = 0; i < x.length; i++) g[i] = EIG[i] * x[i];
            GradientTransformation.Update u = opt.update(g, s, x);
            s = u.state();
            x = GradientTransformation.applyUpdates(x, u.updates());
            xs[t + 1] = x;
        }
        return xs;
    }

    private static double norm(double[] x) {
        double s = 0;
        for (double v : x) s += v * v;
        return Math.sqrt(s);
    }

    private static GradientTransformation sgd(double lr, double momentum, boolean nesterov) {
        return Optimizers.sgd(LearningRateSchedule.constant(lr), momentum, 0, nesterov, 0, GROUPS);
    }

    private static int stepsTo(double[][] xs, double tol) {
        for (int t = 0; t < xs.length; t++) if (norm(xs[t]) <= tol) return t;
        return -1;
    }

    /** The observed per-step rate between steps a and b: (||x_b|| / ||x_a||)^(1 / (b - a)). */
    private static double rate(double[][] xs, int a, int b) {
        return Math.pow(norm(xs[b]) / norm(xs[a]), 1.0 / (b - a));
    }

    private static double[] along(int i) {
        double[] e = new double[EIG.length];
        e[i] = X0[i];
        return e;
    }

    @Test
    void gradientDescentContractsByOneMinusMuOverL() {
        double q = 1 - MU / L;
        double[][] xs = trajectory(sgd(1 / L, 0, false), X0, 1500);
        for (int t = 0; t < 1500; t++) {
            double ratio = norm(xs[t + 1]) / norm(xs[t]);
            assertTrue(ratio <= q + 1e-12, "step " + t + ": ratio " + ratio);
            assertEquals(q, xs[t + 1][0] / xs[t][0], 1e-15, "slowest eigenvector, step " + t);
        }
        double limit = norm(xs[1500]) / norm(xs[1499]);
        assertEquals(q, limit, 1e-12, "the ratio tends to 1 - mu/L");
        REPORT.append(String.format(Locale.ROOT, "GD lr=1/L: ||x_t+1||/||x_t|| -> %.15f (1 - mu/L = %.2f)%n",
                limit, q));
    }

    @Test
    void heavyBallWithPolyaksParametersConvergesAtRateR() {
        double lr = 4 / Math.pow(Math.sqrt(L) + Math.sqrt(MU), 2);
        double r = (SQK - 1) / (SQK + 1);
        double mom = r * r;
        int steps = 300;
        double[][] xs = trajectory(sgd(lr, mom, false), X0, steps);
        // the recurrence of the class Javadoc
        for (int i = 0; i < EIG.length; i++) {
            double h = lr * EIG[i];
            assertEquals((1 - h) * X0[i], xs[1][i], 1e-15);
            for (int t = 1; t < steps; t++) {
                double expected = (1 + mom - h) * xs[t][i] - mom * xs[t - 1][i];
                assertEquals(expected, xs[t + 1][i], 1e-13 * (Math.abs(xs[t][i]) + Math.abs(xs[t - 1][i])));
            }
        }
        double x0 = norm(X0);
        double c = (1 + r) * x0;
        for (int t = 0; t <= steps; t++) {
            double n = norm(xs[t]);
            assertTrue(n <= x0 * (1 + (1 + r) * t) * Math.pow(r, t) * (1 + ROUNDING), "t=" + t + ": " + n);
            assertTrue(n <= c * (t + 1) * Math.pow(r, t) * (1 + ROUNDING), "C (t+1) r^t, t=" + t);
        }
        // tight at lambda = L: x_t = x_0 (-r)^t (1 + (1 + r) t); so C = ||x_0|| would not do
        double[][] top = trajectory(sgd(lr, mom, false), along(4), steps);
        for (int t = 1; t <= steps; t++) {
            double exact = Math.abs(X0[4]) * Math.pow(r, t) * (1 + (1 + r) * t);
            assertEquals(exact, norm(top[t]), ROUNDING * exact, "double root at -r, t=" + t);
            assertTrue(norm(top[t]) > Math.abs(X0[4]) * (t + 1) * Math.pow(r, t), "C = ||x_0|| fails, t=" + t);
        }
        double observed = rate(xs, 200, 300);
        assertTrue(observed > r && observed < r * 1.01, "observed rate " + observed + " vs r = " + r);
        REPORT.append(String.format(Locale.ROOT, "heavy ball lr=%.6f mu=%.6f: rate r=%.6f, observed over "
                + "t=200..300 %.6f (x (t+1) prefactor), ||x_300|| = %.3e%n", lr, mom, r, observed, norm(xs[steps])));
    }

    @Test
    void nesterovConvergesAtRateOneMinusOneOverSqrtKappa() {
        double lr = 1 / L;
        double mom = (SQK - 1) / (SQK + 1);
        double rho = 1 - 1 / SQK;
        int steps = 300;
        double[][] xs = trajectory(sgd(lr, mom, true), X0, steps);
        for (int i = 0; i < EIG.length; i++) {
            double h = lr * EIG[i];
            assertEquals((1 - h * (1 + mom)) * X0[i], xs[1][i], 1e-15);
            for (int t = 1; t < steps; t++) {
                double expected = (1 + mom) * (1 - h) * xs[t][i] - mom * (1 - h) * xs[t - 1][i];
                assertEquals(expected, xs[t + 1][i], 1e-13 * (Math.abs(xs[t][i]) + Math.abs(xs[t - 1][i])));
            }
        }
        double c = (1 + 1 / rho) * norm(X0);
        for (int t = 0; t <= steps; t++) {
            double n = norm(xs[t]);
            assertTrue(n <= c * (t + 1) * Math.pow(rho, t) * (1 + ROUNDING), "t=" + t + ": " + n);
        }
        // the double root at lambda = mu: the rate rho is attained
        double q = 1 - (1 + mom) / KAPPA;
        for (int t = 0; t <= steps; t++) {
            double exact = X0[0] * Math.pow(rho, t) * (1 + t * (q / rho - 1));
            assertEquals(exact, xs[t][0], ROUNDING * Math.abs(exact), "slowest component, t=" + t);
        }
        double observed = rate(xs, 200, 300);
        assertTrue(observed > rho && observed < rho * 1.01, "observed rate " + observed + " vs rho = " + rho);
        REPORT.append(String.format(Locale.ROOT, "Nesterov lr=1/L mu=%.6f: rate 1-1/sqrt(kappa)=%.6f, observed over "
                + "t=200..300 %.6f, ||x_300|| = %.3e%n", mom, rho, observed, norm(xs[steps])));
    }

    @Test
    void momentumNeedsFarFewerStepsThanGradientDescent() {
        double r = (SQK - 1) / (SQK + 1);
        int gd = stepsTo(trajectory(sgd(1 / L, 0, false), X0, 5000), 1e-8);
        int hb = stepsTo(trajectory(sgd(4 / Math.pow(Math.sqrt(L) + Math.sqrt(MU), 2), r * r, false), X0, 5000),
                1e-8);
        int nag = stepsTo(trajectory(sgd(1 / L, r, true), X0, 5000), 1e-8);
        String counts = "steps to ||x|| <= 1e-8: GD " + gd + ", heavy ball " + hb + ", Nesterov " + nag;
        assertTrue(gd > 0 && hb > 0 && nag > 0, counts);
        assertTrue(5 * hb < gd, counts);
        assertTrue(5 * nag < gd, counts);
        // GD needs about log(1e-8 / |x0_slowest|) / log(1 - mu/L) steps
        double predicted = Math.log(1e-8 / Math.abs(X0[0])) / Math.log(1 - MU / L);
        assertTrue(Math.abs(gd - predicted) < 3, counts + "; predicted GD " + predicted);
        REPORT.append(counts).append(String.format(Locale.ROOT, " (GD predicted %.1f)%n", predicted));
    }

    @AfterAll
    static void printRates() {
        if (REPORT.length() > 0) System.out.print("\nTheoryTest, kappa = 100:\n" + REPORT);
    }
}
