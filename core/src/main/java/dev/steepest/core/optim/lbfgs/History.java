package dev.steepest.core.optim.lbfgs;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The last {@code m} curvature pairs {@code s = x_{k+1} - x_k}, {@code y = g_{k+1} - g_k} and the two-loop
 * recursion (Nocedal &amp; Wright, algorithm 7.4) that applies the inverse-Hessian approximation they define, with
 * the initial scaling {@code H_0 = (s'y / y'y) I} of the newest pair (eq. 7.20).
 */
final class History {
    private record Pair(double[] s, double[] y, double rho) {
    }

    private final int m;
    private final ArrayDeque<Pair> pairs = new ArrayDeque<>();

    History(int m) {
        if (m < 1) throw new IllegalArgumentException("history " + m);
        this.m = m;
    }

    /** Stores the pair if {@code s'y} is positive enough (a curvature condition strong Wolfe guarantees). */
    boolean add(double[] s, double[] y) {
        double sy = dot(s, y);
        if (!(sy > 1e-10 * Math.sqrt(dot(s, s) * dot(y, y)))) return false;
        if (pairs.size() == m) pairs.removeFirst();
        pairs.addLast(new Pair(s, y, 1.0 / sy));
        return true;
    }

    void clear() {
        pairs.clear();
    }

    int size() {
        return pairs.size();
    }

    /** {@code -H g}: the quasi-Newton direction for the gradient (or pseudo-gradient) {@code g}. */
    double[] direction(double[] g) {
        double[] q = g.clone();
        int k = pairs.size();
        double[] alpha = new double[k];
        Iterator<Pair> newest = pairs.descendingIterator();
        for (int i = k - 1; i >= 0; i--) {
            Pair p = newest.next();
            alpha[i] = p.rho() * dot(p.s(), q);
            axpy(-alpha[i], p.y(), q);
        }
        if (k > 0) {
            Pair last = pairs.getLast();
            double gamma = dot(last.s(), last.y()) / dot(last.y(), last.y());
            for (int i = 0; i < q.length; i++) q[i] *= gamma;
        }
        int i = 0;
        for (Pair p : pairs) {
            double beta = p.rho() * dot(p.y(), q);
            axpy(alpha[i] - beta, p.s(), q);
            i++;
        }
        for (int j = 0; j < q.length; j++) q[j] = -q[j];
        return q;
    }

    static double dot(double[] a, double[] b) {
        double s = 0.0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < y.length; i++) y[i] += a * x[i];
    }
}
