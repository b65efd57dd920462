package dev.steepest.core.optim;

/**
 * Gradual warmup (Goyal et al. 2017, "Accurate, Large Minibatch SGD", section 2.2): the rate climbs linearly
 * from {@code start} at step 0 to the target schedule's rate at step {@code warmupSteps}, by a constant amount
 * each step; from then on the target schedule applies (its steps counted from the start of training).
 * <pre>
 *   rate(t) = start + (after(W) - start) * t / W   for t &lt; W
 *   rate(t) = after(t)                              for t &gt;= W
 * </pre>
 */
public final class LinearWarmup implements LearningRateSchedule {
    private static final long serialVersionUID = 1L;

    private final double start;
    private final long warmupSteps;
    private final LearningRateSchedule after;

    public LinearWarmup(double start, long warmupSteps, LearningRateSchedule after) {
        if (warmupSteps < 0) throw new IllegalArgumentException("warmupSteps < 0");
        this.start = start;
        this.warmupSteps = warmupSteps;
        this.after = after;
    }

    @Override
    public double rate(long t) {
        if (t >= warmupSteps) {
            return after.rate(t);
        }
        double target = after.rate(warmupSteps);
        return start + (target - start) * ((double) t / warmupSteps);
    }
}
