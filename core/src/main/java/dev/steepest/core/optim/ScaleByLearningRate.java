package dev.steepest.core.optim;

/**
 * The last piece of a descent chain: {@code u = -lr(t) * g}, where {@code t} counts the updates made so far
 * (0 for the first) and {@code lr} is a {@link LearningRateSchedule}. Its gain is {@code -lr(t)}.
 */
public final class ScaleByLearningRate implements GradientTransformation {
    private static final long serialVersionUID = 1L;

    private final LearningRateSchedule schedule;

    public ScaleByLearningRate(LearningRateSchedule schedule) {
        this.schedule = schedule;
    }

    public LearningRateSchedule schedule() {
        return schedule;
    }

    /** The number of updates already made. */
    public record StepCount(long count) implements OptState {
    }

    @Override
    public OptState init(double[] params) {
        return new StepCount(0);
    }

    @Override
    public Update update(double[] gradient, OptState state, double[] params) {
        long t = ((StepCount) state).count();
        double scale = -schedule.rate(t);
        double[] u = new double[gradient.length];
        for (int i = 0; i < u.length; i++) u[i] = scale * gradient[i];
        return new Update(u, new StepCount(t + 1), scale, null);
    }
}
