package dev.steepest.core.optim.lbfgs;

import dev.steepest.core.optim.lbfgs.DifferentiableFunction.Point;

/**
 * A step length along a descent direction {@code d} that satisfies the strong Wolfe conditions
 * <pre>
 *   phi(a) &lt;= phi(0) + c1 a phi'(0)          (sufficient decrease)
 *   |phi'(a)| &lt;= c2 |phi'(0)|                  (curvature)
 * </pre>
 * for {@code phi(a) = f(x + a d)}: Nocedal &amp; Wright's algorithm 3.5 (bracketing, doubling the step) with
 * algorithm 3.6 ({@code zoom}), whose trial steps are the minimizer of the cubic through both ends' values and
 * slopes (eq. 3.59), kept at least 10% of the interval away from its ends (else bisection). Every trial is one
 * function evaluation; at most {@code maxEvaluations} are spent.
 */
public final class StrongWolfeLineSearch {
    private final double c1;
    private final double c2;
    private final int maxEvaluations;

    /** @param c1 sufficient decrease (1e-4 typical), {@code 0 < c1 < c2 < 1}; @param c2 curvature (0.9 for quasi-Newton) */
    public StrongWolfeLineSearch(double c1, double c2, int maxEvaluations) {
        if (!(c1 > 0 && c1 < c2 && c2 < 1)) throw new IllegalArgumentException("need 0 < c1 < c2 < 1: " + c1 + ", " + c2);
        this.c1 = c1;
        this.c2 = c2;
        this.maxEvaluations = maxEvaluations;
    }

    public static StrongWolfeLineSearch standard() {
        return new StrongWolfeLineSearch(1e-4, 0.9, 25);
    }

    /**
     * The accepted point, its step and the evaluations spent; {@code point} is null when no step satisfying both
     * conditions was found within the budget (then {@code fallback} is the best point with sufficient decrease, or
     * null).
     */
    public record Result(Point point, double step, int evaluations, Point fallback) {
    }

    private record Trial(double a, Point p, double phi, double slope) {
    }

    private final class Search {
        final DifferentiableFunction f;
        final double[] x;
        final double[] d;
        final double phi0;
        final double slope0;
        int evaluations;
        Trial bestArmijo;

        Search(DifferentiableFunction f, Point start, double[] d) {
            this.f = f;
            this.x = start.x();
            this.d = d;
            this.phi0 = start.value();
            this.slope0 = Lbfgs.dot(start.gradient(), d);
        }

        Trial at(double a) {
            double[] xa = new double[x.length];
            for (int i = 0; i < xa.length; i++) xa[i] = x[i] + a * d[i];
            Point p = f.evaluate(xa);
            evaluations++;
            Trial t = new Trial(a, p, p.value(), Lbfgs.dot(p.gradient(), d));
            if (armijo(t) && (bestArmijo == null || t.phi() < bestArmijo.phi())) bestArmijo = t;
            return t;
        }

        /**
         * Sufficient decrease, up to the rounding of phi itself ({@code 1e-14 |phi(0)|}): near the optimum the
         * decrease {@code c1 a phi'(0)} falls below what the objective's digits can show, and the curvature condition
         * (on gradients, which keep their digits) alone carries the progress, as in Hager &amp; Zhang's approximate
         * Wolfe conditions.
         */
        boolean armijo(Trial t) {
            return Double.isFinite(t.phi()) && t.phi() <= phi0 + c1 * t.a() * slope0 + 1e-14 * Math.abs(phi0);
        }

        boolean curvature(Trial t) {
            return Math.abs(t.slope()) <= -c2 * slope0;
        }

        Result done(Trial t) {
            return new Result(t.p(), t.a(), evaluations, t.p());
        }

        Result failed() {
            return new Result(null, Double.NaN, evaluations, bestArmijo == null ? null : bestArmijo.p());
        }

        Result zoom(Trial lo, Trial hi) {
            while (evaluations < maxEvaluations) {
                double a = interpolate(lo, hi);
                Trial t = at(a);
                if (!armijo(t) || t.phi() >= lo.phi()) {
                    hi = t;
                } else {
                    if (curvature(t)) return done(t);
                    if (t.slope() * (hi.a() - lo.a()) >= 0) hi = lo;
                    lo = t;
                }
                if (Math.abs(hi.a() - lo.a()) <= 1e-16 * Math.max(1.0, Math.abs(lo.a()))) break;
            }
            return failed();
        }
    }

    /** Searches from {@code start} along {@code d} (a descent direction: {@code g'd < 0}) from step {@code a1}. */
    public Result search(DifferentiableFunction f, Point start, double[] d, double a1) {
        Search s = new Search(f, start, d);
        if (!(s.slope0 < 0)) throw new IllegalArgumentException("not a descent direction: g'd = " + s.slope0);
        Trial previous = new Trial(0.0, start, s.phi0, s.slope0);
        double a = a1;
        for (int i = 1; s.evaluations < maxEvaluations; i++) {
            Trial t = s.at(a);
            if (!Double.isFinite(t.phi()) || !Double.isFinite(t.slope())) {
                // overshot into overflow: treat as a failed decrease and zoom back towards the start
                return s.zoom(previous, new Trial(a, t.p(), Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY));
            }
            if (!s.armijo(t) || (i > 1 && t.phi() >= previous.phi())) return s.zoom(previous, t);
            if (s.curvature(t)) return s.done(t);
            if (t.slope() >= 0) return s.zoom(t, previous);
            previous = t;
            a *= 2.0;
        }
        return s.failed();
    }

    /**
     * The trial step in {@code (lo, hi)}: the cubic interpolant's minimizer (Nocedal &amp; Wright eq. 3.59) when it
     * exists and lies at least 10% of the interval inside; the midpoint otherwise.
     */
    static double interpolate(Trial lo, Trial hi) {
        double a0 = lo.a();
        double a1 = hi.a();
        double left = Math.min(a0, a1);
        double right = Math.max(a0, a1);
        double margin = 0.1 * (right - left);
        double mid = 0.5 * (a0 + a1);
        if (!Double.isFinite(hi.phi()) || !Double.isFinite(hi.slope())) return mid;
        double d1 = lo.slope() + hi.slope() - 3.0 * (lo.phi() - hi.phi()) / (a0 - a1);
        double disc = d1 * d1 - lo.slope() * hi.slope();
        if (!(disc >= 0)) return mid;
        double d2 = Math.signum(a1 - a0) * Math.sqrt(disc);
        double a = a1 - (a1 - a0) * (hi.slope() + d2 - d1) / (hi.slope() - lo.slope() + 2.0 * d2);
        if (!Double.isFinite(a) || a < left + margin || a > right - margin) return mid;
        return a;
    }
}
