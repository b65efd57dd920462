package dev.steepest.core.model;

/** Squared error {@code (m - y)^2 / 2} (linear regression); the 1/2 makes the derivative {@code m - y}. */
public final class SquaredLoss implements Loss {
    private static final long serialVersionUID = 1L;

    @Override
    public double value(double m, double y) {
        double r = m - y;
        return 0.5 * r * r;
    }

    @Override
    public double derivative(double m, double y) {
        return m - y;
    }

    @Override
    public String name() {
        return "squared";
    }
}
