package dev.steepest.core.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.data.Block;

/**
 * The finite-difference gradient check the model tests share: the central difference of the kernel's mean loss
 * {@code sum_i w_i l_i / sum_i w_i} in each parameter, with step {@link #H}, against the kernel's mean gradient.
 */
final class GradientCheck {
    /** The step of the central differences. */
    static final double H = 1e-6;
    /** Allowed |finite difference - gradient| relative to max(|gradient|, 1e-2). */
    static final double TOL = 1e-6;

    private GradientCheck() {
    }

    /** The kernel's sums over rows {@code rows[0..count)} (or {@code 0..count-1}) at {@code params}. */
    static Accumulator sums(Model model, Block block, int[] rows, int count, double[] params) {
        Accumulator acc = new Accumulator(model.numParameters());
        model.accumulate(block, rows, count, params, acc);
        return acc;
    }

    /** {@code params} with {@code delta} added to parameter {@code i} (a copy). */
    static double[] shifted(double[] params, int i, double delta) {
        double[] p = params.clone();
        p[i] += delta;
        return p;
    }

    /**
     * {@code (L(theta + h e_i) - L(theta - h e_i)) / step} for the mean loss L, where step is the difference of
     * the two parameter values actually taken (after rounding).
     */
    static double centralDifference(Model model, Block block, int[] rows, int count, double[] params, int i) {
        double[] plus = shifted(params, i, H);
        double[] minus = shifted(params, i, -H);
        double step = plus[i] - minus[i];
        return (sums(model, block, rows, count, plus).meanLoss()
                - sums(model, block, rows, count, minus).meanLoss()) / step;
    }

    /**
     * Asserts for every parameter i that {@code |fd_i - g_i| <= TOL max(|g_i|, 1e-2) + noise}, where fd is the
     * central difference and g the kernel's mean gradient at {@code params}; {@code noise} is an absolute
     * allowance for the rounding of large losses (0 for none).
     */
    static void assertGradientMatches(Model model, Block block, int[] rows, int count, double[] params, double[] g,
                                      double noise, String what) {
        for (int i = 0; i < params.length; i++) {
            double fd = centralDifference(model, block, rows, count, params, i);
            double err = Math.abs(fd - g[i]);
            double allowed = TOL * Math.max(Math.abs(g[i]), 1e-2) + noise;
            assertTrue(err <= allowed, what + ": parameter " + i + ": finite difference " + fd + " vs gradient "
                    + g[i] + " (error " + err + ", allowed " + allowed + ")");
        }
    }
}
