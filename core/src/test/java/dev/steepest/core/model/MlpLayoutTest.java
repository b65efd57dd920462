package dev.steepest.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.TestData;
import dev.steepest.core.data.Block;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The flat parameter layout of {@link MlpModel}: groups, per-group norms, the layer view for {@code model.json},
 * and the reduction of a perceptron without hidden layers to {@link SoftmaxModel} and {@link LinearModel}, whose
 * layouts ({@code K x d} coefficients, then K intercepts) are the same as one layer's {@code W}, then {@code b}.
 */
class MlpLayoutTest {

    @Test
    void groupsPartitionTheParameterVectorLayerByLayer() {
        int[][] shapes = {{}, {4}, {4, 3}, {7, 1, 5}};
        for (int[] hidden : shapes) {
            for (MlpModel.Head head : MlpModel.Head.values()) {
                int k = head == MlpModel.Head.SOFTMAX ? 3 : 1;
                int d = 5;
                MlpModel model = new MlpModel(d, hidden, Activation.TANH, head, k);
                List<ParameterGroup> groups = model.groups();
                int[] n = MlpReference.widths(d, hidden, k);
                assertEquals(2 * (hidden.length + 1), groups.size());
                assertEquals(hidden.length + 1, model.numLayers());
                int expectedTotal = 0;
                for (int l = 0; l + 1 < n.length; l++) expectedTotal += n[l] * n[l + 1] + n[l + 1];
                assertEquals(expectedTotal, model.numParameters());
                int next = 0;
                for (int l = 0; l < model.numLayers(); l++) {
                    ParameterGroup w = groups.get(2 * l);
                    ParameterGroup b = groups.get(2 * l + 1);
                    assertEquals(new ParameterGroup("layer" + l + ".weights", next, n[l] * n[l + 1], true), w);
                    assertEquals(model.weightOffset(l), w.offset());
                    next = w.end();
                    assertEquals(new ParameterGroup("layer" + l + ".bias", next, n[l + 1], false), b);
                    assertEquals(model.biasOffset(l), b.offset());
                    next = b.end();
                }
                assertEquals(model.numParameters(), next, "no gap at the end");
                // every index in exactly one group
                int[] covered = new int[model.numParameters()];
                for (ParameterGroup g : groups) for (int i = g.offset(); i < g.end(); i++) covered[i]++;
                for (int c : covered) assertEquals(1, c);
                // the input weight matrix is the first block: one row per unit of the first layer
                assertEquals(n[1], model.inputWeightRows());
                assertEquals(0, model.weightOffset(0));
            }
        }
    }

    @Test
    void groupNormsAreTheNormsOfTheSlices() {
        MlpModel model = new MlpModel(6, new int[] {5, 4}, Activation.RELU, MlpModel.Head.SOFTMAX, 3);
        double[] v = MlpKernelTest.randomParams(model.numParameters(), 2.0, 9);
        List<ParameterGroup> groups = model.groups();
        double[] norms = MlpModel.groupNorms(v, groups);
        assertEquals(groups.size(), norms.length);
        double total = 0.0;
        for (int i = 0; i < groups.size(); i++) {
            ParameterGroup g = groups.get(i);
            double[] slice = java.util.Arrays.copyOfRange(v, g.offset(), g.end());
            assertEquals(TestData.norm(slice), norms[i], 1e-15 * norms[i], g.name());
            total += norms[i] * norms[i];
        }
        assertEquals(TestData.norm(v), Math.sqrt(total), 1e-14 * TestData.norm(v), "the squares add up to ||v||^2");
        // a hand-made case: groups (0..2), (2..3) of (3, 4, 12)
        assertArrayEquals(new double[] {5, 12}, MlpModel.groupNorms(new double[] {3, 4, 12},
                List.of(new ParameterGroup("a", 0, 2, true), new ParameterGroup("b", 2, 1, false))), 0.0);
        assertArrayEquals(new double[0], MlpModel.groupNorms(v, List.of()), 0.0);
    }

    @Test
    void layersViewTheParametersAsMatrices() {
        int[] hidden = {4, 3};
        MlpModel model = new MlpModel(5, hidden, Activation.LEAKY_RELU, MlpModel.Head.SOFTMAX, 6);
        double[] p = new double[model.numParameters()];
        for (int i = 0; i < p.length; i++) p[i] = i; // each entry its own index
        List<MlpModel.Layer> layers = model.layers(p);
        assertEquals(3, layers.size());
        int[] n = {5, 4, 3, 6};
        String[] activations = {"leaky_relu", "leaky_relu", "softmax"};
        int offset = 0;
        for (int l = 0; l < 3; l++) {
            MlpModel.Layer layer = layers.get(l);
            assertEquals(activations[l], layer.activation());
            assertEquals(n[l + 1], layer.weights().length);
            for (int o = 0; o < n[l + 1]; o++) {
                assertEquals(n[l], layer.weights()[o].length);
                for (int i = 0; i < n[l]; i++) assertEquals(offset + o * n[l] + i, layer.weights()[o][i], 0.0);
            }
            offset += n[l] * n[l + 1];
            for (int o = 0; o < n[l + 1]; o++) assertEquals(offset + o, layer.bias()[o], 0.0);
            offset += n[l + 1];
            assertArrayEquals(layer.weights(), model.weights(p).get(l));
            assertArrayEquals(layer.bias(), model.biases(p).get(l), 0.0);
        }
        // copies: writing to the view leaves the parameters alone
        layers.get(0).weights()[0][0] = 99;
        assertEquals(0.0, p[0], 0.0);
        assertEquals("sigmoid", new MlpModel(2, new int[] {2}, Activation.TANH, MlpModel.Head.LOGISTIC, 1)
                .layers(new double[9]).get(1).activation());
        assertEquals("identity", new MlpModel(2, new int[] {2}, Activation.SIGMOID, MlpModel.Head.SQUARED, 1)
                .layers(new double[9]).get(1).activation());
        assertEquals("sigmoid", new MlpModel(2, new int[] {2}, Activation.SIGMOID, MlpModel.Head.SQUARED, 1)
                .layers(new double[9]).get(0).activation());
    }

    /**
     * No hidden layer, softmax head: the same function and the same layout as {@link SoftmaxModel} with intercepts,
     * and the same arithmetic on a dense block (the same BLAS products on the same chunks, then the intercept;
     * residuals times the row weight; intercept sums in row order), so loss and gradient are bit-identical, except
     * for calls of fewer than {@link SoftmaxModel#MIN_BLAS_ROWS} rows, which SoftmaxModel sums in its row loop. On CSR
     * blocks both use their own loops (SoftmaxModel adds the intercept first), so they agree to rounding only.
     */
    @Test
    void softmaxHeadWithoutHiddenLayersIsSoftmaxRegression() {
        for (int k : new int[] {2, 3, 5}) {
            int d = 7;
            MlpModel mlp = new MlpModel(d, new int[0], Activation.RELU, MlpModel.Head.SOFTMAX, k);
            SoftmaxModel soft = new SoftmaxModel(d, k, true);
            assertEquals(soft.numParameters(), mlp.numParameters());
            assertEquals(soft.inputWeightRows(), mlp.inputWeightRows());
            for (int n : new int[] {1, 63, 64, 65, 300}) {
                TestData.Rows r = MlpGradientCheckTest.rows(MlpModel.Head.SOFTMAX, k, 40 + n + k, n, d, 0.4);
                double[] params = MlpKernelTest.randomParams(mlp.numParameters(), 1.5, n * 7L + k);
                Block dense = TestData.block(r, false);
                Block sparse = TestData.block(r, true);
                int[] subset = new int[n + 2];
                for (int i = 0; i < subset.length; i++) subset[i] = (i * 37 + 5) % n;
                for (int[] rows : new int[][] {null, subset}) {
                    int count = rows == null ? n : rows.length;
                    String what = "K=" + k + " n=" + n + (rows == null ? "" : " subset");
                    Accumulator expected = MlpKernelTest.run(soft, dense, rows, count, params);
                    if (count >= SoftmaxModel.MIN_BLAS_ROWS) {
                        MlpKernelTest.assertIdentical(expected, MlpKernelTest.run(mlp, dense, rows, count, params),
                                what + " dense");
                    } else { // SoftmaxModel keeps its row loop for so few rows; the MLP uses BLAS
                        Accumulator m = MlpKernelTest.run(mlp, dense, rows, count, params);
                        MlpKernelTest.assertClose(expected.lossSum(), m.lossSum(), 0.0, what + " dense loss");
                        for (int i = 0; i < params.length; i++) {
                            MlpKernelTest.assertClose(expected.gradientSum()[i], m.gradientSum()[i],
                                    scale(r, rows, count, i, d, k), what + " dense gradient " + i);
                        }
                    }
                    Accumulator softSparse = MlpKernelTest.run(soft, sparse, rows, count, params);
                    Accumulator mlpSparse = MlpKernelTest.run(mlp, sparse, rows, count, params);
                    MlpKernelTest.assertClose(softSparse.lossSum(), mlpSparse.lossSum(), 0.0, what + " CSR loss");
                    for (int i = 0; i < params.length; i++) {
                        MlpKernelTest.assertClose(softSparse.gradientSum()[i], mlpSparse.gradientSum()[i],
                                scale(r, rows, count, i, d, k), what + " CSR gradient " + i);
                    }
                }
                Evaluation es = new Evaluation();
                Evaluation em = new Evaluation();
                soft.evaluate(dense, params, es);
                mlp.evaluate(dense, params, em);
                assertEquals(es.meanLoss(), em.meanLoss(), 0.0);
                assertEquals(es.accuracy(), em.accuracy(), 0.0);
                assertArrayEquals(es.confusionMatrix(k), em.confusionMatrix(k));
            }
        }
    }

    /** A bound on the terms of softmax gradient component i: |residual| <= 1, times w |x|. */
    private static double scale(TestData.Rows r, int[] rows, int count, int i, int d, int k) {
        double s = 0.0;
        for (int c = 0; c < count; c++) {
            int row = rows == null ? c : rows[c];
            s += r.w[row] * (i < k * d ? Math.abs(r.x[row][i % d]) : 1.0);
        }
        return s;
    }

    /** Logistic and squared heads without hidden layers: logistic and linear regression with an intercept. */
    @Test
    void binaryAndSquaredHeadsWithoutHiddenLayersAreLinearModels() {
        int d = 6;
        for (MlpModel.Head head : new MlpModel.Head[] {MlpModel.Head.LOGISTIC, MlpModel.Head.SQUARED}) {
            MlpModel mlp = new MlpModel(d, new int[0], Activation.TANH, head, 1);
            LinearModel linear = head == MlpModel.Head.LOGISTIC ? LinearModel.logisticRegression(d, true)
                    : LinearModel.linearRegression(d, true);
            assertEquals(linear.numParameters(), mlp.numParameters());
            assertEquals(linear.isClassifier(), mlp.isClassifier());
            TestData.Rows r = MlpGradientCheckTest.rows(head, 1, 50, 140, d, 0.3);
            double[] params = MlpKernelTest.randomParams(mlp.numParameters(), 0.8, 51);
            for (boolean sparse : new boolean[] {false, true}) {
                Block b = TestData.block(r, sparse);
                Accumulator a = MlpKernelTest.run(linear, b, null, r.n(), params);
                Accumulator m = MlpKernelTest.run(mlp, b, null, r.n(), params);
                assertEquals(a.count(), m.count());
                MlpKernelTest.assertClose(a.lossSum(), m.lossSum(), 0.0, head + " loss");
                MlpReference.Result ref = MlpReference.run(new int[0], Activation.TANH, head, 1, r, null, r.n(), params);
                for (int i = 0; i < params.length; i++) {
                    MlpKernelTest.assertClose(a.gradientSum()[i], m.gradientSum()[i], ref.gradientScale()[i],
                            head + " gradient " + i);
                }
                Evaluation el = new Evaluation();
                Evaluation em = new Evaluation();
                linear.evaluate(b, params, el);
                mlp.evaluate(b, params, em);
                MlpKernelTest.assertClose(el.meanLoss(), em.meanLoss(), 0.0, head + " eval loss");
                if (head == MlpModel.Head.LOGISTIC) {
                    assertEquals(el.accuracy(), em.accuracy(), 0.0);
                    assertEquals(el.auc(), em.auc(), 1e-12);
                } else {
                    assertEquals(el.rmse(), em.rmse(), 1e-12 * el.rmse());
                    assertEquals(el.r2(), em.r2(), 1e-12);
                }
            }
        }
        assertFalse(new MlpModel(3, new int[0], Activation.TANH, MlpModel.Head.SQUARED, 1).isClassifier());
        assertTrue(new MlpModel(3, new int[0], Activation.TANH, MlpModel.Head.LOGISTIC, 1).isClassifier());
    }
}
