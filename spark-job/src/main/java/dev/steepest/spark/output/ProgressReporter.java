package dev.steepest.spark.output;

import dev.steepest.core.train.StepRecord;
import dev.steepest.core.train.TrainingListener;
import dev.steepest.core.train.TrainingPlan;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress line at most every {@code intervalSeconds}: epoch, step, loss, lr, samples/s and the time left to
 * the epoch limit (or the iteration limit, whichever comes first).
 */
public final class ProgressReporter implements TrainingListener {
    private final PrintStream out;
    private final double intervalSeconds;
    private final long totalSteps;
    private final int epochs;
    private TrainingPlan plan;
    private double lastPrinted = Double.NEGATIVE_INFINITY;
    private long rows;

    /** {@code epochs} and {@code maxIterations} are 0 when unlimited. */
    public ProgressReporter(PrintStream out, double intervalSeconds, int epochs, long maxIterations,
                            long stepsPerEpoch) {
        this.out = out;
        this.intervalSeconds = intervalSeconds;
        this.epochs = epochs;
        long byEpochs = epochs > 0 ? epochs * stepsPerEpoch : Long.MAX_VALUE;
        this.totalSteps = Math.min(byEpochs, maxIterations > 0 ? maxIterations : Long.MAX_VALUE);
    }

    @Override
    public void onPlan(TrainingPlan p) {
        this.plan = p;
    }

    @Override
    public void onStep(StepRecord s) {
        rows += s.rows();
        if (s.elapsedSeconds() - lastPrinted < intervalSeconds && s.iteration() != totalSteps) return;
        lastPrinted = s.elapsedSeconds();
        double rate = rows / Math.max(s.elapsedSeconds(), 1e-9);
        String eta = totalSteps == Long.MAX_VALUE ? "?"
                : duration((totalSteps - s.iteration()) * s.elapsedSeconds() / s.iteration());
        out.println(String.format(Locale.ROOT, "epoch %d%s step %d/%d loss %.6g lr %.4g samples/s %s ETA %s",
                s.epoch() + 1, epochs > 0 ? "/" + epochs : "", s.stepInEpoch() + 1, plan.stepsPerEpoch(),
                s.loss(), s.lr(), human(rate), eta));
    }

    static String human(double v) {
        if (v >= 1e6) return String.format(Locale.ROOT, "%.2fM", v / 1e6);
        if (v >= 1e3) return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        return String.format(Locale.ROOT, "%.0f", v);
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        if (s >= 60) return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        return s + "s";
    }
}
