package dev.steepest.core.train;

import dev.steepest.core.optim.InjectLearningRate;
import dev.steepest.core.optim.OptState;
import dev.steepest.core.optim.PolyakAverage;

/**
 * Everything the rest of a run depends on, between two steps, as one immutable value: what a checkpoint saves
 * and a resume restores. Arrays are never modified once a state holds them (every step makes new ones), so a
 * state can be kept as it is: a backoff's snapshot is one.
 *
 * @param params    the current parameters
 * @param optimizer the optimizer's state, an {@link InjectLearningRate.RateState}: the updates made, the
 *                  learning-rate factor ({@link EpochHistory#plateauScale() plateau scale} x
 *                  {@link Backoff#factor() backoff factor}) and the optimizer's own state
 * @param average   the Polyak average of the iterates (null without averaging)
 * @param iteration the steps made
 * @param rows      the rows processed (for throughput; a backoff does not roll it back)
 * @param lastLoss  the last step's objective (NaN before the first)
 * @param reference the starting loss the divergence checks compare with
 * @param backoff   the backoffs so far, their factor, the last verified state and the steps to redo
 * @param epoch     the current epoch's progress
 * @param history   what the ends of epochs have decided: plateau state, previous record, early-stopping best
 */
public record LoopState(double[] params, OptState optimizer, PolyakAverage.AverageState average, long iteration,
                        long rows, double lastLoss, DivergencePolicy.Reference reference, Backoff backoff,
                        EpochProgress epoch, EpochHistory history) {

    /** Before the first step. */
    static LoopState initial(double[] params, OptState optimizer, PolyakAverage.AverageState average,
                             EpochHistory history) {
        return new LoopState(params, optimizer, average, 0, 0, Double.NaN, DivergencePolicy.Reference.NONE,
                Backoff.none(), EpochProgress.start(0, params), history);
    }

    /** The model's parameters now: the average once averaging has started, else the iterate. */
    public double[] modelParams() {
        return average != null && average.count() > 0 ? average.mean() : params;
    }

    /** At the start of epoch {@code index}, from the current parameters. */
    LoopState startEpoch(long index) {
        return new LoopState(params, optimizer, average, iteration, rows, lastLoss, reference, backoff,
                EpochProgress.start(index, params), history);
    }

    LoopState withBackoff(Backoff b) {
        return new LoopState(params, optimizer, average, iteration, rows, lastLoss, reference, b, epoch, history);
    }

    LoopState withReference(DivergencePolicy.Reference r) {
        return new LoopState(params, optimizer, average, iteration, rows, lastLoss, r, backoff, epoch, history);
    }

    LoopState withOptimizer(OptState o) {
        return new LoopState(params, o, average, iteration, rows, lastLoss, reference, backoff, epoch, history);
    }

    LoopState withEpoch(EpochProgress e) {
        return new LoopState(params, optimizer, average, iteration, rows, lastLoss, reference, backoff, e, history);
    }

    /** After an end of epoch: its optimizer state (a plateau may have changed the factor) and history. */
    LoopState withEnd(OptState o, EpochHistory h) {
        return new LoopState(params, o, average, iteration, rows, lastLoss, reference, backoff, epoch, h);
    }

    /**
     * After a step that went through: the new parameters and optimizer state, one more iteration (added to the
     * average when {@code averaged}), its rows and objective, and the epoch progress with it.
     */
    LoopState advance(double[] next, OptState o, boolean averaged, long count, double loss, double weight,
                      double[] gradient) {
        long it = iteration + 1;
        PolyakAverage.AverageState avg = averaged ? PolyakAverage.add(average, next) : average;
        return new LoopState(next, o, avg, it, rows + count, loss, reference, backoff,
                epoch.add(loss, weight, gradient), history);
    }
}
