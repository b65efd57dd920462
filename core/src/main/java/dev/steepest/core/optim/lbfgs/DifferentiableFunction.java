package dev.steepest.core.optim.lbfgs;

/**
 * The smooth objective a quasi-Newton method minimizes: its value and gradient at {@code x}, over every row (one
 * full pass, e.g. one {@code GradientSource.computeAll}, per call). L1 is not part of it: OWL-QN adds it.
 */
@FunctionalInterface
public interface DifferentiableFunction {
    /** The value and gradient at {@code x} (which the function must not modify). */
    Point evaluate(double[] x);

    /** A point with its value and gradient; the arrays belong to the point and are never modified. */
    record Point(double[] x, double value, double[] gradient) {
    }
}
