package dev.steepest.core.train;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.function.DoubleSupplier;

/**
 * When a run counts as diverged and what the loop then does.
 *
 * <p>A step diverges when its loss or gradient is not finite, when its update makes the parameters non-finite,
 * or when its batch loss is more than {@code factor} times the starting loss, defined as the larger of the first
 * step's batch loss and the full objective over every training row at the initial parameters. The first step's
 * batch loss alone is a noisy reference for small batches (with a batch of one row it is one row's loss, which
 * can be a thousandth of a typical row's), so the full objective — which costs one pass over the data — is
 * computed, once, only when a step's loss first exceeds {@code factor} times the first step's. A starting loss
 * that is not positive turns the rule off (nothing is "far above" a perfect fit in relative terms).
 *
 * <p>Why {@link #DEFAULT_FACTOR 1e3}: the starting loss is that of a trivial model (log 2 for logistic
 * regression from zeros, half the mean squared label for regression), and a run that learns anything stays
 * below it, within the noise of a batch; a thousand times leaves three orders of magnitude for that noise (and
 * for unlucky single rows with {@code batch-size = 1}), while a run that explodes — its loss typically growing
 * geometrically — crosses it within a few steps, before the loss overflows to infinity.
 *
 * @param factor      the loss ratio above which a step diverges; {@code > 1} ({@code +inf}: only non-finite
 *                    values diverge)
 * @param backoff     on divergence, restore the last good state and halve the rate ({@code true}), or stop
 * @param maxBackoffs the backoffs allowed before the run stops as diverged; {@code >= 0}
 */
public record DivergencePolicy(double factor, boolean backoff, int maxBackoffs) {
    /** The default {@code factor}. */
    public static final double DEFAULT_FACTOR = 1e3;
    /** The default {@code maxBackoffs}. */
    public static final int DEFAULT_MAX_BACKOFFS = 5;
    /** The rate multiplier applied by each backoff. */
    public static final double BACKOFF_MULTIPLIER = 0.5;

    public DivergencePolicy {
        if (!(factor > 1.0)) throw new IllegalArgumentException("factor must be > 1, got " + factor);
        if (maxBackoffs < 0) throw new IllegalArgumentException("maxBackoffs must be >= 0, got " + maxBackoffs);
    }

    /** Stop at the first diverging step, with the default factor. */
    public static DivergencePolicy defaults() {
        return new DivergencePolicy(DEFAULT_FACTOR, false, DEFAULT_MAX_BACKOFFS);
    }

    /**
     * The starting loss as far as it is known: the first step's batch loss and the full objective at the initial
     * parameters ({@code NaN} until seen, resp. until needed).
     */
    public record Reference(double firstLoss, double startLoss) {
        public static final Reference NONE = new Reference(Double.NaN, Double.NaN);
    }

    /** The outcome of the checks on one step: the reference as it now is, and why the step diverged (or null). */
    public record Checked(Reference reference, String failure) {
    }

    /**
     * Checks a step's loss and gradient norm, at rate {@code lr}, against {@code ref}; {@code startObjective}
     * computes the full objective at the initial parameters, called at most once per run.
     */
    public Checked check(double loss, double gradientNorm, double lr, Reference ref, DoubleSupplier startObjective) {
        if (!Double.isFinite(loss) || !Double.isFinite(gradientNorm)) {
            return new Checked(ref, "the " + (Double.isFinite(loss) ? "gradient" : "loss") + " is not finite at lr "
                    + lr);
        }
        double firstLoss = Double.isNaN(ref.firstLoss()) ? loss : ref.firstLoss();
        double startLoss = ref.startLoss();
        if (loss > factor * firstLoss && Double.isNaN(startLoss)) startLoss = startObjective.getAsDouble();
        Reference next = new Reference(firstLoss, startLoss);
        double reference = Math.max(firstLoss, Double.isNaN(startLoss) ? firstLoss : startLoss);
        if (reference > 0.0 && loss > factor * reference) {
            return new Checked(next, "the loss " + shortNumber(loss, 6) + " is more than " + shortNumber(factor, 6)
                    + " times the starting loss " + shortNumber(reference, 6) + " at lr " + lr);
        }
        return new Checked(next, null);
    }

    /** {@code x} to {@code digits} significant digits, without trailing zeros: 1000, 0.05, 1.5E-7. */
    public static String shortNumber(double x, int digits) {
        if (!Double.isFinite(x)) return Double.toString(x);
        BigDecimal d = new BigDecimal(x).round(new MathContext(digits)).stripTrailingZeros();
        double a = Math.abs(x);
        return a == 0.0 || (a >= 1e-4 && a < 1e9) ? d.toPlainString() : d.toString();
    }
}
