package dev.steepest.core.model;

import java.util.SplittableRandom;

/** Initial parameters: zeros (textbook GD, reproducible), or seeded normal noise on the regularized groups. */
public final class ParameterInit {
    private ParameterInit() {
    }

    public static double[] zeros(Model model) {
        return new double[model.numParameters()];
    }

    /** N(0, std^2) on weights, zero intercepts and biases, from {@code seed}. */
    public static double[] normal(Model model, double std, long seed) {
        double[] p = new double[model.numParameters()];
        SplittableRandom rng = new SplittableRandom(seed);
        for (ParameterGroup g : model.groups()) {
            if (!g.regularized()) continue;
            for (int i = g.offset(); i < g.end(); i++) p[i] = std * gaussian(rng);
        }
        return p;
    }

    /** A standard normal draw by Marsaglia's polar method: portable, the same numbers in every JVM. */
    public static double gaussian(SplittableRandom rng) {
        double u;
        double v;
        double s;
        do {
            u = 2 * rng.nextDouble() - 1;
            v = 2 * rng.nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        return u * Math.sqrt(-2 * Math.log(s) / s);
    }
}
