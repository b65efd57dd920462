package dev.steepest.core.train;

/**
 * Where a resumed run goes on from: the {@link LoopState} a checkpoint saved after one of the run's steps
 * ({@link TrainingListener#onState}) and the run's seconds at that point (so elapsed times continue).
 */
public record Resume(LoopState state, double elapsedSeconds) {

    /** The state, checked against the run it resumes: the parameter count and the epoch position. */
    LoopState checked(long numParameters, long stepsPerEpoch) {
        if (state.params().length != numParameters) {
            throw new IllegalArgumentException("the checkpoint holds " + state.params().length
                    + " parameters, the model has " + numParameters);
        }
        if (state.epoch().drawn() > stepsPerEpoch) {
            throw new IllegalArgumentException("the checkpoint is at step " + state.epoch().drawn()
                    + " of an epoch that has " + stepsPerEpoch + " steps: the data or the batch size changed");
        }
        return state;
    }
}
