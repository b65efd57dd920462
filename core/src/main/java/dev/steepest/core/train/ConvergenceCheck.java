package dev.steepest.core.train;

/**
 * A stopping test between two consecutive epochs (Commons Math style). {@code previous} is null after the first
 * epoch.
 */
public interface ConvergenceCheck {
    /** The stop reason recorded in summary.json. */
    String reason();

    boolean converged(EpochRecord previous, EpochRecord current);

    /** |L_e - L_{e-1}| &lt;= tol * max(1, |L_{e-1}|). */
    static ConvergenceCheck lossChange(double tol) {
        return new ConvergenceCheck() {
            @Override public String reason() { return "loss-change"; }
            @Override public boolean converged(EpochRecord prev, EpochRecord cur) {
                return prev != null
                        && Math.abs(cur.meanLoss() - prev.meanLoss()) <= tol * Math.max(1.0, Math.abs(prev.meanLoss()));
            }
        };
    }

    /** The norm of the epoch's mean gradient &lt;= tol. */
    static ConvergenceCheck gradientNorm(double tol) {
        return new ConvergenceCheck() {
            @Override public String reason() { return "gradient-norm"; }
            @Override public boolean converged(EpochRecord prev, EpochRecord cur) {
                return cur.gradientNorm() <= tol;
            }
        };
    }

    /** ||theta_e - theta_{e-1}|| &lt;= tol * max(1, ||theta_{e-1}||). */
    static ConvergenceCheck parameterChange(double tol) {
        return new ConvergenceCheck() {
            @Override public String reason() { return "parameter-change"; }
            @Override public boolean converged(EpochRecord prev, EpochRecord cur) {
                return cur.parameterChange() <= tol * Math.max(1.0, cur.startParameterNorm());
            }
        };
    }
}
