package dev.steepest.spark.output;

import dev.steepest.core.train.EpochRecord;
import dev.steepest.core.train.StepRecord;
import dev.steepest.core.train.TrainingListener;
import dev.steepest.core.train.TrainingPlan;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Locale;

/**
 * A progress line at most every {@code intervalSeconds}: epoch, step, loss, a sparkline of the recent loss, the
 * validation loss of the last epoch (with a validation set), lr, samples/s and the time left to the epoch limit
 * (or the iteration limit, whichever comes first), e.g.
 * {@code epoch 3/10 step 12/32 loss 0.412 ▇▅▄▃▃▂▁▁ val loss 0.398 (epoch 2) lr 0.05 samples/s 33.4k ETA 12s}.
 * Each character of the sparkline is the mean batch loss of the steps between two progress lines (the last one:
 * the steps since the previous line), for the last {@value #SPARK_WIDTH} lines.
 */
public final class ProgressReporter implements TrainingListener {
    static final int SPARK_WIDTH = 16;

    private final PrintStream out;
    private final double intervalSeconds;
    private final long totalSteps;
    private final int epochs;
    private TrainingPlan plan;
    private double lastPrinted = Double.NEGATIVE_INFINITY;
    private long rows;
    private final ArrayDeque<Double> recent = new ArrayDeque<>();
    private double lossSum;
    private long lossSteps;
    private double validationLoss = Double.NaN;
    private long validationEpoch;

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
    public void onEpoch(EpochRecord e) {
        if (e.validation() != null) {
            validationLoss = e.validation().meanLoss();
            validationEpoch = e.epoch() + 1;
        }
    }

    @Override
    public void onStep(StepRecord s) {
        rows += s.rows();
        lossSum += s.loss();
        lossSteps++;
        if (s.elapsedSeconds() - lastPrinted < intervalSeconds && s.iteration() != totalSteps) return;
        lastPrinted = s.elapsedSeconds();
        recent.addLast(lossSum / lossSteps);
        if (recent.size() > SPARK_WIDTH) recent.removeFirst();
        lossSum = 0;
        lossSteps = 0;
        double rate = rows / Math.max(s.elapsedSeconds(), 1e-9);
        String eta = totalSteps == Long.MAX_VALUE ? "?"
                : duration((totalSteps - s.iteration()) * s.elapsedSeconds() / s.iteration());
        out.println(String.format(Locale.ROOT, "epoch %d%s step %d/%d loss %.6g %s%s lr %.4g samples/s %s ETA %s",
                s.epoch() + 1, epochs > 0 ? "/" + epochs : "", s.stepInEpoch() + 1, plan.stepsPerEpoch(),
                s.loss(), sparkline(),
                Double.isNaN(validationLoss) ? ""
                        : String.format(Locale.ROOT, " val loss %.6g (epoch %d)", validationLoss, validationEpoch),
                s.lr(), human(rate), eta));
    }

    /** The sparkline of the recent lines' mean losses (see the class comment). */
    String sparkline() {
        return Sparkline.ofConsole(recent.stream().mapToDouble(Double::doubleValue).toArray());
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
