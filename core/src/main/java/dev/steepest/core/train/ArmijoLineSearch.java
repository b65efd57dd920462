package dev.steepest.core.train;

import java.util.function.ToDoubleFunction;

/**
 * Backtracking line search with the Armijo (sufficient decrease) condition for full-batch gradient descent
 * (L. Armijo, "Minimization of functions having Lipschitz continuous first partial derivatives", Pacific J. Math.
 * 16(1), 1966; Nocedal &amp; Wright, Numerical Optimization, 2nd ed., algorithm 3.1). From the scheduled rate
 * {@code t = lr(t)}, along {@code d = -g}:
 * <pre>
 *   while f(x - t g) &gt; f(x) - c1 * t * ||g||^2:   t = shrink * t
 * </pre>
 * On an L-smooth objective the condition holds for every {@code t <= 2 (1 - c1) / L}, so at most
 * {@code ceil(log(lr L / (2 (1 - c1))) / log(1 / shrink)) + 1} trials are needed and gradient descent converges from
 * any starting rate, without a hand-tuned one. Each trial is one evaluation of the objective on every row.
 *
 * @param c1        the sufficient-decrease constant, in (0, 1)
 * @param shrink    the backtracking factor, in (0, 1)
 * @param maxTrials the most trial steps per iteration; when none is accepted the run stops with
 *                  {@code no-progress}. Once the decrease {@code c1 t ||g||^2} asked for is below the rounding of
 *                  {@code f(x)}, a trial must lower {@code f} strictly (equal values prove nothing)
 */
public record ArmijoLineSearch(double c1, double shrink, int maxTrials) {
    public ArmijoLineSearch {
        if (!(c1 > 0.0 && c1 < 1.0)) throw new IllegalArgumentException("c1 must be in (0, 1): " + c1);
        if (!(shrink > 0.0 && shrink < 1.0)) throw new IllegalArgumentException("shrink must be in (0, 1): " + shrink);
        if (maxTrials < 1) throw new IllegalArgumentException("maxTrials must be >= 1: " + maxTrials);
    }

    /** Armijo's usual constants: {@code c1 = 1e-4}, halving, 60 trials. */
    public static ArmijoLineSearch defaults() {
        return new ArmijoLineSearch(1e-4, 0.5, 60);
    }

    /**
     * The accepted step: its length {@code t}, the point {@code x - t g}, the objective there and the number of
     * trials (objective evaluations) it took; {@code point == null} when no trial was accepted.
     */
    public record Accepted(double step, double[] point, double objective, int trials) {
    }

    /**
     * @param x         the current parameters (not modified)
     * @param gradient  the objective's gradient at {@code x}
     * @param objective {@code f(x)}
     * @param rate      the first trial step, the scheduled rate {@code > 0}
     * @param f         the objective on every row
     */
    public Accepted search(double[] x, double[] gradient, double objective, double rate,
                           ToDoubleFunction<double[]> f) {
        double squaredNorm = 0.0;
        for (double g : gradient) squaredNorm += g * g;
        double t = rate;
        for (int trial = 1; trial <= maxTrials; trial++) {
            double[] candidate = new double[x.length];
            for (int i = 0; i < x.length; i++) candidate[i] = x[i] - t * gradient[i];
            double bound = objective - c1 * t * squaredNorm;
            double value = f.applyAsDouble(candidate);
            // below f's rounding (bound == objective) only a strict decrease shows the condition holds
            if (value <= bound && (bound < objective || value < objective)) {
                return new Accepted(t, candidate, value, trial);
            }
            t *= shrink;
        }
        return new Accepted(t, null, Double.NaN, maxTrials);
    }
}
