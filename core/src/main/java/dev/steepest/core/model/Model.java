package dev.steepest.core.model;

import dev.steepest.core.data.Block;
import java.io.Serializable;
import java.util.List;

/**
 * A trainable model: the layout of its flat parameter vector and the block kernel that sums losses and
 * gradients over rows. Implementations are stateless (parameters are passed in), serializable and safe to
 * call from concurrent tasks.
 */
public interface Model extends Serializable {
    /** The {@code model.type} name. */
    String type();

    int numFeatures();

    /** Number of outputs K: 1 for regression and binary classification. */
    int numOutputs();

    int numParameters();

    /** The groups that partition {@code [0, numParameters)}. */
    List<ParameterGroup> groups();

    /**
     * Adds the weighted loss and gradient of rows {@code rows[0..count)} of {@code block} to {@code acc}; when
     * {@code rows} is null, of rows {@code 0..count-1} in storage order.
     */
    void accumulate(Block block, int[] rows, int count, double[] params, Accumulator acc);

    /** Adds every row of {@code block} to the evaluation sums. */
    void evaluate(Block block, double[] params, Evaluation eval);

    boolean isClassifier();

    /**
     * The rows R of the matrix that multiplies the input: the parameters {@code [0, R * numFeatures())} hold it
     * row-major (one row per output of the first layer). Standardization rescales exactly these. For a model with
     * no hidden layer that is one row per output.
     */
    default int inputWeightRows() {
        return numOutputs();
    }
}
