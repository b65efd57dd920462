package dev.steepest.spark.ml;

import dev.steepest.core.train.EpochRecord;
import dev.steepest.spark.job.TrainJob;
import java.io.Serializable;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * What a {@code fit} recorded ({@code model.summary()}, after {@code hasSummary()}): per epoch the objective (the
 * row-weighted mean batch objective, regularization included: {@code metrics.jsonl}'s epoch {@code loss}), the norm
 * of the epoch's mean gradient, and, with a {@code validationIndicatorCol}, the validation loss (the model's loss
 * without regularization); the stop reason, iterations and epochs; and every figure {@code summary.json} holds
 * ({@link #figures()}, {@link #toJson()}). A model that was loaded, or built from a model.json, has no summary.
 */
public final class SteepestTrainingSummary implements Serializable {
    private static final long serialVersionUID = 1L;

    private final double[] objectiveHistory;
    private final double[] gradientNormHistory;
    private final double[] validationHistory;
    private final String stopReason;
    private final long totalIterations;
    private final double epochs;
    private final String json;
    private final Map<String, Object> figures;

    SteepestTrainingSummary(TrainJob.Outcome outcome) {
        List<EpochRecord> history = outcome.epochHistory();
        objectiveHistory = history.stream().mapToDouble(EpochRecord::meanLoss).toArray();
        gradientNormHistory = history.stream().mapToDouble(EpochRecord::gradientNorm).toArray();
        validationHistory = history.stream().filter(e -> e.validation() != null)
                .mapToDouble(e -> e.validation().meanLoss()).toArray();
        stopReason = outcome.result().stopReason();
        totalIterations = outcome.result().iterations();
        epochs = outcome.result().epochs();
        json = ModelJson.text(outcome.summary());
        figures = Collections.unmodifiableMap(ModelJson.map(json));
    }

    /** The objective of each epoch, first to last (Spark's {@code objectiveHistory}, one value per epoch). */
    public double[] objectiveHistory() { return objectiveHistory.clone(); }
    /** The norm of each epoch's mean gradient (what {@code train.tolerance.gradient-norm} checks). */
    public double[] gradientNormHistory() { return gradientNormHistory.clone(); }
    /** The validation loss after each epoch; empty without a validation set. */
    public double[] validationHistory() { return validationHistory.clone(); }
    /** summary.json's {@code stop_reason}: epochs, max-iterations, loss-change, gradient-norm, ... */
    public String stopReason() { return stopReason; }
    /** The steps taken (summary.json's {@code iterations}). */
    public long totalIterations() { return totalIterations; }
    /** Steps / steps-per-epoch (summary.json's {@code epochs}). */
    public double epochs() { return epochs; }
    /** Every figure of summary.json, by its name there ({@code final_train_loss}, {@code validation}, ...). */
    public Map<String, Object> figures() { return figures; }
    /** summary.json's text for this fit. */
    public String toJson() { return json; }

    @Override
    public String toString() {
        return "SteepestTrainingSummary: stop_reason=" + stopReason + ", iterations=" + totalIterations + ", epochs="
                + objectiveHistory.length;
    }

    /** Spark's error for a model without a summary (a {@code SparkException}, unchecked as Scala throws it). */
    static RuntimeException none(Object model) {
        return ModelParts.sneaky(new org.apache.spark.SparkException("No training summary available for this "
                + model.getClass().getSimpleName()));
    }
}
