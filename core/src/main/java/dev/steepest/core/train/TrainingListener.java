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

    /**
     * Asked after every step, once its record has been seen: a non-null reason ends the run there, with that
     * reason as its stop reason (a signal that asks the run to stop, a learning-rate range test that has seen
     * enough). The step's parameters are kept.
     */
    default String stopRequest() {
        return null;
    }

    /**
     * After every step that went through (once {@link #stopRequest()} has been asked): the whole state the rest
     * of the run depends on, and the run's seconds so far. A checkpoint saves it; {@link TrainingLoop#run(double[],
     * Resume)} goes on from it.
     */
    default void onState(LoopState state, double elapsedSeconds) {
    }
}
