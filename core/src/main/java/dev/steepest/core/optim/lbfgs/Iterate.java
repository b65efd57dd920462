package dev.steepest.core.optim.lbfgs;

/**
 * One iterate of {@link Lbfgs}: the point, the full objective there (the smooth part plus the L1 term), the
 * smooth gradient and the (pseudo-)gradient whose norm measures optimality (they are equal without L1), the step
 * length the line search accepted (0 at the start), and the function evaluations spent on this iteration and in
 * total. {@code stalled}: no step along the quasi-Newton or the steepest-descent direction decreased the
 * objective (the iterate is the previous one: nothing more can be gained at this precision).
 */
public record Iterate(long iteration, double[] x, double objective, double[] gradient, double[] optimalityGradient,
                      double step, int evaluations, long totalEvaluations, boolean stalled) {

    /** The norm of {@link #optimalityGradient()}: 0 exactly at the optimum. */
    public double optimalityNorm() {
        return Math.sqrt(Lbfgs.dot(optimalityGradient, optimalityGradient));
    }
}
