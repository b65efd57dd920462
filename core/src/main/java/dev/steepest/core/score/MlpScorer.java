package dev.steepest.core.score;

import dev.steepest.core.model.Activation;

/**
 * A multilayer perceptron's scores from its layers as {@code model.json} holds them: {@code a_l = f(W_l a_{l-1} +
 * b_l)} through the hidden layers; the output layer's pre-activation scores are what the head turns into the raw
 * prediction (softmax: K scores; sigmoid: the margin; identity: the regression output).
 */
public final class MlpScorer implements Scorer {
    private static final long serialVersionUID = 1L;

    private final double[][][] weights;
    private final double[][] biases;
    private final Activation[] hidden;
    private final ScoreHead head;

    /**
     * {@code weights[l]} is layer l's {@code n_out x n_in} matrix, {@code biases[l]} its {@code n_out} biases,
     * {@code hidden[l]} the activation of hidden layer l (one fewer than the layers). Kept, not copied.
     */
    public MlpScorer(double[][][] weights, double[][] biases, Activation[] hidden, ScoreHead head) {
        if (weights.length == 0 || biases.length != weights.length || hidden.length != weights.length - 1) {
            throw new IllegalArgumentException("layers: " + weights.length + " weight matrices, " + biases.length
                    + " bias vectors and " + hidden.length + " hidden activations do not fit together");
        }
        int in = weights[0].length == 0 ? 0 : weights[0][0].length;
        for (int l = 0; l < weights.length; l++) {
            if (weights[l].length == 0 || weights[l].length != biases[l].length) {
                throw new IllegalArgumentException("layers[" + l + "]: " + weights[l].length + " weight rows and "
                        + biases[l].length + " biases");
            }
            for (double[] row : weights[l]) {
                if (row.length != in) {
                    throw new IllegalArgumentException("layers[" + l + "]: a weight row of " + row.length
                            + " inputs; the layer below has " + in + " outputs");
                }
            }
            in = weights[l].length;
        }
        int outputs = weights[weights.length - 1].length;
        if ((head == ScoreHead.SOFTMAX) == (outputs == 1)) {
            throw new IllegalArgumentException(head + " head with " + outputs + " outputs");
        }
        this.weights = weights;
        this.biases = biases;
        this.hidden = hidden;
        this.head = head;
    }

    @Override public int numFeatures() { return weights[0][0].length; }
    @Override public int numOutputs() { return weights[weights.length - 1].length; }
    @Override public ScoreHead head() { return head; }

    public int numLayers() { return weights.length; }
    /** Layer l's {@code n_out x n_in} weights (not a copy). */
    public double[][] weights(int l) { return weights[l]; }
    public double[] bias(int l) { return biases[l]; }
    /** The activation after layer l: a hidden activation's name, or the head's (softmax, sigmoid, identity). */
    public String activation(int l) {
        if (l < hidden.length) return hidden[l].jsonName();
        return switch (head) {
            case SOFTMAX -> "softmax";
            case SIGMOID -> "sigmoid";
            default -> "identity";
        };
    }

    @Override
    public double[] raw(int[] indices, double[] values) {
        double[] a = layer(0, indices, values);
        for (int l = 1; l < weights.length; l++) a = layer(l, null, a);
        double[] out = new double[head.rawSize(a.length)];
        System.arraycopy(a, 0, out, 0, a.length);
        head.finishRaw(out);
        return out;
    }

    /** Layer l applied to its input: {@code W x + b}, then the hidden activation (none after the last layer). */
    private double[] layer(int l, int[] indices, double[] x) {
        double[][] w = weights[l];
        double[] z = new double[w.length];
        for (int o = 0; o < w.length; o++) z[o] = Dot.dot(w[o], indices, x) + biases[l][o];
        if (l < hidden.length) {
            for (int o = 0; o < z.length; o++) z[o] = hidden[l].value(z[o]);
        }
        return z;
    }
}
