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
 * <p>The block kernel computes each chunk of rows with matrix–matrix products:
 * <pre>
 *   forward   Z_l = A_{l-1} W_l^T + b_l,  A_l = f(Z_l)          (A_{-1} = the chunk's input rows X)
 *   head      D_L = w_i * dl_i/dz                                (row weights folded into the deltas)
 *   backward  grad b_l += column sums of D_l,  grad W_l += D_l^T A_{l-1},
 *             D_{l-1} = (D_l W_l) .* f'(A_{l-1})
 * </pre>
 * Dense blocks ({@link #accumulateDense}) do every product with BLAS {@code dgemm} ({@link Blas}) on chunks of up to
 * {@value Blas#MAX_CHUNK} rows, reading the weights in place and adding the weight gradients straight into the
 * accumulator; scratch is per thread. CSR blocks ({@link #accumulateLoops}) use hand-written loops on chunks of
 * {@value #CHUNK} rows in i-k-j order (the innermost loop runs along a row of the right-hand matrix and a row of the
 * result, so the JIT vectorizes it; the middle dimension is tiled so that a tile of the right-hand matrix stays in
 * cache), skipping exact zeros of the left operand (sparse inputs, ReLU outputs). CSR input rows are never
 * densified: layer 0 adds rows of {@code W_0^T} per non-zero and its gradient is kept transposed; when the call has
 * fewer non-zeros than features (a small batch of wide sparse rows) {@code W_0} is read and its gradient written in
 * place instead, so the call costs O(nnz h_1) and not O(d h_1). The loop kernel sums gradients per call in local
 * buffers (about three times the parameter count, allocated per call) and adds them to the accumulator once.
 * Dense and CSR blocks of the same rows give the same sums up to the order of summation (BLAS's against the
 * loops'); a softmax MLP without hidden layers gives exactly the sums of {@link SoftmaxModel} on a dense block of
 * at least {@link SoftmaxModel#MIN_BLAS_ROWS} rows (the same BLAS calls in the same order, as long as both get
 * the same chunk size, i.e. for d up to about 4000). The model itself is immutable and safe to share between
 * concurrent tasks.
 */
public final class MlpModel implements Model {
    private static final long serialVersionUID = 1L;

    /** Rows per chunk of the loop kernel (CSR blocks). */
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
    /** Rows per chunk of the dense (BLAS) kernel: {@link Blas#chunkRows} of its scratch doubles per row. */
    private final int denseChunk;

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
        long perRow = numFeatures;
        int widest = 1;
        for (int l = 1; l < sizes.length; l++) {
            perRow += sizes[l];
            widest = Math.max(widest, sizes[l]);
        }
        denseChunk = Blas.chunkRows(perRow + 2L * widest);
    }

    @Override public String type() { return "mlp"; }
    @Override public int numFeatures() { return numFeatures; }
    @Override public int numOutputs() { return numOutputs; }
    @Override public int numParameters() { return numParameters; }
    @Override public boolean isClassifier() { return head.isClassifier(); }
    /** The first layer's width: its {@code sizes[1] x d} weight matrix is the first block of parameters. */
    @Override public int inputWeightRows() { return sizes[1]; }

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
        for (int i = 0; i < norms.length; i++) norms[i] = groups.get(i).norm(vector);
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
        int[] rows = {row};
        Work work = new Work(block, rows, 1, params, false);
        forward(block, rows, 0, 1, params, work);
        return Arrays.copyOf(work.out[numLayers() - 1][0], numOutputs);
    }

    // -------------------------------------------------------------------------------------------------------------
    // The block kernel

    /**
     * Per-call scratch space. Matrices are arrays of row arrays, so that the innermost loops index two arrays at
     * the same position from 0 (a loop {@code y[j] += a * x[j]}), which HotSpot's C2 vectorizes; with two different
     * offsets into flat arrays it does not (measured on JDK 17: about 4x slower).
     */
    private final class Work {
        /** {@code wt[l]} = W_l^T (n_in rows of n_out); {@code wt[0]} is null for direct sparse input. */
        final double[][][] wt;
        /** {@code w[l]} = W_l (n_out rows of n_in) for l >= 1, for the backward pass. */
        final double[][][] w;
        /** Layer outputs: {@code out[l]} holds the chunk's rows of layer l's output (scores for the last). */
        final double[][][] out;
        /** Gathered dense input rows, or null for sparse blocks. */
        final double[][] x;
        /** The deltas of the current layer and the next one down, and the current one transposed. */
        double[][] delta;
        double[][] deltaNext;
        final double[][] deltaT;
        /**
         * Local gradient sums, added to the accumulator once per call: {@code gw[l]} for W_l (n_out rows of n_in),
         * except {@code gw[0]} for sparse input, which holds the transpose (d rows of n_out) or is null (direct);
         * {@code gb[l]} for b_l.
         */
        final double[][][] gw;
        final double[][] gb;
        /**
         * Sparse input with few non-zeros for its width: layer 0 reads and updates {@code W_0} in place (strided)
         * instead of transposing it, so a call costs O(nnz h_1) rather than O(d h_1).
         */
        final boolean direct;
        /** The input rows' values as doubles, for the sparse loops (widened per row from a float32 block). */
        final RowValues input;

        Work(Block block, int[] rows, int count, double[] params, boolean gradient) {
            input = new RowValues(block);
            int layers = numLayers();
            int chunk = Math.min(CHUNK, count);
            boolean sparse = block.isSparse();
            if (sparse) {
                long nnz = 0;
                int[] ptr = block.rowPtr();
                for (int i = 0; i < count; i++) {
                    int row = rows == null ? i : rows[i];
                    nnz += ptr[row + 1] - ptr[row];
                }
                direct = nnz < numFeatures;
            } else {
                direct = false;
            }
            wt = new double[layers][][];
            w = new double[layers][][];
            out = new double[layers][][];
            int widest = 1;
            for (int l = 0; l < layers; l++) {
                int nIn = sizes[l];
                int nOut = sizes[l + 1];
                out[l] = new double[chunk][nOut];
                widest = Math.max(widest, nOut);
                if (l > 0 || !direct) wt[l] = transpose(params, weightOffset[l], nOut, nIn);
                if (l > 0 && gradient) w[l] = rowsOf(params, weightOffset[l], nOut, nIn);
            }
            x = sparse ? null : new double[chunk][numFeatures];
            if (gradient) {
                delta = new double[chunk][widest];
                deltaNext = new double[chunk][widest];
                deltaT = new double[widest][chunk];
                gw = new double[layers][][];
                gb = new double[layers][];
                for (int l = 0; l < layers; l++) {
                    int nIn = sizes[l];
                    int nOut = sizes[l + 1];
                    gb[l] = new double[nOut];
                    if (l > 0 || !sparse) {
                        gw[l] = new double[nOut][nIn];
                    } else if (!direct) {
                        gw[l] = new double[nIn][nOut];
                    }
                }
            } else {
                deltaT = null;
                gw = null;
                gb = null;
            }
        }

        /** Adds the local gradient sums to {@code grad} (the accumulator's flat layout). */
        void flush(boolean sparse, double[] grad) {
            for (int l = 0; l < numLayers(); l++) {
                int nIn = sizes[l];
                int nOut = sizes[l + 1];
                int base = weightOffset[l];
                double[][] g = gw[l];
                if (l == 0 && sparse) {
                    if (g != null) { // transposed: d rows of n_out
                        for (int o = 0; o < nOut; o++) {
                            int r = base + o * nIn;
                            for (int k = 0; k < nIn; k++) grad[r + k] += g[k][o];
                        }
                    }
                } else {
                    for (int o = 0; o < nOut; o++) {
                        double[] go = g[o];
                        int r = base + o * nIn;
                        for (int k = 0; k < nIn; k++) grad[r + k] += go[k];
                    }
                }
                double[] b = gb[l];
                int bo = biasOffset[l];
                for (int j = 0; j < nOut; j++) grad[bo + j] += b[j];
            }
        }
    }

    /** The {@code rows x cols} row-major matrix at {@code params[offset]}, transposed, as {@code cols} rows. */
    private static double[][] transpose(double[] params, int offset, int rows, int cols) {
        double[][] t = new double[cols][rows];
        for (int r0 = 0; r0 < rows; r0 += 32) {
            int r1 = Math.min(rows, r0 + 32);
            for (int c0 = 0; c0 < cols; c0 += 32) {
                int c1 = Math.min(cols, c0 + 32);
                for (int r = r0; r < r1; r++) {
                    int base = offset + r * cols;
                    for (int c = c0; c < c1; c++) t[c][r] = params[base + c];
                }
            }
        }
        return t;
    }

    /** The {@code rows x cols} row-major matrix at {@code params[offset]} as {@code rows} row arrays. */
    private static double[][] rowsOf(double[] params, int offset, int rows, int cols) {
        double[][] m = new double[rows][];
        for (int r = 0; r < rows; r++) m[r] = Arrays.copyOfRange(params, offset + r * cols, offset + (r + 1) * cols);
        return m;
    }

    /**
     * Adds the weighted loss and gradient of the rows. Dense blocks go through {@link #accumulateDense} (the
     * matrix products by BLAS), CSR blocks through {@link #accumulateLoops} (the first layer touches only the
     * non-zeros). Both compute the same sums up to the order of summation.
     */
    @Override
    public void accumulate(Block block, int[] rows, int count, double[] params, Accumulator acc) {
        checkBlock(block);
        checkParams(params);
        if (count <= 0) return;
        if (acc.gradientSum().length != numParameters) {
            throw new IllegalArgumentException("accumulator has " + acc.gradientSum().length + " parameters, model "
                    + numParameters);
        }
        if (block.isSparse()) {
            accumulateLoops(block, rows, count, params, acc);
        } else {
            accumulateDense(block, rows, count, params, acc);
        }
    }

    /**
     * The hand-written loop kernel (see the class comment): the path for CSR blocks, and for dense blocks the
     * baseline that {@code KernelBenchmark} times against {@link #accumulateDense}.
     */
    void accumulateLoops(Block block, int[] rows, int count, double[] params, Accumulator acc) {
        double[] grad = acc.gradientSum();
        Work work = new Work(block, rows, count, params, true);
        int last = numLayers() - 1;
        for (int start = 0; start < count; start += CHUNK) {
            int c = Math.min(CHUNK, count - start);
            forward(block, rows, start, c, params, work);
            double[][] z = work.out[last];
            double[][] delta = work.delta;
            for (int i = 0; i < c; i++) {
                int row = rows == null ? start + i : rows[start + i];
                double w = block.weight(row);
                acc.addRow(w * headRow(block, row, w, z[i], 0, delta[i], 0), w);
            }
            backward(block, rows, start, c, grad, work);
        }
        work.flush(block.isSparse(), grad);
    }

    /**
     * The head of one row: from its output-layer values {@code z[zOff .. zOff + K)} writes the weighted output
     * deltas {@code w * dl/dz} into {@code delta[dOff .. dOff + K)} and returns the unweighted loss.
     */
    private double headRow(Block block, int row, double w, double[] z, int zOff, double[] delta, int dOff) {
        switch (head) {
            case SOFTMAX -> {
                int k = numOutputs;
                System.arraycopy(z, zOff, delta, dOff, k);
                double loss = SoftmaxModel.lossAndResiduals(delta, dOff, k, classLabel(block, row));
                for (int j = 0; j < k; j++) delta[dOff + j] *= w;
                return loss;
            }
            case LOGISTIC -> {
                double m = z[zOff];
                double y = block.label(row);
                double g = m > 0 ? (1 - y) - LogisticLoss.sigmoid(-m) : LogisticLoss.sigmoid(m) - y;
                delta[dOff] = w * g;
                return logisticLoss(m, y);
            }
            default -> {
                double r = z[zOff] - block.label(row);
                delta[dOff] = w * r;
                return 0.5 * r * r;
            }
        }
    }

    /** Per-call views of this thread's scratch buffers for the dense kernel (see {@link Blas#scratch}). */
    private final class DenseWork {
        /** Gathered input rows (chunk x d, doubles), or null when the rows are read in place. */
        final double[] gathered;
        /** {@code out[l]}: layer l's outputs for the chunk, row-major (chunk x n_{l+1}). */
        final double[][] out;
        /** Deltas of the current layer and the one below (chunk x widest each). */
        double[] delta;
        double[] next;
        /** The chunk's input rows: {@code in[inOff + i * d + j]}. */
        double[] in;
        int inOff;

        DenseWork(Block block, int[] rows, int count, int chunkRows, boolean gradient) {
            int chunk = Math.min(chunkRows, count);
            int layers = numLayers();
            // BLAS reads doubles: a float32 block is always gathered (widened), even for consecutive rows
            gathered = rows == null && !block.isFloat32() ? null : Blas.scratch(0, chunk * numFeatures);
            out = new double[layers][];
            int widest = 1;
            for (int l = 0; l < layers; l++) {
                out[l] = Blas.scratch(3 + l, chunk * sizes[l + 1]);
                widest = Math.max(widest, sizes[l + 1]);
            }
            if (gradient) {
                delta = Blas.scratch(1, chunk * widest);
                next = Blas.scratch(2, chunk * widest);
            }
        }
    }

    /**
     * The dense kernel: the loop kernel's algorithm with every matrix product done by BLAS {@code dgemm} on
     * row-major chunk matrices, reading the weights in place from {@code params} and adding the weight gradients
     * straight into the accumulator. For each chunk of c rows (X: the rows, read in place when they are
     * consecutive storage rows of a float64 block, else gathered into doubles, which widens float32 values):
     * <pre>
     *   forward   Z_l = A_{l-1} W_l^T (dgemm), Z_l[i] += b_l, A_l = f(Z_l); A_{-1} = X
     *   head      D_L[i] = w_i * dl_i/dz
     *   backward  grad W_l += D_l^T A_{l-1} (dgemm), grad b_l += column sums of D_l (row order),
     *             D_{l-1} = (D_l W_l) .* f'(A_{l-1}) (dgemm)
     * </pre>
     * Chunks have {@link Blas#chunkRows} rows (256 unless the network is very wide), so the per-thread scratch
     * ({@link Blas#scratch}) is chunk x (d + sum of widths + 2 x widest) doubles, at most 8 MiB. Unlike the loops,
     * BLAS does not skip zero activations. Measured with VectorBLAS (docs/BENCHMARKS.md): 0.85-0.98 of the loops'
     * time from 64 rows on, 0.26-0.67 on 1 to 4 rows (where the loops' per-call transposes of the weights
     * dominate), and 1.17-1.45 on 8 rows; the loops are kept for CSR blocks only, not for that one band.
     */
    void accumulateDense(Block block, int[] rows, int count, double[] params, Accumulator acc) {
        accumulateDense(block, rows, count, params, acc, denseChunk);
    }

    /** {@link #accumulateDense} with chunks of {@code chunk} rows (the benchmark varies it). */
    void accumulateDense(Block block, int[] rows, int count, double[] params, Accumulator acc, int chunk) {
        double[] grad = acc.gradientSum();
        DenseWork work = new DenseWork(block, rows, count, chunk, true);
        int last = numLayers() - 1;
        int k = numOutputs;
        for (int start = 0; start < count; start += chunk) {
            int c = Math.min(chunk, count - start);
            forwardDense(block, rows, start, c, params, work);
            double[] z = work.out[last];
            double[] delta = work.delta;
            for (int i = 0; i < c; i++) {
                int row = rows == null ? start + i : rows[start + i];
                double w = block.weight(row);
                acc.addRow(w * headRow(block, row, w, z, i * k, delta, i * k), w);
            }
            backwardDense(c, params, grad, work);
        }
    }

    /** Layer outputs of rows {@code start .. start + c)} of the row list into {@code work.out}, by dgemm. */
    private void forwardDense(Block block, int[] rows, int start, int c, double[] params, DenseWork work) {
        int d = numFeatures;
        if (work.gathered == null) {
            work.in = block.values();
            work.inOff = start * d;
        } else {
            Blas.gather(block, rows, start, c, work.gathered);
            work.in = work.gathered;
            work.inOff = 0;
        }
        int layers = numLayers();
        double[] a = work.in;
        int aOff = work.inOff;
        for (int l = 0; l < layers; l++) {
            int nIn = sizes[l];
            int nOut = sizes[l + 1];
            double[] z = work.out[l];
            // Z^T (n_out x c, column-major) = (W_l, n_in x n_out column-major)^T A^T (n_in x c)
            Blas.BLAS.dgemm("T", "N", nOut, c, nIn, 1.0, params, weightOffset[l], nIn, a, aOff, nIn, 0.0, z, 0, nOut);
            int b = biasOffset[l];
            for (int i = 0; i < c; i++) {
                int off = i * nOut;
                for (int j = 0; j < nOut; j++) z[off + j] += params[b + j];
            }
            if (l < layers - 1) activation.applyInPlace(z, 0, c * nOut);
            a = z;
            aOff = 0;
        }
    }

    /** Adds the chunk's gradient into {@code grad}, starting from the output deltas in {@code work.delta}. */
    private void backwardDense(int c, double[] params, double[] grad, DenseWork work) {
        for (int l = numLayers() - 1; l >= 0; l--) {
            int nIn = sizes[l];
            int nOut = sizes[l + 1];
            double[] delta = work.delta;
            int bo = biasOffset[l];
            for (int i = 0; i < c; i++) {
                int off = i * nOut;
                for (int j = 0; j < nOut; j++) grad[bo + j] += delta[off + j];
            }
            double[] a = l == 0 ? work.in : work.out[l - 1];
            int aOff = l == 0 ? work.inOff : 0;
            // grad W_l^T (n_in x n_out, column-major) += A^T (n_in x c) D (c x n_out)
            Blas.BLAS.dgemm("N", "T", nIn, nOut, c, 1.0, a, aOff, nIn, delta, 0, nOut, 1.0, grad, weightOffset[l], nIn);
            if (l > 0) {
                // D_{l-1}^T (n_in x c, column-major) = (W_l, n_in x n_out column-major) D^T (n_out x c)
                double[] next = work.next;
                Blas.BLAS.dgemm("N", "N", nIn, c, nOut, 1.0, params, weightOffset[l], nIn, delta, 0, nOut, 0.0,
                        next, 0, nIn);
                activation.multiplyByDerivative(next, work.out[l - 1], 0, c * nIn);
                work.next = delta;
                work.delta = next;
            }
        }
    }

    /** {@code log(1 + e^m) - y m} without overflow or cancellation, as {@link LogisticLoss#value}. */
    private static double logisticLoss(double m, double y) {
        return m > 0 ? (1 - y) * m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m)) - y * m;
    }

    /** Evaluates every row: dense blocks by the dense kernel's forward pass, CSR blocks by the loops'. */
    @Override
    public void evaluate(Block block, double[] params, Evaluation eval) {
        checkBlock(block);
        checkParams(params);
        int n = block.numRows();
        if (n == 0) return;
        int k = numOutputs;
        int last = numLayers() - 1;
        Work work = block.isSparse() ? new Work(block, null, n, params, false) : null;
        DenseWork dense = block.isSparse() ? null : new DenseWork(block, null, n, denseChunk, false);
        int chunk = block.isSparse() ? CHUNK : denseChunk;
        double[] s = new double[k];
        for (int start = 0; start < n; start += chunk) {
            int c = Math.min(chunk, n - start);
            double[] z;
            int stride;
            if (dense != null) {
                forwardDense(block, null, start, c, params, dense);
                z = dense.out[last];
                stride = k;
            } else {
                forward(block, null, start, c, params, work);
                z = null;
                stride = 0;
            }
            for (int i = 0; i < c; i++) {
                int row = start + i;
                double w = block.weight(row);
                if (z != null) {
                    System.arraycopy(z, i * stride, s, 0, k);
                } else {
                    System.arraycopy(work.out[last][i], 0, s, 0, k);
                }
                switch (head) {
                    case SOFTMAX -> {
                        int best = 0;
                        for (int j = 1; j < k; j++) if (s[j] > s[best]) best = j;
                        int y = classLabel(block, row);
                        eval.addClassified(w, SoftmaxModel.lossAndResiduals(s, y), y, best);
                    }
                    case LOGISTIC -> {
                        double m = s[0];
                        double y = block.label(row);
                        eval.addClassified(w, logisticLoss(m, y), (int) y, m > 0 ? 1 : 0);
                        eval.addScore(w, y, m);
                    }
                    default -> {
                        double r = s[0] - block.label(row);
                        eval.addRegressed(w, 0.5 * r * r, s[0], block.label(row));
                    }
                }
            }
        }
    }

    /** Layer outputs of rows {@code start .. start + c) of the row list into {@code work.out}. */
    private void forward(Block block, int[] rows, int start, int c, double[] params, Work work) {
        int layers = numLayers();
        int d = numFeatures;
        for (int l = 0; l < layers; l++) {
            int nIn = sizes[l];
            int nOut = sizes[l + 1];
            double[][] out = work.out[l];
            for (int i = 0; i < c; i++) Arrays.fill(out[i], 0.0);
            if (l == 0 && block.isSparse()) {
                int[] ptr = block.rowPtr();
                int[] idx = block.colIdx();
                double[][] wt0 = work.wt[0];
                int w0 = weightOffset[0];
                RowValues xr = work.input;
                for (int i = 0; i < c; i++) {
                    int row = rows == null ? start + i : rows[start + i];
                    double[] oi = out[i];
                    xr.load(row);
                    double[] v = xr.array;
                    int sh = xr.shift;
                    for (int q = ptr[row], end = ptr[row + 1]; q < end; q++) {
                        double a = v[q + sh];
                        if (a == 0.0) continue;
                        if (wt0 != null) {
                            double[] wk = wt0[idx[q]];
                            for (int j = 0; j < nOut; j++) oi[j] += a * wk[j];
                        } else {
                            int col = w0 + idx[q];
                            for (int j = 0; j < nOut; j++) oi[j] += a * params[col + j * d];
                        }
                    }
                }
            } else if (l == 0) {
                double[][] x = work.x;
                for (int i = 0; i < c; i++) {
                    int row = rows == null ? start + i : rows[start + i];
                    block.copyValues(row * d, x[i], 0, d);
                }
                gemmAcc(x, c, d, work.wt[0], nOut, out);
            } else {
                gemmAcc(work.out[l - 1], c, nIn, work.wt[l], nOut, out);
            }
            int b = biasOffset[l];
            for (int i = 0; i < c; i++) {
                double[] oi = out[i];
                for (int j = 0; j < nOut; j++) oi[j] += params[b + j];
                if (l < layers - 1) activation.applyInPlace(oi, 0, nOut);
            }
        }
    }

    /**
     * Adds the chunk's gradient to the local sums, starting from the output deltas in {@code work.delta}; in the
     * direct sparse mode layer 0's weight gradient goes straight into {@code grad}.
     */
    private void backward(Block block, int[] rows, int start, int c, double[] grad, Work work) {
        for (int l = numLayers() - 1; l >= 0; l--) {
            int nIn = sizes[l];
            int nOut = sizes[l + 1];
            double[][] delta = work.delta;
            double[] gb = work.gb[l];
            for (int i = 0; i < c; i++) {
                double[] di = delta[i];
                for (int j = 0; j < nOut; j++) gb[j] += di[j];
            }
            if (l == 0 && block.isSparse()) {
                // grad W_0[o][k] += delta[i][o] * x[i][k] over the non-zeros x[i][k]
                RowValues xr = work.input;
                int[] ptr = block.rowPtr();
                int[] idx = block.colIdx();
                double[][] gt = work.gw[0];
                int w0 = weightOffset[0];
                int d = numFeatures;
                for (int i = 0; i < c; i++) {
                    int row = rows == null ? start + i : rows[start + i];
                    double[] di = delta[i];
                    xr.load(row);
                    double[] v = xr.array;
                    int sh = xr.shift;
                    for (int q = ptr[row], end = ptr[row + 1]; q < end; q++) {
                        double a = v[q + sh];
                        if (a == 0.0) continue;
                        if (gt != null) {
                            double[] gk = gt[idx[q]];
                            for (int j = 0; j < nOut; j++) gk[j] += di[j] * a;
                        } else {
                            int col = w0 + idx[q];
                            for (int j = 0; j < nOut; j++) grad[col + j * d] += di[j] * a;
                        }
                    }
                }
            } else {
                // grad W_l (n_out x n_in) += D^T (n_out x c) A_{l-1} (c x n_in)
                double[][] dt = work.deltaT;
                for (int i = 0; i < c; i++) {
                    double[] di = delta[i];
                    for (int j = 0; j < nOut; j++) dt[j][i] = di[j];
                }
                gemmAcc(dt, nOut, c, l == 0 ? work.x : work.out[l - 1], nIn, work.gw[l]);
            }
            if (l > 0) {
                // D_{l-1} (c x n_in) = D_l (c x n_out) W_l (n_out x n_in), times f'(A_{l-1})
                double[][] next = work.deltaNext;
                double[][] prev = work.out[l - 1];
                for (int i = 0; i < c; i++) Arrays.fill(next[i], 0, nIn, 0.0);
                gemmAcc(delta, c, nOut, work.w[l], nIn, next);
                for (int i = 0; i < c; i++) activation.multiplyByDerivative(next[i], prev[i], 0, nIn);
                work.deltaNext = delta;
                work.delta = next;
            }
        }
    }

    /**
     * {@code C += A B} for {@code A} (rows x m), {@code B} (m x n) and {@code C} (rows x n), given as row arrays, in
     * i-k-j order: row i of C gets {@code A[i][k] * B[k]} added for increasing k, so the innermost loop runs along
     * a row of B and a row of C. The k dimension is tiled so that a tile of B stays in cache while every row of A
     * passes over it, and zeros of A are skipped. For each entry of C the products are added in increasing k, as a
     * plain dot product would.
     */
    private static void gemmAcc(double[][] a, int rows, int m, double[][] b, int n, double[][] c) {
        int tile = Math.max(1, TILE / n);
        for (int k0 = 0; k0 < m; k0 += tile) {
            int k1 = Math.min(m, k0 + tile);
            for (int i = 0; i < rows; i++) {
                double[] ai = a[i];
                double[] ci = c[i];
                for (int k = k0; k < k1; k++) {
                    double av = ai[k];
                    if (av == 0.0) continue;
                    double[] bk = b[k];
                    for (int j = 0; j < n; j++) ci[j] += av * bk[j];
                }
            }
        }
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
