/**
 * Scoring one row at a time from a trained model as {@code model.json} describes it: the parsed file
 * ({@link dev.steepest.core.score.ScoringModel}), the {@link dev.steepest.core.score.Scorer}s of the linear models
 * and of MLPs (in the original feature space, no blocks), and how output scores become raw predictions,
 * probabilities and a prediction with Spark ML's conventions ({@link dev.steepest.core.score.ScoreHead}).
 *
 * <p>May depend on {@code model} for the functions a trained model is made of (activations, the sigmoid); not on
 * {@code data}, {@code optim} or {@code train}: scoring needs no rows in blocks, optimizer or loop. No Spark.
 */
package dev.steepest.core.score;
