package dev.steepest.core.model;

import java.io.Serializable;

/**
 * A named, contiguous range of the flat parameter vector, e.g. the coefficients of a layer or its intercepts.
 * Regularizers and weight decay skip groups that are not {@code regularized} (intercepts and biases by default);
 * layer-wise optimizers (LARS, LAMB) compute one trust ratio per group.
 */
public record ParameterGroup(String name, int offset, int length, boolean regularized) implements Serializable {
    public int end() {
        return offset + length;
    }

    /** {@code sum v_i^2} over this group's slice of {@code v}. */
    public double squaredNorm(double[] v) {
        double s = 0.0;
        for (int i = offset; i < end(); i++) s += v[i] * v[i];
        return s;
    }

    /** The L2 norm of this group's slice of {@code v}. */
    public double norm(double[] v) {
        return Math.sqrt(squaredNorm(v));
    }
}
