package dev.steepest.core.model;

/**
 * Binary cross-entropy of {@code sigmoid(m)} against {@code y} in {0, 1}: {@code log(1 + e^m) - y m}, with
 * derivative {@code sigmoid(m) - y}. Both are evaluated so that no exponential overflows and no small value is
 * lost to cancellation: for {@code m > 0} they are rewritten with {@code e^-m} as
 * {@code (1 - y) m + log(1 + e^-m)} and {@code (1 - y) - sigmoid(-m)}, so a confident correct prediction
 * ({@code y = 1}, large m) gives the tiny exact loss {@code log1p(e^-m)} rather than {@code m - m = 0}.
 */
public final class LogisticLoss implements Loss {
    private static final long serialVersionUID = 1L;

    @Override
    public double value(double m, double y) {
        return m > 0 ? (1 - y) * m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m)) - y * m;
    }

    @Override
    public double derivative(double m, double y) {
        return m > 0 ? (1 - y) - sigmoid(-m) : sigmoid(m) - y;
    }

    @Override
    public String name() {
        return "logistic";
    }

    @Override
    public boolean classification() {
        return true;
    }

    /** {@code log(1 + e^m)}: for m > 0 as {@code m + log1p(e^-m)}, so e^m is never formed. */
    public static double softplus(double m) {
        return m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m));
    }

    /** {@code 1 / (1 + e^-m)} without overflow for very negative m. */
    public static double sigmoid(double m) {
        if (m >= 0) {
            return 1.0 / (1.0 + Math.exp(-m));
        }
        double e = Math.exp(m);
        return e / (1.0 + e);
    }
}
