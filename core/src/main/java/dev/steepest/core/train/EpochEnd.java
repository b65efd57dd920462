package dev.steepest.core.train;

import dev.steepest.core.model.Evaluation;
import dev.steepest.core.optim.InjectLearningRate;
import dev.steepest.core.optim.OptState;
import dev.steepest.core.optim.schedule.ReduceOnPlateau;
import java.util.ArrayList;
import java.util.List;

/**
 * What the loop does between epochs: the {@link EpochRecord} (with validation when there is a {@link Validator}),
 * the convergence checks of {@link TrainingSettings}, {@link EarlyStopping} and reduce-on-plateau, which watches
 * the validation loss when there is one and the epoch's mean training objective otherwise. A plateau reduction
 * sets the learning-rate factor in the optimizer state ({@code scale x} the backoffs' factor); nothing is
 * rebuilt. What these decided so far is the {@link EpochHistory} value in the {@link LoopState}.
 */
final class EpochEnd {
    /** The epoch's record, the state after it and the reason to stop (or null). */
    record Outcome(EpochRecord record, LoopState state, String stopReason) {
    }

    private final List<ConvergenceCheck> checks = new ArrayList<>();
    private final Validator validator;
    private final EarlyStopping earlyStopping;
    private final ReduceOnPlateau plateau;

    EpochEnd(TrainingSettings settings, TrainingOptions options, TrainingPlan plan) {
        if (!Double.isNaN(settings.lossChangeTol())) checks.add(ConvergenceCheck.lossChange(settings.lossChangeTol()));
        if (!Double.isNaN(settings.gradientNormTol())) checks.add(ConvergenceCheck.gradientNorm(settings.gradientNormTol()));
        if (!Double.isNaN(settings.parameterChangeTol())) {
            checks.add(ConvergenceCheck.parameterChange(settings.parameterChangeTol()));
        }
        this.validator = options.validator();
        this.earlyStopping = options.earlyStopping();
        this.plateau = options.plateau() == null ? null : options.plateau().apply(plan);
    }

    /** Before the first epoch. */
    EpochHistory initial() {
        return new EpochHistory(null, plateau == null ? null : plateau.initial(), -1, Double.NaN, null, 0);
    }

    /** Ends the epoch of {@code s} ({@code elapsedSeconds} since the run started). */
    Outcome finish(LoopState s, double elapsedSeconds) {
        EpochProgress e = s.epoch();
        double[] params = s.params();
        double[] delta = new double[params.length];
        for (int i = 0; i < params.length; i++) delta[i] = params[i] - e.start()[i];
        // the model at the end of the epoch: the average once averaging has started
        double[] modelParams = s.modelParams();
        Evaluation validation = validator == null ? null : validator.evaluate(modelParams);
        EpochRecord current = new EpochRecord(e.index(), s.iteration(), e.lossSum() / e.weightSum(),
                TrainingLoop.norm(e.meanGradient()), TrainingLoop.norm(delta), TrainingLoop.norm(e.start()),
                elapsedSeconds, validation);
        String stopReason = null;
        for (ConvergenceCheck c : checks) {
            if (c.converged(s.history().previous(), current)) {
                stopReason = c.reason();
                break;
            }
        }
        EpochHistory h = s.history();
        long bestEpoch = h.bestEpoch();
        double bestLoss = h.bestValidationLoss();
        double[] bestParams = h.bestParams();
        int without = h.epochsWithoutImprovement();
        if (validation != null) {
            double vloss = validation.meanLoss();
            boolean improved = bestEpoch < 0 ? !Double.isNaN(vloss)
                    : earlyStopping != null ? earlyStopping.improves(vloss, bestLoss)
                    : vloss < bestLoss;
            if (improved) {
                bestEpoch = e.index();
                bestLoss = vloss;
                bestParams = modelParams.clone();
                without = 0;
            } else {
                without++;
            }
            if (stopReason == null && earlyStopping != null && without >= earlyStopping.patience()) {
                stopReason = "early-stopping";
            }
        }
        ReduceOnPlateau.PlateauState plateauState = h.plateau();
        OptState optimizer = s.optimizer();
        if (plateau != null && stopReason == null) {
            double watched = validation != null ? validation.meanLoss() : current.meanLoss();
            ReduceOnPlateau.PlateauState next = plateau.observe(plateauState, watched);
            if (next.scale() != plateauState.scale()) {
                // the same optimizer state: only the rate from the next step on changes
                optimizer = InjectLearningRate.withFactor(optimizer, next.scale() * s.backoff().factor());
            }
            plateauState = next;
        }
        EpochHistory history = new EpochHistory(current, plateauState, bestEpoch, bestLoss, bestParams, without);
        return new Outcome(current, s.withEnd(optimizer, history), stopReason);
    }
}
