package dev.steepest.core.score;

/**
 * The dot product of a weight row with a dense or sparse input row: a dense row through the BLAS's {@code ddot}
 * (its own order of summation), a sparse one over its non-zeros in column order.
 */
final class Dot {
    private Dot() {
    }

    static double dot(double[] w, int[] indices, double[] values) {
        double s = 0.0;
        if (indices == null) {
            if (values.length != w.length) {
                throw new IllegalArgumentException("a row of " + values.length + " features; the model has " + w.length);
            }
            return dev.steepest.core.model.Blas.dot(w.length, w, values);
        } else {
            for (int k = 0; k < indices.length; k++) s += w[indices[k]] * values[k];
        }
        return s;
    }
}
