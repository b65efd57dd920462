package dev.steepest.core.train;

import dev.steepest.core.optim.prox.ParameterProx;
import dev.steepest.core.optim.schedule.ReduceOnPlateau;
import java.util.function.Function;

/**
 * The optional parts of a run, beside {@link TrainingSettings}:
 *
 * @param schedule             the learning-rate schedule from the effective rate (warmup is added by the loop)
 * @param plateau              reduce-on-plateau, built from the plan (null: off); observes each epoch's mean
 *                             training objective and scales the whole schedule by its current factor
 * @param prox                 proximal operator applied to the parameters after each step (L1, elastic net), or null
 * @param decoupledWeightDecay {@code theta <- theta + update - lr(t) wd theta} on regularized groups, for any
 *                             optimizer (Loshchilov &amp; Hutter 2019); 0 for none
 * @param regularizeIntercepts treat every parameter group (intercepts and biases too) as regularized
 * @param averagingStartEpochs Polyak-Ruppert averaging of the iterates from this epoch on (the average is the
 *                             model); NaN for none
 * @param validator            evaluates the model on held-out rows after every epoch (null: no validation); with
 *                             one, {@code plateau} watches the validation loss instead of the training objective
 * @param earlyStopping        stop on a validation plateau and return the best epoch's parameters (null: off;
 *                             needs a validator)
 * @param divergence           what counts as divergence and whether to stop or back off
 */
public record TrainingOptions(ScheduleFactory schedule, Function<TrainingPlan, ReduceOnPlateau> plateau,
                              ParameterProx prox, double decoupledWeightDecay, boolean regularizeIntercepts,
                              double averagingStartEpochs, Validator validator, EarlyStopping earlyStopping,
                              DivergencePolicy divergence) {
    public TrainingOptions {
        if (earlyStopping != null && validator == null) {
            throw new IllegalArgumentException("early stopping needs a validator");
        }
        if (divergence == null) throw new IllegalArgumentException("divergence policy is null");
    }

    public static TrainingOptions defaults() {
        return new TrainingOptions(ScheduleFactory.CONSTANT, null, null, 0.0, false, Double.NaN, null, null,
                DivergencePolicy.defaults());
    }

    public TrainingOptions withSchedule(ScheduleFactory s) {
        return new TrainingOptions(s, plateau, prox, decoupledWeightDecay, regularizeIntercepts, averagingStartEpochs,
                validator, earlyStopping, divergence);
    }

    public TrainingOptions withPlateau(Function<TrainingPlan, ReduceOnPlateau> p) {
        return new TrainingOptions(schedule, p, prox, decoupledWeightDecay, regularizeIntercepts, averagingStartEpochs,
                validator, earlyStopping, divergence);
    }

    public TrainingOptions withProx(ParameterProx p) {
        return new TrainingOptions(schedule, plateau, p, decoupledWeightDecay, regularizeIntercepts, averagingStartEpochs,
                validator, earlyStopping, divergence);
    }

    public TrainingOptions withDecoupledWeightDecay(double wd) {
        return new TrainingOptions(schedule, plateau, prox, wd, regularizeIntercepts, averagingStartEpochs,
                validator, earlyStopping, divergence);
    }

    public TrainingOptions withRegularizedIntercepts(boolean r) {
        return new TrainingOptions(schedule, plateau, prox, decoupledWeightDecay, r, averagingStartEpochs,
                validator, earlyStopping, divergence);
    }

    public TrainingOptions withAveragingFrom(double epochs) {
        return new TrainingOptions(schedule, plateau, prox, decoupledWeightDecay, regularizeIntercepts, epochs,
                validator, earlyStopping, divergence);
    }

    /** Validation after every epoch, and optionally early stopping on it. */
    public TrainingOptions withValidation(Validator v, EarlyStopping e) {
        return new TrainingOptions(schedule, plateau, prox, decoupledWeightDecay, regularizeIntercepts,
                averagingStartEpochs, v, e, divergence);
    }

    public TrainingOptions withDivergence(DivergencePolicy d) {
        return new TrainingOptions(schedule, plateau, prox, decoupledWeightDecay, regularizeIntercepts,
                averagingStartEpochs, validator, earlyStopping, d);
    }
}
