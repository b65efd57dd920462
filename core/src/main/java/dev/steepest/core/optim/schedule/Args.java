package dev.steepest.core.optim.schedule;

/** Argument checks shared by the schedules; every failure is an {@link IllegalArgumentException}. */
final class Args {
    private Args() {
    }

    /** A learning rate that schedules start from: finite and positive. */
    static double rate(String name, double v) {
        if (!(v > 0.0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + v);
        }
        return v;
    }

    static double positive(String name, double v) {
        if (!(v > 0.0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + v);
        }
        return v;
    }

    static double nonNegative(String name, double v) {
        if (!(v >= 0.0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be finite and >= 0, got " + v);
        }
        return v;
    }

    /** A floor rate ({@code etaMin}, {@code endLr}, {@code minLr}): {@code 0 <= v <= lr0}. */
    static double floor(String name, double v, String lr0Name, double lr0) {
        nonNegative(name, v);
        if (v > lr0) {
            throw new IllegalArgumentException(name + " (" + v + ") must not exceed " + lr0Name + " (" + lr0 + ")");
        }
        return v;
    }

    static long atLeastOne(String name, long v) {
        if (v < 1) throw new IllegalArgumentException(name + " must be >= 1, got " + v);
        return v;
    }

    static int nonNegative(String name, int v) {
        if (v < 0) throw new IllegalArgumentException(name + " must be >= 0, got " + v);
        return v;
    }

    /** The step passed to {@code rate}: a 0-based update index. */
    static long step(long t) {
        if (t < 0) throw new IllegalArgumentException("step must be >= 0, got " + t);
        return t;
    }
}
