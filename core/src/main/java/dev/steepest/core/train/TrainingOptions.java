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
 */
public record TrainingOptions(ScheduleFactory schedule, Function<TrainingPlan, ReduceOnPlateau> plateau,
                              ParameterProx prox, double decoupledWeightDecay, boolean regularizeIntercepts,
                              double averagingStartEpochs) {

    public static TrainingOptions defaults() {
        return new TrainingOptions(ScheduleFactory.CONSTANT, null, null, 0.0, false, Double.NaN);
    }

    public TrainingOptions withSchedule(ScheduleFactory s) {
        return new TrainingOptions(s, plateau, prox, decoupledWeightDecay, regularizeIntercepts, averagingStartEpochs);
    }

    public TrainingOptions withPlateau(Function<TrainingPlan, ReduceOnPlateau> p) {
        return new TrainingOptions(schedule, p, prox, decoupledWeightDecay, regularizeIntercepts, averagingStartEpochs);
    }

    public TrainingOptions withProx(ParameterProx p) {
        return new TrainingOptions(schedule, plateau, p, decoupledWeightDecay, regularizeIntercepts, averagingStartEpochs);
    }

    public TrainingOptions withDecoupledWeightDecay(double wd) {
        return new TrainingOptions(schedule, plateau, prox, wd, regularizeIntercepts, averagingStartEpochs);
    }

    public TrainingOptions withRegularizedIntercepts(boolean r) {
        return new TrainingOptions(schedule, plateau, prox, decoupledWeightDecay, r, averagingStartEpochs);
    }

    public TrainingOptions withAveragingFrom(double epochs) {
        return new TrainingOptions(schedule, plateau, prox, decoupledWeightDecay, regularizeIntercepts, epochs);
    }
}
