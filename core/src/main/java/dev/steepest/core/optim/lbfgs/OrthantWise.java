package dev.steepest.core.optim.lbfgs;

/**
 * The pieces of OWL-QN (Andrew &amp; Gao 2007, "Scalable training of L1-regularized log-linear models") for
 * {@code F(x) = f(x) + sum_i l1_i |x_i|}: the pseudo-gradient (the minimum-norm subgradient, eq. 4), the sign
 * constraint on the direction, the orthant of a step, and the projection onto it, which is what produces exact
 * zeros. A coordinate with {@code l1_i = 0} (an intercept) is smooth: never constrained, never projected.
 */
final class OrthantWise {
    private OrthantWise() {
    }

    /** {@code sum l1_i |x_i|}. */
    static double penalty(double[] x, double[] l1) {
        double s = 0.0;
        for (int i = 0; i < x.length; i++) s += l1[i] * Math.abs(x[i]);
        return s;
    }

    /** The pseudo-gradient: the one-sided derivative of F that descends, 0 where neither side does. */
    static double[] pseudoGradient(double[] x, double[] g, double[] l1) {
        double[] pg = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double w = l1[i];
            if (w == 0.0) {
                pg[i] = g[i];
            } else if (x[i] > 0) {
                pg[i] = g[i] + w;
            } else if (x[i] < 0) {
                pg[i] = g[i] - w;
            } else if (g[i] + w < 0) {
                pg[i] = g[i] + w;
            } else if (g[i] - w > 0) {
                pg[i] = g[i] - w;
            }
        }
        return pg;
    }

    /** Zeroes the direction's components (of L1 coordinates) that do not point against the pseudo-gradient. */
    static void constrain(double[] d, double[] pg, double[] l1) {
        for (int i = 0; i < d.length; i++) {
            if (l1[i] != 0.0 && d[i] * pg[i] >= 0) d[i] = 0.0;
        }
    }

    /** The orthant the step explores: the sign of {@code x_i}, or of {@code -pg_i} where {@code x_i = 0}. */
    static double[] orthant(double[] x, double[] pg) {
        double[] xi = new double[x.length];
        for (int i = 0; i < x.length; i++) xi[i] = x[i] != 0.0 ? Math.signum(x[i]) : Math.signum(-pg[i]);
        return xi;
    }

    /** {@code x + a d} with every L1 coordinate that left the orthant {@code xi} set to exactly 0. */
    static double[] step(double[] x, double a, double[] d, double[] xi, double[] l1) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double v = x[i] + a * d[i];
            out[i] = l1[i] != 0.0 && Math.signum(v) != xi[i] ? 0.0 : v;
        }
        return out;
    }
}
