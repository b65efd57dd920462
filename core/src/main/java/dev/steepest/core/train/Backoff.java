package dev.steepest.core.train;

import dev.steepest.core.optim.OptState;
import dev.steepest.core.optim.PolyakAverage;
import java.util.ArrayList;
import java.util.List;

/**
 * The divergence backoff ({@link DivergencePolicy#backoff()}) as a value: how many backoffs there were, the rate
 * factor they left ({@link DivergencePolicy#BACKOFF_MULTIPLIER} per backoff), the last verified state and the
 * steps to redo before the planner's next one.
 *
 * <p>A step is verified when its loss and gradient pass the checks: the state before it is kept, with everything
 * needed to redo it. On divergence, {@link #restore} goes back to that state, halves the factor and queues the
 * verified step (unless the diverging step is that step itself: its update failed) and the diverging one. The
 * step record of a redone step appears again after the backoff. A step whose restored state lies in the previous
 * epoch is redone at the start of the current one and counts in it.
 *
 * @param factor   the backoffs' persistent rate multiplier (1 before any)
 * @param count    the backoffs so far
 * @param verified the state before the latest verified step, or null
 * @param redo     the steps to redo, in order
 */
public record Backoff(double factor, int count, Snapshot verified, List<Step> redo) {
    public Backoff {
        redo = List.copyOf(redo);
    }

    /** A step: its plan and where it belongs. */
    public record Step(StepPlan plan, long epoch, long stepInEpoch) {
    }

    /**
     * The state before a verified step, and that step. The arrays and states are values, never modified.
     *
     * @param params    the parameters before the step
     * @param optimizer the optimizer state before the step
     * @param average   the Polyak average before the step (null without averaging)
     * @param iteration the steps made before it
     * @param lastLoss  the objective of the step before it
     * @param step      the step itself
     * @param epoch     the progress of the epoch in which it was taken
     */
    public record Snapshot(double[] params, OptState optimizer, PolyakAverage.AverageState average, long iteration,
                           double lastLoss, Step step, EpochProgress epoch) {
    }

    /** No backoff yet. */
    public static Backoff none() {
        return new Backoff(1.0, 0, null, List.of());
    }

    /** {@code state} kept as the state before the verified {@code step}. */
    Backoff verify(LoopState state, Step step) {
        Snapshot s = new Snapshot(state.params(), state.optimizer(), state.average(), state.iteration(),
                state.lastLoss(), step, state.epoch());
        return new Backoff(factor, count, s, redo);
    }

    /** The first step to redo and the rest of the queue. */
    Backoff pop() {
        return new Backoff(factor, count, verified, redo.subList(1, redo.size()));
    }

    /** Whether {@code policy} allows one more backoff now. */
    boolean allowed(DivergencePolicy policy) {
        return policy.backoff() && verified != null && count < policy.maxBackoffs();
    }

    /**
     * The state to go on from after {@code failed} diverged in {@code current}: the verified state, this backoff
     * counted, the factor halved, and the steps to redo queued in front of any left. The optimizer's factor is
     * left to the caller (it also carries the plateau's scale).
     */
    LoopState restore(LoopState current, Step failed) {
        List<Step> queue = new ArrayList<>(redo.size() + 2);
        // redo the verified step; then this one, unless it is the verified step itself (its update failed)
        if (verified.iteration() != current.iteration()) queue.add(verified.step());
        queue.add(failed);
        queue.addAll(redo);
        Backoff next = new Backoff(factor * DivergencePolicy.BACKOFF_MULTIPLIER, count + 1, verified, queue);
        EpochProgress now = current.epoch();
        EpochProgress epoch = verified.step().epoch() == now.index()
                ? new EpochProgress(now.index(), now.drawn(), now.start(), verified.epoch().gradientSum(),
                        verified.epoch().lossSum(), verified.epoch().weightSum())
                : new EpochProgress(now.index(), now.drawn(), verified.params(), now.gradientSum(), now.lossSum(),
                        now.weightSum());
        return new LoopState(verified.params(), verified.optimizer(), verified.average(), verified.iteration(),
                current.rows(), verified.lastLoss(), current.reference(), next, epoch, current.history());
    }
}
