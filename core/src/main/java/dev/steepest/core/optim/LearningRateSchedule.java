package dev.steepest.core.optim;

import java.io.Serializable;

/** A learning rate as a function of the step: {@code rate(t)} for the update with 0-based index {@code t}. */
@FunctionalInterface
public interface LearningRateSchedule extends Serializable {
    double rate(long step);

    static LearningRateSchedule constant(double lr) {
        return t -> lr;
    }
}
