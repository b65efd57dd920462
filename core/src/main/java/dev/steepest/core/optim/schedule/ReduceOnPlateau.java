package dev.steepest.core.optim.schedule;

import dev.steepest.core.optim.LearningRateSchedule;
import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;

/**
 * Reduce the rate when a monitored metric stops improving. Not a function of the step, so not a
 * {@link LearningRateSchedule}: a pure state machine instead, {@link #observe(PlateauState, double)} mapping the
 * state before an observation (typically one per epoch) to the state after it; the rate in effect is
 * {@link #lr(PlateauState) lr0 * state.scale()}. The object itself is immutable.
 *
 * <p>PyTorch: {@code torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode, factor, patience, threshold,
 * threshold_mode, cooldown, min_lr, eps=1e-8)}, {@code scheduler.step(metric)} once per observation; the
 * semantics are torch 1.13's exactly. After each observation:
 * <pre>
 *   if better(metric, best): best = metric, numBadEpochs = 0      else numBadEpochs += 1
 *   if cooldownCounter &gt; 0:  cooldownCounter -= 1, numBadEpochs = 0   (bad epochs in cooldown are ignored)
 *   if numBadEpochs &gt; patience:
 *       lr' = max(lr * factor, minLr); if lr - lr' &gt; EPS: lr = lr'     (EPS = 1e-8, torch's eps)
 *       cooldownCounter = cooldown, numBadEpochs = 0                  (even when the reduction was too small)
 *
 *   better(a, best):  MIN, REL: a &lt; best * (1 - threshold)     MIN, ABS: a &lt; best - threshold
 *                     MAX, REL: a &gt; best * (threshold + 1)     MAX, ABS: a &gt; best + threshold
 * </pre>
 * {@code best} starts at {@code +inf} ({@code MIN}) or {@code -inf} ({@code MAX}); a NaN metric is never better,
 * so it counts as a bad epoch. The improvement test is strict: an improvement of exactly the threshold is not one.
 * The rate is first reduced on the {@code (patience + 1)}-th consecutive bad observation. {@code minLr} is an
 * absolute rate (torch's {@code min_lr}), so the scale never goes below {@code minLr / lr0}.
 *
 * <p>To combine with a step schedule, multiply: {@link #scaled(LearningRateSchedule, double) scaled(base,
 * state.scale())}. Note that {@code minLr} and {@code EPS} then apply to {@code lr0 * scale}, not to the product.
 *
 * @param lr0           the rate before any reduction (after batch-size scaling); finite, {@code > 0}
 * @param mode          {@code MIN} (torch's default) for a loss, {@code MAX} for an accuracy
 * @param factor        the rate is multiplied by this on a plateau; in {@code (0, 1)} (torch's default 0.1)
 * @param patience      bad observations tolerated before a reduction; {@code >= 0} (torch's default 10)
 * @param threshold     the minimum significant improvement; finite, {@code >= 0}, and {@code < 1} when
 *                      relative (torch's default 1e-4)
 * @param thresholdMode {@code REL} (torch's default) or {@code ABS}
 * @param cooldown      observations after a reduction during which bad ones are not counted; {@code >= 0}
 *                      (torch's default 0)
 * @param minLr         the lowest rate, absolute; {@code 0 <= minLr <= lr0} (torch's default 0)
 */
public record ReduceOnPlateau(double lr0, Mode mode, double factor, int patience, double threshold,
                              ThresholdMode thresholdMode, int cooldown, double minLr) implements Serializable {
    /** torch's {@code eps}: a reduction smaller than this is skipped. */
    public static final double EPS = 1e-8;

    /** Whether the monitored metric should go down (a loss) or up (an accuracy). */
    public enum Mode { MIN, MAX }

    /** How {@code threshold} measures a significant improvement: relative to {@code best}, or absolute. */
    public enum ThresholdMode { REL, ABS }

    /**
     * The state between observations.
     *
     * @param best            the best metric so far ({@code +-inf} before the first observation)
     * @param numBadEpochs    consecutive observations without a significant improvement (outside cooldown)
     * @param cooldownCounter observations left in the cooldown after a reduction
     * @param scale           the current rate as a multiple of {@code lr0}; {@code (0, 1]}
     * @param reductions      how many times the rate has actually been reduced
     */
    public record PlateauState(double best, int numBadEpochs, int cooldownCounter, double scale, int reductions)
            implements Serializable {
        public PlateauState {
            if (numBadEpochs < 0 || cooldownCounter < 0 || reductions < 0) {
                throw new IllegalArgumentException("negative counter: numBadEpochs=" + numBadEpochs
                        + ", cooldownCounter=" + cooldownCounter + ", reductions=" + reductions);
            }
            if (!(scale > 0.0 && scale <= 1.0)) {
                throw new IllegalArgumentException("scale must be in (0, 1], got " + scale);
            }
        }
    }

    public ReduceOnPlateau {
        lr0 = Args.rate("lr0", lr0);
        mode = Objects.requireNonNull(mode, "mode");
        if (!(factor > 0.0 && factor < 1.0)) {
            throw new IllegalArgumentException("factor must be in (0, 1), got " + factor);
        }
        patience = Args.nonNegative("patience", patience);
        threshold = Args.nonNegative("threshold", threshold);
        thresholdMode = Objects.requireNonNull(thresholdMode, "thresholdMode");
        if (thresholdMode == ThresholdMode.REL && threshold >= 1.0) {
            throw new IllegalArgumentException("a relative threshold must be < 1, got " + threshold);
        }
        cooldown = Args.nonNegative("cooldown", cooldown);
        minLr = Args.floor("minLr", minLr, "lr0", lr0);
    }

    /** The state before the first observation: no best yet, full rate. */
    public PlateauState initial() {
        return new PlateauState(mode == Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY, 0, 0, 1.0,
                0);
    }

    /** The state after observing {@code metric} in state {@code s}. */
    public PlateauState observe(PlateauState s, double metric) {
        double best = s.best();
        int bad = s.numBadEpochs();
        int cool = s.cooldownCounter();
        double scale = s.scale();
        int reductions = s.reductions();

        if (isBetter(metric, best)) {
            best = metric;
            bad = 0;
        } else {
            bad++;
        }
        if (cool > 0) {
            cool--;
            bad = 0;
        }
        if (bad > patience) {
            double oldLr = lr0 * scale;
            double newLr = Math.max(oldLr * factor, minLr);
            if (oldLr - newLr > EPS) {
                scale = newLr / lr0;
                reductions++;
            }
            cool = cooldown;
            bad = 0;
        }
        return new PlateauState(best, bad, cool, scale, reductions);
    }

    private boolean isBetter(double a, double best) {
        if (mode == Mode.MIN) {
            return thresholdMode == ThresholdMode.REL ? a < best * (1.0 - threshold) : a < best - threshold;
        }
        return thresholdMode == ThresholdMode.REL ? a > best * (threshold + 1.0) : a > best + threshold;
    }

    /** The rate in effect in state {@code s}: {@code lr0 * s.scale()}. */
    public double lr(PlateauState s) {
        return lr0 * s.scale();
    }

    /** {@code t -> scale * base.rate(t)}: the plateau's current scale applied to a step schedule. */
    public static LearningRateSchedule scaled(LearningRateSchedule base, double scale) {
        return new Scaled(base, scale);
    }

    private static final class Scaled implements LearningRateSchedule {
        private static final long serialVersionUID = 1L;
        private final LearningRateSchedule base;
        private final double scale;

        Scaled(LearningRateSchedule base, double scale) {
            this.base = Objects.requireNonNull(base, "base");
            this.scale = Args.nonNegative("scale", scale);
        }

        @Override
        public double rate(long t) {
            return scale * base.rate(t);
        }

        @Override
        public String toString() {
            return scale + " * " + base;
        }
    }

    @Override
    public String toString() {
        return "ReduceOnPlateau[lr0=" + lr0 + ", mode=" + mode.name().toLowerCase(Locale.ROOT) + ", factor="
                + factor + ", patience=" + patience + ", threshold=" + threshold + ", thresholdMode="
                + thresholdMode.name().toLowerCase(Locale.ROOT) + ", cooldown=" + cooldown + ", minLr=" + minLr
                + "]";
    }
}
