package dev.steepest.core.train;

import dev.steepest.core.model.Evaluation;

/**
 * The held-out evaluation the loop runs after every epoch, kept behind an interface so that the loop stays
 * independent of where the validation rows live ({@link LocalValidator} in one thread, a Spark job in the Spark
 * job). Implementations evaluate every validation row once, merge partitions in partition order and do not
 * modify {@code params}.
 */
@FunctionalInterface
public interface Validator {
    /**
     * Metrics of the model at {@code params} over the validation rows. {@link Evaluation#meanLoss()} is the
     * weighted mean of the model's loss (the data term of the training objective, without regularization): what
     * early stopping and {@code plateau} watch.
     */
    Evaluation evaluate(double[] params);
}
