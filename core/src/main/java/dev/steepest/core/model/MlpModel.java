package dev.steepest.core.model;

import dev.steepest.core.data.Block;
import dev.steepest.core.train.ParameterInit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A multilayer perceptron trained by backpropagation: hidden layers {@code a_l = f(W_l a_{l-1} + b_l)} with one
 * {@link Activation} f, then an affine output layer {@code z = W_L a_{L-1} + b_L} read by a {@link Head}:
 * <ul>
 *   <li>{@link Head#SOFTMAX}: K scores, labels class indices 0..K-1, loss {@code logsumexp(z) - z_y} (as
 *       {@link SoftmaxModel}, without overflow or cancellation), predicted class the argmax;</li>
 *   <li>{@link Head#LOGISTIC}: one logit, labels in {0, 1}, loss {@code log(1 + e^z) - y z} (as
 *       {@link LogisticLoss}), predicted class 1 when {@code z > 0};</li>
 *   <li>{@link Head#SQUARED}: one output, loss {@code (z - y)^2 / 2}.</li>
 * </ul>
 * With no hidden layers the softmax head is exactly {@link SoftmaxModel} (with intercepts), the logistic head
 * logistic regression and the squared head linear regression.
 *
 * <p>Parameter layout, layer by layer ({@code l = 0 .. L}, layer 0 reads the features, layer L is the output
 * layer): the weights {@code W_l} as a row-major {@code n_out x n_in} matrix, then the bias {@code b_l}
 * ({@code n_out}). {@link #groups()} has one group per weight matrix, {@code layer<l>.weights} (regularized), and
 * one per bias, {@code layer<l>.bias} (not regularized), in that order.
 *
 * <p>The block kernel works on chunks of {@value #CHUNK} rows with matrix–matrix loops in i-k-j order (the
 * innermost loop runs along contiguous rows of both operands, so the JIT can vectorize it; the middle dimension
 * is tiled so that the right-hand operand stays in cache):
 * <pre>
 *   forward   Z_l = A_{l-1} W_l^T + b_l,  A_l = f(Z_l)            (W_l^T transposed once per call)
 *   head      D_L = w_i * dl_i/dz                                  (row weights folded into the deltas)
 *   backward  grad b_l += column sums of D_l,  grad W_l += D_l^T A_{l-1},
 *             D_{l-1} = (D_l W_l) .* f'(A_{l-1})
 * </pre>
 * Exact zeros of the left operand are skipped (sparse inputs, ReLU outputs). Dense input rows are read in place
 * when the rows are consecutive, otherwise gathered into a chunk buffer; CSR input rows are used directly for
 * layer 0 (forward by rows of {@code W_0^T}, gradient by scattered updates), never densified. Dense and CSR blocks
 * of the same rows give bit-identical sums. Work buffers are allocated per call; the model itself is immutable
 * and safe to share between concurrent tasks.
 */
public final class MlpModel implements Model {
    private static final long serialVersionUID = 1L;

    /** Rows per chunk of the block kernel. */
    public static final int CHUNK = 64;
    /** Doubles of the right-hand matrix per tile of {@link #gemmAcc} (128 KiB). */
    private static final int TILE = 1 << 14;

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

    private final int numFeatures;
    private final int[] hidden;
    private final Activation activation;
    private final Head head;
    private final int numOutputs;
    /** Layer widths: {@code sizes[0] = numFeatures}, then the hidden widths, then {@code numOutputs}. */
    private final int[] sizes;
    private final int[] weightOffset;
    private final int[] biasOffset;
    private final int numParameters;

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
        this.numFeatures = numFeatures;
        this.hidden = hidden.clone();
        this.activation = activation;
        this.head = head;
        this.numOutputs = numOutputs;
        int layers = this.hidden.length + 1;
        sizes = new int[layers + 1];
        sizes[0] = numFeatures;
        for (int l = 0; l < this.hidden.length; l++) {
            if (this.hidden[l] < 1) throw new IllegalArgumentException("hidden width must be >= 1: " + this.hidden[l]);
            sizes[l + 1] = this.hidden[l];
        }
        sizes[layers] = numOutputs;
        weightOffset = new int[layers];
        biasOffset = new int[layers];
        long offset = 0;
        for (int l = 0; l < layers; l++) {
            weightOffset[l] = (int) offset;
            offset += (long) sizes[l] * sizes[l + 1];
            if (offset > Integer.MAX_VALUE - 8) break;
            biasOffset[l] = (int) offset;
            offset += sizes[l + 1];
            if (offset > Integer.MAX_VALUE - 8) break;
        }
        if (offset > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("too many parameters for one array: more than " + offset);
        }
        numParameters = (int) offset;
    }

    @Override public String type() { return "mlp"; }
    @Override public int numFeatures() { return numFeatures; }
    @Override public int numOutputs() { return numOutputs; }
    @Override public int numParameters() { return numParameters; }
    @Override public boolean isClassifier() { return head.isClassifier(); }

    /** The hidden widths (a copy). */
    public int[] hidden() { return hidden.clone(); }
    public Activation activation() { return activation; }
    public Head head() { return head; }
    /** Number of affine layers, hidden ones plus the output layer. */
    public int numLayers() { return sizes.length - 1; }
    /** Layer widths {@code [d, h_1, ..., h_{L-1}, K]} (a copy). */
    public int[] layerSizes() { return sizes.clone(); }
    /** Offset of layer {@code l}'s weight matrix in the parameter vector. */
    public int weightOffset(int l) { return weightOffset[l]; }
    /** Offset of layer {@code l}'s bias in the parameter vector. */
    public int biasOffset(int l) { return biasOffset[l]; }

    @Override
    public List<ParameterGroup> groups() {
        List<ParameterGroup> g = new ArrayList<>(2 * numLayers());
        for (int l = 0; l < numLayers(); l++) {
            g.add(new ParameterGroup("layer" + l + ".weights", weightOffset[l], sizes[l] * sizes[l + 1], true));
            g.add(new ParameterGroup("layer" + l + ".bias", biasOffset[l], sizes[l + 1], false));
        }
        return List.copyOf(g);
    }

    /** The Euclidean norm of each group's slice of {@code vector}, in the order of {@code groups}. */
    public static double[] groupNorms(double[] vector, List<ParameterGroup> groups) {
        double[] norms = new double[groups.size()];
        for (int i = 0; i < norms.length; i++) {
            ParameterGroup g = groups.get(i);
            double s = 0.0;
            for (int j = g.offset(); j < g.end(); j++) s += vector[j] * vector[j];
            norms[i] = Math.sqrt(s);
        }
        return norms;
    }

    /**
     * Initial parameters from {@code seed}, with zero biases. The weights of a layer with fan-in {@code n_in} and
     * fan-out {@code n_out} are drawn
     * <ul>
     *   <li>Xavier/Glorot uniform, {@code U(-r, r)} with {@code r = sqrt(6 / (n_in + n_out))} (variance
     *       {@code 2 / (n_in + n_out)}), for TANH and SIGMOID hidden layers and for the output layer:
     *       X. Glorot, Y. Bengio, "Understanding the difficulty of training deep feedforward neural networks",
     *       AISTATS 2010;</li>
     *   <li>He/Kaiming normal, {@code N(0, 2 / n_in)}, for RELU and LEAKY_RELU hidden layers: K. He, X. Zhang,
     *       S. Ren, J. Sun, "Delving Deep into Rectifiers: Surpassing Human-Level Performance on ImageNet
     *       Classification", ICCV 2015.</li>
     * </ul>
     * Drawn layer by layer in layout order from one {@link SplittableRandom}, normals by
     * {@link ParameterInit#gaussian}, so the same seed gives the same vector in every JVM.
     */
    public double[] initialParameters(long seed) {
        double[] p = new double[numParameters];
        SplittableRandom rng = new SplittableRandom(seed);
        int layers = numLayers();
        boolean he = activation == Activation.RELU || activation == Activation.LEAKY_RELU;
        for (int l = 0; l < layers; l++) {
            int fanIn = sizes[l];
            int fanOut = sizes[l + 1];
            int from = weightOffset[l];
            int to = from + fanIn * fanOut;
            if (he && l < layers - 1) {
                double std = Math.sqrt(2.0 / fanIn);
                for (int i = from; i < to; i++) p[i] = std * ParameterInit.gaussian(rng);
            } else {
                double limit = Math.sqrt(6.0 / (fanIn + fanOut));
                for (int i = from; i < to; i++) p[i] = limit * (2.0 * rng.nextDouble() - 1.0);
            }
        }
        return p;
    }

    /** The layers of {@code params} as matrices, for {@code model.json}. */
    public List<Layer> layers(double[] params) {
        checkParams(params);
        List<Layer> out = new ArrayList<>(numLayers());
        for (int l = 0; l < numLayers(); l++) {
            int nIn = sizes[l];
            int nOut = sizes[l + 1];
            double[][] w = new double[nOut][];
            for (int o = 0; o < nOut; o++) {
                w[o] = Arrays.copyOfRange(params, weightOffset[l] + o * nIn, weightOffset[l] + (o + 1) * nIn);
            }
            double[] b = Arrays.copyOfRange(params, biasOffset[l], biasOffset[l] + nOut);
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
        checkBlock(block);
        checkParams(params);
        Work work = new Work(block, 1);
        forward(block, new int[] {row}, 0, 1, params, transposedWeights(params), work);
        return Arrays.copyOf(work.out[numLayers() - 1], numOutputs);
    }

    // -------------------------------------------------------------------------------------------------------------
    // The block kernel

    /** Per-call scratch space. */
    private final class Work {
        /** Layer outputs: {@code out[l]} is the chunk's c x sizes[l+1] output of layer l (scores for the last). */
        final double[][] out;
        /** Gathered dense input rows, or null for sparse blocks. */
        final double[] x;
        /** The deltas of the current and the next layer down, and the transposed deltas. */
        double[] delta;
        double[] deltaNext;
        final double[] deltaT;
        final double[] scores;
        /** Where layer 0's dense input of the current chunk lives: {@code in0[in0Off + i * d + k]}. */
        double[] in0;
        int in0Off;

        Work(Block block, int chunk) {
            int layers = numLayers();
            out = new double[layers][];
            int widest = 1;
            for (int l = 0; l < layers; l++) {
                out[l] = new double[chunk * sizes[l + 1]];
                widest = Math.max(widest, sizes[l + 1]);
            }
            x = block.isSparse() ? null : new double[chunk * numFeatures];
            delta = new double[chunk * widest];
            deltaNext = new double[chunk * widest];
            deltaT = new double[chunk * widest];
            scores = new double[numOutputs];
        }
    }

    @Override
    public void accumulate(Block block, int[] rows, int count, double[] params, Accumulator acc) {
        checkBlock(block);
        checkParams(params);
        if (count <= 0) return;
        double[] grad = acc.gradientSum();
        if (grad.length != numParameters) {
            throw new IllegalArgumentException("accumulator has " + grad.length + " parameters, model "
                    + numParameters);
        }
        double[][] wt = transposedWeights(params);
        Work work = new Work(block, Math.min(CHUNK, count));
        int last = numLayers() - 1;
        int k = numOutputs;
        for (int start = 0; start < count; start += CHUNK) {
            int c = Math.min(CHUNK, count - start);
            forward(block, rows, start, c, params, wt, work);
            double[] z = work.out[last];
            double[] delta = work.delta;
            for (int i = 0; i < c; i++) {
                int row = rows == null ? start + i : rows[start + i];
                double w = block.weight(row);
                double loss;
                switch (head) {
                    case SOFTMAX -> {
                        double[] s = work.scores;
                        System.arraycopy(z, i * k, s, 0, k);
                        loss = SoftmaxModel.lossAndResiduals(s, classLabel(block, row));
                        for (int j = 0; j < k; j++) delta[i * k + j] = w * s[j];
                    }
                    case LOGISTIC -> {
                        double m = z[i];
                        double y = block.label(row);
                        loss = m > 0 ? (1 - y) * m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m)) - y * m;
                        double g = m > 0 ? (1 - y) - LogisticLoss.sigmoid(-m) : LogisticLoss.sigmoid(m) - y;
                        delta[i] = w * g;
                    }
                    default -> {
                        double r = z[i] - block.label(row);
                        loss = 0.5 * r * r;
                        delta[i] = w * r;
                    }
                }
                acc.addRow(w * loss, w);
            }
            backward(block, rows, start, c, params, grad, work);
        }
    }

    @Override
    public void evaluate(Block block, double[] params, Evaluation eval) {
        checkBlock(block);
        checkParams(params);
        int n = block.numRows();
        if (n == 0) return;
        double[][] wt = transposedWeights(params);
        Work work = new Work(block, Math.min(CHUNK, n));
        int k = numOutputs;
        for (int start = 0; start < n; start += CHUNK) {
            int c = Math.min(CHUNK, n - start);
            forward(block, null, start, c, params, wt, work);
            double[] z = work.out[numLayers() - 1];
            for (int i = 0; i < c; i++) {
                int row = start + i;
                double w = block.weight(row);
                switch (head) {
                    case SOFTMAX -> {
                        double[] s = work.scores;
                        System.arraycopy(z, i * k, s, 0, k);
                        int best = 0;
                        for (int j = 1; j < k; j++) if (s[j] > s[best]) best = j;
                        int y = classLabel(block, row);
                        eval.addClassified(w, SoftmaxModel.lossAndResiduals(s, y), best == y);
                    }
                    case LOGISTIC -> {
                        double m = z[i];
                        double y = block.label(row);
                        double loss = m > 0 ? (1 - y) * m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m)) - y * m;
                        eval.addClassified(w, loss, (m > 0 ? 1.0 : 0.0) == y);
                    }
                    default -> {
                        double r = z[i] - block.label(row);
                        eval.addRegressed(w, 0.5 * r * r, r);
                    }
                }
            }
        }
    }

    /** Layer outputs of rows {@code start .. start + c) of the row list into {@code work.out}. */
    private void forward(Block block, int[] rows, int start, int c, double[] params, double[][] wt, Work work) {
        int layers = numLayers();
        int d = numFeatures;
        double[] v = block.values();
        for (int l = 0; l < layers; l++) {
            int nIn = sizes[l];
            int nOut = sizes[l + 1];
            double[] out = work.out[l];
            Arrays.fill(out, 0, c * nOut, 0.0);
            if (l == 0) {
                if (block.isSparse()) {
                    int[] ptr = block.rowPtr();
                    int[] idx = block.colIdx();
                    double[] w0 = wt[0];
                    for (int i = 0; i < c; i++) {
                        int row = rows == null ? start + i : rows[start + i];
                        int o = i * nOut;
                        for (int q = ptr[row], end = ptr[row + 1]; q < end; q++) {
                            double a = v[q];
                            if (a == 0.0) continue;
                            int wr = idx[q] * nOut;
                            for (int j = 0; j < nOut; j++) out[o + j] += a * w0[wr + j];
                        }
                    }
                } else {
                    if (rows == null) {
                        work.in0 = v;
                        work.in0Off = start * d;
                    } else {
                        for (int i = 0; i < c; i++) System.arraycopy(v, rows[start + i] * d, work.x, i * d, d);
                        work.in0 = work.x;
                        work.in0Off = 0;
                    }
                    gemmAcc(work.in0, work.in0Off, c, d, wt[0], 0, nOut, out, 0);
                }
            } else {
                gemmAcc(work.out[l - 1], 0, c, nIn, wt[l], 0, nOut, out, 0);
            }
            int b = biasOffset[l];
            for (int i = 0; i < c; i++) {
                int o = i * nOut;
                for (int j = 0; j < nOut; j++) out[o + j] += params[b + j];
            }
            if (l < layers - 1) activation.applyInPlace(out, 0, c * nOut);
        }
    }

    /** Adds the chunk's gradient to {@code grad}, starting from the output deltas in {@code work.delta}. */
    private void backward(Block block, int[] rows, int start, int c, double[] params, double[] grad, Work work) {
        for (int l = numLayers() - 1; l >= 0; l--) {
            int nIn = sizes[l];
            int nOut = sizes[l + 1];
            double[] delta = work.delta;
            int b = biasOffset[l];
            for (int i = 0; i < c; i++) {
                int o = i * nOut;
                for (int j = 0; j < nOut; j++) grad[b + j] += delta[o + j];
            }
            int w = weightOffset[l];
            if (l == 0 && block.isSparse()) {
                // grad W_0[o][k] += delta[i][o] * x[i][k] over the non-zeros x[i][k]
                double[] v = block.values();
                int[] ptr = block.rowPtr();
                int[] idx = block.colIdx();
                for (int i = 0; i < c; i++) {
                    int row = rows == null ? start + i : rows[start + i];
                    int o = i * nOut;
                    for (int q = ptr[row], end = ptr[row + 1]; q < end; q++) {
                        double a = v[q];
                        if (a == 0.0) continue;
                        int col = w + idx[q];
                        for (int j = 0; j < nOut; j++) grad[col + j * nIn] += delta[o + j] * a;
                    }
                }
            } else {
                // grad W_l (nOut x nIn) += D^T (nOut x c) A_{l-1} (c x nIn)
                double[] dt = work.deltaT;
                for (int i = 0; i < c; i++) {
                    for (int j = 0; j < nOut; j++) dt[j * c + i] = delta[i * nOut + j];
                }
                if (l == 0) {
                    gemmAcc(dt, 0, nOut, c, work.in0, work.in0Off, nIn, grad, w);
                } else {
                    gemmAcc(dt, 0, nOut, c, work.out[l - 1], 0, nIn, grad, w);
                }
            }
            if (l > 0) {
                // D_{l-1} (c x nIn) = D_l (c x nOut) W_l (nOut x nIn), times f'(A_{l-1})
                double[] next = work.deltaNext;
                Arrays.fill(next, 0, c * nIn, 0.0);
                gemmAcc(delta, 0, c, nOut, params, w, nIn, next, 0);
                activation.multiplyByDerivative(next, work.out[l - 1], 0, c * nIn);
                work.deltaNext = delta;
                work.delta = next;
            }
        }
    }

    /**
     * {@code C += A B} for row-major {@code A} (rows x m, at aOff), {@code B} (m x n, at bOff) and {@code C}
     * (rows x n, at cOff), in i-k-j order with the k dimension tiled so that a tile of B stays in cache while every
     * row of A passes over it; zeros of A are skipped. For each entry of C the products are added in increasing k,
     * as a plain dot product would.
     */
    private static void gemmAcc(double[] a, int aOff, int rows, int m, double[] b, int bOff, int n,
                                double[] c, int cOff) {
        int tile = Math.max(1, TILE / n);
        for (int k0 = 0; k0 < m; k0 += tile) {
            int k1 = Math.min(m, k0 + tile);
            for (int i = 0; i < rows; i++) {
                int ai = aOff + i * m;
                int ci = cOff + i * n;
                for (int k = k0; k < k1; k++) {
                    double av = a[ai + k];
                    if (av == 0.0) continue;
                    int bk = bOff + k * n;
                    for (int j = 0; j < n; j++) c[ci + j] += av * b[bk + j];
                }
            }
        }
    }

    /** {@code W_l^T} (n_in x n_out, row-major) for every layer. */
    private double[][] transposedWeights(double[] params) {
        int layers = numLayers();
        double[][] wt = new double[layers][];
        for (int l = 0; l < layers; l++) {
            int nIn = sizes[l];
            int nOut = sizes[l + 1];
            double[] t = new double[nIn * nOut];
            int w = weightOffset[l];
            for (int o0 = 0; o0 < nOut; o0 += 32) {
                int o1 = Math.min(nOut, o0 + 32);
                for (int k0 = 0; k0 < nIn; k0 += 32) {
                    int k1 = Math.min(nIn, k0 + 32);
                    for (int o = o0; o < o1; o++) {
                        for (int k = k0; k < k1; k++) t[k * nOut + o] = params[w + o * nIn + k];
                    }
                }
            }
            wt[l] = t;
        }
        return wt;
    }

    private int classLabel(Block block, int row) {
        double y = block.label(row);
        int c = (int) y;
        if (c != y || c < 0 || c >= numOutputs) {
            throw new IllegalArgumentException("label " + y + " is not a class index in [0, " + numOutputs + ")");
        }
        return c;
    }

    private void checkBlock(Block block) {
        if (block.numFeatures() != numFeatures) {
            throw new IllegalArgumentException("block has " + block.numFeatures() + " features, model "
                    + numFeatures);
        }
    }

    private void checkParams(double[] params) {
        if (params.length != numParameters) {
            throw new IllegalArgumentException("expected " + numParameters + " parameters: " + params.length);
        }
    }
}
