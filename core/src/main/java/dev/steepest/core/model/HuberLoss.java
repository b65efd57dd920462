package dev.steepest.core.model;

/**
 * The Huber loss of the residual {@code r = m - y} (Huber 1964), quadratic near zero and linear in the tails:
 * <pre>
 *   l = r^2 / 2                 for |r| &lt;= delta
 *   l = delta (|r| - delta / 2)  otherwise
 *   dl/dm = clamp(r, -delta, delta)
 * </pre>
 * Equal to {@link SquaredLoss} for small residuals, so outliers pull on the fit with a bounded force. (This is
 * {@code torch.nn.HuberLoss}; Spark ML's robust regression also fits a scale, which this does not.)
 */
public final class HuberLoss implements Loss {
    private static final long serialVersionUID = 1L;

    private final double delta;

    public HuberLoss(double delta) {
        if (!(delta > 0) || Double.isInfinite(delta)) {
            throw new IllegalArgumentException("delta must be finite and > 0: " + delta);
        }
        this.delta = delta;
    }

    public double delta() {
        return delta;
    }

    @Override
    public double value(double m, double y) {
        double r = m - y;
        double a = Math.abs(r);
        return a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
    }

    @Override
    public double derivative(double m, double y) {
        double r = m - y;
        return r > delta ? delta : (r < -delta ? -delta : r);
    }

    @Override
    public String name() {
        return "huber";
    }
}
