package dev.steepest.core.train;

/**
 * A backoff after a diverging step: the loop restored the last good state and multiplied the rate by
 * {@link DivergencePolicy#BACKOFF_MULTIPLIER}. {@code step} is the 1-based iteration that diverged, {@code epoch}
 * 0-based, {@code lrFactor} the persistent rate multiplier from now on (0.5 after the first backoff, 0.25 after
 * the second...), {@code reason} what diverged, {@code backoffs} the count so far including this one.
 */
public record BackoffEvent(long step, long epoch, double lrFactor, String reason, int backoffs) {
}
