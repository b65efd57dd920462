package dev.steepest.core.train;

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
}
