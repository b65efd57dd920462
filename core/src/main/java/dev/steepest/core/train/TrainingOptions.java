package dev.steepest.core.train;

import dev.steepest.core.optim.prox.ParameterProx;
import dev.steepest.core.optim.schedule.ReduceOnPlateau;
import java.util.function.Function;

/**
 * The optional parts of a run, beside {@link TrainingSettings} (the required ones) and before {@link TrainingPlan}
 * (what the loop resolves for the data): each has a default, set with {@link #builder()}.
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
 * @param lineSearch           backtracking from the scheduled rate for full-batch gradient descent (null: off);
 *                             the step becomes {@code -t g} with the accepted {@code t} ({@link ArmijoLineSearch})
 */
public record TrainingOptions(ScheduleFactory schedule, Function<TrainingPlan, ReduceOnPlateau> plateau,
                              ParameterProx prox, double decoupledWeightDecay, boolean regularizeIntercepts,
                              double averagingStartEpochs, Validator validator, EarlyStopping earlyStopping,
                              DivergencePolicy divergence, ArmijoLineSearch lineSearch) {
    public TrainingOptions {
        if (earlyStopping != null && validator == null) {
            throw new IllegalArgumentException("early stopping needs a validator");
        }
        if (divergence == null) throw new IllegalArgumentException("divergence policy is null");
    }

    public static TrainingOptions defaults() {
        return builder().build();
    }

    /** A builder from the defaults: constant schedule, no plateau, prox, decay, averaging or validation. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.schedule = schedule;
        b.plateau = plateau;
        b.prox = prox;
        b.decoupledWeightDecay = decoupledWeightDecay;
        b.regularizeIntercepts = regularizeIntercepts;
        b.averagingStartEpochs = averagingStartEpochs;
        b.validator = validator;
        b.earlyStopping = earlyStopping;
        b.divergence = divergence;
        b.lineSearch = lineSearch;
        return b;
    }

    public TrainingOptions withSchedule(ScheduleFactory s) {
        return toBuilder().schedule(s).build();
    }

    public TrainingOptions withPlateau(Function<TrainingPlan, ReduceOnPlateau> p) {
        return toBuilder().plateau(p).build();
    }

    public TrainingOptions withProx(ParameterProx p) {
        return toBuilder().prox(p).build();
    }

    public TrainingOptions withDecoupledWeightDecay(double wd) {
        return toBuilder().decoupledWeightDecay(wd).build();
    }

    public TrainingOptions withRegularizedIntercepts(boolean r) {
        return toBuilder().regularizeIntercepts(r).build();
    }

    public TrainingOptions withAveragingFrom(double epochs) {
        return toBuilder().averagingFrom(epochs).build();
    }

    /** Validation after every epoch, and optionally early stopping on it. */
    public TrainingOptions withValidation(Validator v, EarlyStopping e) {
        return toBuilder().validation(v, e).build();
    }

    public TrainingOptions withDivergence(DivergencePolicy d) {
        return toBuilder().divergence(d).build();
    }

    public TrainingOptions withLineSearch(ArmijoLineSearch l) {
        return toBuilder().lineSearch(l).build();
    }

    /** Sets the options one by one; {@link #build()} checks them together. */
    public static final class Builder {
        private ScheduleFactory schedule = ScheduleFactory.CONSTANT;
        private Function<TrainingPlan, ReduceOnPlateau> plateau;
        private ParameterProx prox;
        private double decoupledWeightDecay;
        private boolean regularizeIntercepts;
        private double averagingStartEpochs = Double.NaN;
        private Validator validator;
        private EarlyStopping earlyStopping;
        private DivergencePolicy divergence = DivergencePolicy.defaults();
        private ArmijoLineSearch lineSearch;

        private Builder() {
        }

        public Builder schedule(ScheduleFactory s) {
            schedule = s;
            return this;
        }

        public Builder plateau(Function<TrainingPlan, ReduceOnPlateau> p) {
            plateau = p;
            return this;
        }

        public Builder prox(ParameterProx p) {
            prox = p;
            return this;
        }

        public Builder decoupledWeightDecay(double wd) {
            decoupledWeightDecay = wd;
            return this;
        }

        public Builder regularizeIntercepts(boolean r) {
            regularizeIntercepts = r;
            return this;
        }

        /** Polyak averaging from {@code epochs} on (NaN: none). */
        public Builder averagingFrom(double epochs) {
            averagingStartEpochs = epochs;
            return this;
        }

        /** Validation after every epoch, and optionally early stopping on it. */
        public Builder validation(Validator v, EarlyStopping e) {
            validator = v;
            earlyStopping = e;
            return this;
        }

        public Builder divergence(DivergencePolicy d) {
            divergence = d;
            return this;
        }

        public Builder lineSearch(ArmijoLineSearch l) {
            lineSearch = l;
            return this;
        }

        public TrainingOptions build() {
            return new TrainingOptions(schedule, plateau, prox, decoupledWeightDecay, regularizeIntercepts,
                    averagingStartEpochs, validator, earlyStopping, divergence, lineSearch);
        }
    }
}
