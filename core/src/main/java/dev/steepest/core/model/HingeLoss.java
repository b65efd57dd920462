package dev.steepest.core.model;

/**
 * The hinge loss of a linear SVM (Cortes &amp; Vapnik 1995) for labels {@code y} in {0, 1}, with {@code s = 2y - 1}
 * in {-1, +1}:
 * <pre>
 *   l = max(0, 1 - s m)
 *   dl/dm = -s when s m &lt; 1, else 0     (a subgradient; at the kink s m = 1 it takes 0)
 * </pre>
 * With L2 regularization ({@code regularization.l2}) this is the soft-margin SVM primal, trained by subgradient
 * descent (as Spark MLlib's {@code SVMWithSGD}). Class 1 is predicted when {@code m > 0}.
 */
public final class HingeLoss implements Loss {
    private static final long serialVersionUID = 1L;

    @Override
    public double value(double m, double y) {
        double s = 2 * y - 1;
        return Math.max(0.0, 1.0 - s * m);
    }

    @Override
    public double derivative(double m, double y) {
        double s = 2 * y - 1;
        return s * m < 1.0 ? -s : 0.0;
    }

    @Override
    public String name() {
        return "hinge";
    }

    @Override
    public boolean classification() {
        return true;
    }
}
