package dev.steepest.core.optim.lbfgs;

import dev.steepest.core.optim.lbfgs.DifferentiableFunction.Point;

/**
 * Limited-memory BFGS (Nocedal &amp; Wright, algorithm 7.5) with a strong-Wolfe line search, and OWL-QN
 * (Andrew &amp; Gao 2007) when some coordinates carry an L1 weight: then it minimizes
 * {@code F(x) = f(x) + sum_i l1_i |x_i|}, steering by the pseudo-gradient, keeping each step in one orthant
 * and backtracking along the projected path ({@code F(x') <= F(x) + c1 pg'(x' - x)}, halving the step), so
 * coordinates reach exact zeros. Where the decrease falls below the objective's rounding ({@code 1e-14 |F|}), a
 * step is accepted when the pseudo-gradient's norm drops (both searches then steer by gradients). The curvature pairs always come from the smooth part's gradients.
 *
 * <p>The first step has length 1 along the steepest direction (no curvature is known yet); later steps start
 * from 1, the quasi-Newton step. When a line search fails, the memory is dropped and the steepest direction
 * tried once; when that fails too, the iterate is marked {@link Iterate#stalled()}. Stopping is the caller's:
 * {@link Run#step()} does one iteration.
 */
public final class Lbfgs {
    private static final double C1 = 1e-4;
    private static final int MAX_BACKTRACKS = 40;

    private final int history;
    private final double[] l1;
    private final StrongWolfeLineSearch lineSearch;

    /** @param l1 the L1 weight of each coordinate ({@code null} or all zeros: plain L-BFGS) */
    public Lbfgs(int history, double[] l1, StrongWolfeLineSearch lineSearch) {
        this.history = history;
        this.l1 = l1 == null ? null : l1.clone();
        this.lineSearch = lineSearch;
    }

    public Lbfgs(int history, double[] l1) {
        this(history, l1, StrongWolfeLineSearch.standard());
    }

    private boolean orthantWise() {
        if (l1 == null) return false;
        for (double w : l1) if (w != 0.0) return true;
        return false;
    }

    /** Starts a run at {@code x0}: one evaluation. */
    public Run start(DifferentiableFunction f, double[] x0) {
        if (l1 != null && l1.length != x0.length) {
            throw new IllegalArgumentException("l1 has " + l1.length + " weights for " + x0.length + " parameters");
        }
        return new Run(f, x0.clone());
    }

    /** One minimization: the current iterate, advanced by {@link #step()}. */
    public final class Run {
        private final DifferentiableFunction f;
        private final History memory = new History(history);
        private final boolean owl = orthantWise();
        private Point point;
        private Iterate current;

        private Run(DifferentiableFunction f, double[] x0) {
            this.f = f;
            this.point = f.evaluate(x0);
            this.current = iterate(0, point, 0.0, 1, 1, false);
        }

        public Iterate current() {
            return current;
        }

        private Iterate iterate(long k, Point p, double step, int evaluations, long total, boolean stalled) {
            double[] opt = owl ? OrthantWise.pseudoGradient(p.x(), p.gradient(), l1) : p.gradient();
            double objective = p.value() + (owl ? OrthantWise.penalty(p.x(), l1) : 0.0);
            return new Iterate(k, p.x(), objective, p.gradient(), opt, step, evaluations, total, stalled);
        }

        /** One iteration: a direction, a line search, a memory update. */
        public Iterate step() {
            double[] g = current.optimalityGradient();
            Found found = search(memory.direction(g), memory.size() == 0);
            if (found == null && memory.size() > 0) {
                memory.clear();
                found = search(memory.direction(g), true);
            }
            int spent = searched;
            searched = 0;
            if (found == null) {
                current = new Iterate(current.iteration() + 1, current.x(), current.objective(), current.gradient(),
                        current.optimalityGradient(), 0.0, spent, current.totalEvaluations() + spent, true);
                return current;
            }
            Point next = found.point();
            double[] s = new double[g.length];
            double[] y = new double[g.length];
            for (int i = 0; i < s.length; i++) {
                s[i] = next.x()[i] - point.x()[i];
                y[i] = next.gradient()[i] - point.gradient()[i];
            }
            memory.add(s, y);
            point = next;
            current = iterate(current.iteration() + 1, next, found.step(), spent, current.totalEvaluations() + spent,
                    false);
            return current;
        }

        private int searched;

        private record Found(Point point, double step) {
        }

        /** A point along {@code d} (from step 1, or 1/|g| when {@code first}) that the line search accepts. */
        private Found search(double[] d, boolean first) {
            double[] pg = current.optimalityGradient();
            if (owl) OrthantWise.constrain(d, pg, l1);
            double slope = dot(pg, d);
            if (!(slope < 0)) {
                if (!first) return null;
                d = new double[pg.length];
                for (int i = 0; i < d.length; i++) d[i] = -pg[i];
                slope = dot(pg, d);
                if (!(slope < 0)) return null;
            }
            double a1 = first ? 1.0 / Math.sqrt(dot(d, d)) : 1.0;
            if (!owl) {
                StrongWolfeLineSearch.Result r = lineSearch.search(f, point, d, a1);
                searched += r.evaluations();
                if (r.point() != null) return new Found(r.point(), r.step());
                if (r.fallback() != null) return new Found(r.fallback(), Double.NaN);
                return null;
            }
            double[] xi = OrthantWise.orthant(point.x(), pg);
            double a = a1;
            for (int k = 0; k < MAX_BACKTRACKS; k++, a *= 0.5) {
                double[] x = OrthantWise.step(point.x(), a, d, xi, l1);
                Point p = f.evaluate(x);
                searched++;
                double objective = p.value() + OrthantWise.penalty(x, l1);
                double decrease = 0.0;
                for (int i = 0; i < x.length; i++) decrease += pg[i] * (x[i] - point.x()[i]);
                if (!Double.isFinite(objective)) continue;
                if (objective <= current.objective() + C1 * decrease) return new Found(p, a);
                // below the objective's rounding the values cannot tell: accept a step the optimality measure
                // confirms (as the curvature condition does for L-BFGS)
                if (objective <= current.objective() + 1e-14 * Math.abs(current.objective())) {
                    double[] pgNext = OrthantWise.pseudoGradient(x, p.gradient(), l1);
                    if (dot(pgNext, pgNext) < dot(pg, pg)) return new Found(p, a);
                }
            }
            return null;
        }
    }

    static double dot(double[] a, double[] b) {
        return History.dot(a, b);
    }
}
