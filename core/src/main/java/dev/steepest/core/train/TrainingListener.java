package dev.steepest.core.train;

/** Observes a run (metrics files, progress lines). Called on the driver, between steps. */
public interface TrainingListener {
    default void onPlan(TrainingPlan plan) {
    }

    default void onStep(StepRecord step) {
    }

    default void onEpoch(EpochRecord epoch) {
    }

    /** A diverging step was rolled back and the rate halved ({@code train.on-divergence = backoff}). */
    default void onBackoff(BackoffEvent event) {
    }
}
