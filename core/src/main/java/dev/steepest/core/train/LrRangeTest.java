package dev.steepest.core.train;

import dev.steepest.core.optim.LearningRateSchedule;
import java.util.ArrayList;
import java.util.List;

/**
 * The learning-rate range test (Smith 2017, "Cyclical Learning Rates", section 3.3; as fastai's {@code lr_find}):
 * step t of {@code steps} trains at {@code min (max / min)^(t / (steps - 1))}, so the rate grows exponentially from
 * {@code min} at the first step to {@code max} at the last; the loss of every step is smoothed by an exponential
 * moving average with bias correction ({@code avg = beta avg + (1 - beta) loss}, smoothed
 * {@code avg / (1 - beta^k)} after k steps), and the test stops once the smoothed loss exceeds
 * {@code stopFactor} times its best so far (or the loss is not finite).
 *
 * <p>It is a {@link TrainingListener} of an ordinary run: the run's schedule is {@link #schedule()}, each step's
 * record is {@link #onStep observed}, and {@link #stopRequest()} ends the run. {@link #suggestions()} reads the
 * curve as fastai does: the rate of the steepest descent of the smoothed loss against log(rate), and the rate of
 * its minimum divided by 10, both over the points after the first 10% of the planned steps and before the last 5
 * (the start is noise and the end is the blow-up).
 */
public final class LrRangeTest implements TrainingListener {
    /** The stop reason of a run the test ended because the smoothed loss rose above its bound. */
    public static final String STOP_REASON = "loss-exploded";

    /** One step: the rate it used, its batch loss and the smoothed loss up to it. */
    public record Point(long step, double lr, double loss, double smoothedLoss) {
    }

    /**
     * What the curve suggests: the steepest descent's rate and the minimum's, and the minimum's divided by 10, with
     * the index (into {@link #points()}) each was read at; NaN and -1 when the curve is too short to tell.
     */
    public record Suggestions(double steepest, int steepestIndex, double minimum, int minimumIndex,
                              double minimumOver10) {
    }

    private final double min;
    private final double max;
    private final int steps;
    private final double beta;
    private final double stopFactor;
    private final List<Point> points = new ArrayList<>();
    private double average;
    private double best = Double.POSITIVE_INFINITY;
    private boolean exploded;

    /**
     * @param beta       the smoothing of the moving average, in [0, 1) (fastai: 0.98)
     * @param stopFactor stop once the smoothed loss exceeds this many times its best (fastai: 4), &gt; 1
     */
    public LrRangeTest(double min, double max, int steps, double beta, double stopFactor) {
        if (!(min > 0) || !(max > min) || Double.isInfinite(max)) {
            throw new IllegalArgumentException("need 0 < min < max, finite: min " + min + ", max " + max);
        }
        if (steps < 2) throw new IllegalArgumentException("need at least 2 steps, got " + steps);
        if (!(beta >= 0 && beta < 1)) throw new IllegalArgumentException("beta must be in [0, 1): " + beta);
        if (!(stopFactor > 1)) throw new IllegalArgumentException("stop factor must be > 1: " + stopFactor);
        this.min = min;
        this.max = max;
        this.steps = steps;
        this.beta = beta;
        this.stopFactor = stopFactor;
    }

    /** With fastai's smoothing 0.98 and stop factor 4. */
    public LrRangeTest(double min, double max, int steps) {
        this(min, max, steps, 0.98, 4.0);
    }

    /** The rate of 0-based step t: min (max / min)^(t / (steps - 1)), max from the last step on. */
    public double rate(long t) {
        return rate(min, max, steps, t);
    }

    private static double rate(double min, double max, int steps, long t) {
        return t >= steps - 1 ? max : min * Math.pow(max / min, (double) t / (steps - 1));
    }

    public LearningRateSchedule schedule() {
        double lo = min;
        double hi = max;
        int n = steps;
        return t -> rate(lo, hi, n, t);
    }

    /** The schedule as the loop builds it: the same for any plan (no batch scaling, warmup or epochs apply). */
    public ScheduleFactory scheduleFactory() {
        LearningRateSchedule s = schedule();
        return plan -> s;
    }

    public int steps() {
        return steps;
    }

    @Override
    public void onStep(StepRecord s) {
        observe(s.iteration(), s.lr(), s.loss());
    }

    /** Records one step (what {@link #onStep} does with a record). */
    public void observe(long step, double lr, double loss) {
        if (!Double.isFinite(loss)) {
            exploded = true;
            return;
        }
        average = beta * average + (1 - beta) * loss;
        double smoothed = average / (1 - Math.pow(beta, points.size() + 1));
        points.add(new Point(step, lr, loss, smoothed));
        if (smoothed < best) best = smoothed;
        if (smoothed > stopFactor * best) exploded = true;
    }

    @Override
    public String stopRequest() {
        return exploded ? STOP_REASON : null;
    }

    /** Whether the smoothed loss rose above {@code stopFactor} times its best (or a loss was not finite). */
    public boolean exploded() {
        return exploded;
    }

    public List<Point> points() {
        return List.copyOf(points);
    }

    /** The suggestions over the points kept (see the class comment); NaN where fewer than 2 points remain. */
    public Suggestions suggestions() {
        int from = steps / 10;
        int to = points.size() - 5;
        if (to - from < 2) { // a short curve: use all of it rather than nothing
            from = 0;
            to = points.size();
        }
        if (to - from < 2) return new Suggestions(Double.NaN, -1, Double.NaN, -1, Double.NaN);
        int steep = -1;
        double steepest = Double.POSITIVE_INFINITY;
        int lowest = from;
        for (int i = from; i < to; i++) {
            Point p = points.get(i);
            if (p.smoothedLoss() < points.get(lowest).smoothedLoss()) lowest = i;
            Point q = i + 1 < to ? points.get(i + 1) : null;
            if (q != null && q.lr() > p.lr()) {
                double slope = (q.smoothedLoss() - p.smoothedLoss()) / (Math.log(q.lr()) - Math.log(p.lr()));
                if (slope < steepest) {
                    steepest = slope;
                    steep = i;
                }
            }
        }
        double minLr = points.get(lowest).lr();
        return new Suggestions(steep < 0 ? Double.NaN : points.get(steep).lr(), steep, minLr, lowest, minLr / 10);
    }
}
