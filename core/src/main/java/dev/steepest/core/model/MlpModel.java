package dev.steepest.core.model;

import dev.steepest.core.data.Block;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A multilayer perceptron trained by backpropagation: hidden layers {@code a_l = f(W_l a_{l-1} + b_l)} with one
 * {@link Activation} f, then an affine output layer {@code z = W_L a_{L-1} + b_L} read by a {@link Head}:
 * <ul>
 *   <li>{@link Head#SOFTMAX}: K scores, labels class indices 0..K-1, loss {@code logsumexp(z) - z_y} (as
 *       {@link SoftmaxModel}, without overflow or cancellation), predicted class the argmax;</li>
 *   <li>{@link Head#LOGISTIC}: one logit, labels in {0, 1}, loss {@code log(1 + e^z) - y z} ({@link LogisticLoss}),
 *       predicted class 1 when {@code z > 0};</li>
 *   <li>{@link Head#SQUARED}: one output, loss {@code (z - y)^2 / 2} ({@link SquaredLoss}).</li>
 * </ul>
 * With no hidden layers the softmax head is exactly {@link SoftmaxModel} (with intercepts), the logistic head
 * logistic regression and the squared head linear regression.
 *
 * <p>The parts: {@link MlpLayout} (where each layer's weights and bias live in the parameter vector and the
 * parameter groups), {@link MlpInitializer} (Xavier / He initial weights), {@link OutputHead} (the head's loss,
 * deltas and evaluation), and two block kernels that compute the same sums up to the order of summation:
 * {@link MlpDenseKernel} (BLAS {@code dgemm}) for dense blocks and {@link MlpLoopKernel} (hand-written loops that
 * touch only the non-zeros of the input) for CSR blocks. A softmax MLP without hidden layers gives exactly the
 * sums of {@link SoftmaxModel} on a dense block of at least {@link SoftmaxModel#MIN_BLAS_ROWS} rows (the same BLAS
 * calls in the same order, as long as both get the same chunk size, i.e. for d up to about 4000). The model
 * itself is immutable and safe to share between concurrent tasks.
 */
public final class MlpModel implements Model {
    private static final long serialVersionUID = 1L;

    /** Rows per chunk of the loop kernel (CSR blocks). */
    public static final int CHUNK = MlpLoopKernel.CHUNK;

    /** The output head: how the last layer's outputs become a loss and a prediction. */
    public enum Head {
        /** K class scores, softmax cross-entropy. */
        SOFTMAX("softmax"),
        /** One logit, binary cross-entropy with labels in {0, 1}. */
        LOGISTIC("sigmoid"),
        /** One output, squared error {@code (z - y)^2 / 2}. */
        SQUARED("identity");

        private final String outputActivation;

        Head(String outputActivation) {
            this.outputActivation = outputActivation;
        }

        /** The function that turns the output layer's scores into predictions: softmax, sigmoid or identity. */
        public String outputActivation() {
            return outputActivation;
        }

        public boolean isClassifier() {
            return this != SQUARED;
        }
    }

    /**
     * One layer as {@code model.json} writes it: {@code weights} is {@code n_out x n_in} (row o holds the
     * weights into output o), {@code bias} has {@code n_out} entries, and {@code activation} is the hidden
     * activation's {@link Activation#jsonName()} or, for the output layer, the head's
     * {@link Head#outputActivation()} (softmax, sigmoid or identity).
     */
    public record Layer(double[][] weights, double[] bias, String activation) {
    }

    private final int[] hidden;
    private final Activation activation;
    private final Head head;
    private final MlpLayout layout;
    private final MlpLoopKernel loops;
    private final MlpDenseKernel dense;

    /**
     * @param numFeatures input width d
     * @param hidden      widths of the hidden layers (may be empty)
     * @param activation  activation of every hidden layer
     * @param head        output head
     * @param numOutputs  K >= 2 classes for {@link Head#SOFTMAX}, 1 for the other heads
     */
    public MlpModel(int numFeatures, int[] hidden, Activation activation, Head head, int numOutputs) {
        if (numFeatures < 1) throw new IllegalArgumentException("numFeatures must be >= 1: " + numFeatures);
        if (activation == null || head == null) throw new IllegalArgumentException("activation and head are required");
        if (head == Head.SOFTMAX && numOutputs < 2) {
            throw new IllegalArgumentException("softmax head needs at least 2 classes: " + numOutputs);
        }
        if (head != Head.SOFTMAX && numOutputs != 1) {
            throw new IllegalArgumentException(head + " head has exactly 1 output: " + numOutputs);
        }
        this.hidden = hidden.clone();
        this.activation = activation;
        this.head = head;
        int[] sizes = new int[this.hidden.length + 2];
        sizes[0] = numFeatures;
        System.arraycopy(this.hidden, 0, sizes, 1, this.hidden.length);
        sizes[sizes.length - 1] = numOutputs;
        layout = new MlpLayout(sizes);
        OutputHead outputHead = OutputHead.of(head, numOutputs);
        loops = new MlpLoopKernel(layout, activation, outputHead);
        dense = new MlpDenseKernel(layout, activation, outputHead);
    }

    @Override public String type() { return "mlp"; }
    @Override public int numFeatures() { return layout.numFeatures(); }
    @Override public int numOutputs() { return layout.numOutputs(); }
    @Override public int numParameters() { return layout.numParameters; }
    @Override public boolean isClassifier() { return head.isClassifier(); }
    /** The first layer's width: its {@code sizes[1] x d} weight matrix is the first block of parameters. */
    @Override public int inputWeightRows() { return layout.sizes[1]; }

    /** The hidden widths (a copy). */
    public int[] hidden() { return hidden.clone(); }
    public Activation activation() { return activation; }
    public Head head() { return head; }
    /** Number of affine layers, hidden ones plus the output layer. */
    public int numLayers() { return layout.numLayers(); }
    /** Layer widths {@code [d, h_1, ..., h_{L-1}, K]} (a copy). */
    public int[] layerSizes() { return layout.sizes.clone(); }
    /** Offset of layer {@code l}'s weight matrix in the parameter vector. */
    public int weightOffset(int l) { return layout.weightOffset[l]; }
    /** Offset of layer {@code l}'s bias in the parameter vector. */
    public int biasOffset(int l) { return layout.biasOffset[l]; }

    /** One group per weight matrix, {@code layer<l>.weights} (regularized), and one per bias (see {@link MlpLayout}). */
    @Override
    public List<ParameterGroup> groups() {
        return layout.groups();
    }

    /** The Euclidean norm of each group's slice of {@code vector}, in the order of {@code groups}. */
    public static double[] groupNorms(double[] vector, List<ParameterGroup> groups) {
        double[] norms = new double[groups.size()];
        for (int i = 0; i < norms.length; i++) norms[i] = groups.get(i).norm(vector);
        return norms;
    }

    /** Initial parameters from {@code seed}: Xavier or He weights, zero biases ({@link MlpInitializer}). */
    public double[] initialParameters(long seed) {
        return MlpInitializer.initialParameters(layout, activation, seed);
    }

    /** The layers of {@code params} as matrices, for {@code model.json}. */
    public List<Layer> layers(double[] params) {
        layout.checkParams(params);
        int[] sizes = layout.sizes;
        List<Layer> out = new ArrayList<>(numLayers());
        for (int l = 0; l < numLayers(); l++) {
            int nIn = sizes[l];
            int nOut = sizes[l + 1];
            int wo = layout.weightOffset[l];
            double[][] w = new double[nOut][];
            for (int o = 0; o < nOut; o++) w[o] = Arrays.copyOfRange(params, wo + o * nIn, wo + (o + 1) * nIn);
            double[] b = Arrays.copyOfRange(params, layout.biasOffset[l], layout.biasOffset[l] + nOut);
            String act = l < numLayers() - 1 ? activation.jsonName() : head.outputActivation();
            out.add(new Layer(w, b, act));
        }
        return out;
    }

    /** The weight matrices of {@code params}, layer by layer ({@code n_out x n_in} each). */
    public List<double[][]> weights(double[] params) {
        List<double[][]> out = new ArrayList<>(numLayers());
        for (Layer layer : layers(params)) out.add(layer.weights());
        return out;
    }

    /** The bias vectors of {@code params}, layer by layer. */
    public List<double[]> biases(double[] params) {
        List<double[]> out = new ArrayList<>(numLayers());
        for (Layer layer : layers(params)) out.add(layer.bias());
        return out;
    }

    /**
     * The output layer's raw values for one row, before the head: the K class scores (softmax), the logit
     * (logistic) or the prediction (squared).
     */
    public double[] outputs(Block block, int row, double[] params) {
        layout.checkBlock(block);
        layout.checkParams(params);
        return loops.outputs(block, row, params);
    }

    /**
     * Adds the weighted loss and gradient of the rows. Dense blocks go through {@link MlpDenseKernel} (the matrix
     * products by BLAS), CSR blocks through {@link MlpLoopKernel} (the first layer touches only the non-zeros).
     * Both compute the same sums up to the order of summation.
     */
    @Override
    public void accumulate(Block block, int[] rows, int count, double[] params, Accumulator acc) {
        layout.checkBlock(block);
        layout.checkParams(params);
        if (count <= 0) return;
        if (acc.gradientSum().length != layout.numParameters) {
            throw new IllegalArgumentException("accumulator has " + acc.gradientSum().length + " parameters, model "
                    + layout.numParameters);
        }
        if (block.isSparse()) {
            accumulateLoops(block, rows, count, params, acc);
        } else {
            accumulateDense(block, rows, count, params, acc);
        }
    }

    /** The loop kernel on any block (for CSR blocks the path; for dense ones the benchmarks' baseline). */
    void accumulateLoops(Block block, int[] rows, int count, double[] params, Accumulator acc) {
        loops.accumulate(block, rows, count, params, acc);
    }

    /** The dense (BLAS) kernel with its own chunk size. */
    void accumulateDense(Block block, int[] rows, int count, double[] params, Accumulator acc) {
        accumulateDense(block, rows, count, params, acc, dense.chunk);
    }

    /** The dense kernel with chunks of {@code chunk} rows (the benchmark varies it). */
    void accumulateDense(Block block, int[] rows, int count, double[] params, Accumulator acc, int chunk) {
        dense.accumulate(block, rows, count, params, acc, chunk);
    }

    /** Evaluates every row: dense blocks by the dense kernel's forward pass, CSR blocks by the loops'. */
    @Override
    public void evaluate(Block block, double[] params, Evaluation eval) {
        layout.checkBlock(block);
        layout.checkParams(params);
        if (block.numRows() == 0) return;
        if (block.isSparse()) {
            loops.evaluate(block, params, eval);
        } else {
            dense.evaluate(block, params, eval);
        }
    }
}
