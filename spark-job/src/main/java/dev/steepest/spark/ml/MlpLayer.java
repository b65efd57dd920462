package dev.steepest.spark.ml;

import java.io.Serializable;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.linalg.Vector;

/**
 * One layer of an mlp model ({@code layers()} of the models, input to output): {@code weights} is
 * {@code n_out x n_in}, {@code bias} has {@code n_out} entries, and {@code activation} is the one after the layer as
 * model.json names it (a hidden activation, or the head's: softmax, sigmoid, identity).
 */
public record MlpLayer(Matrix weights, Vector bias, String activation) implements Serializable {
}
