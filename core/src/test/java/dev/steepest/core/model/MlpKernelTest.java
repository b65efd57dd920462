package dev.steepest.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.TestData;
import dev.steepest.core.data.Block;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link MlpModel}'s chunked block kernel against {@link MlpReference} (naive, one row at a time), across the
 * chunk boundaries (blocks of 1, 7, 64, 65 and 200 rows with 64-row chunks), dense and CSR storage (both CSR
 * modes: transposed first layer and in-place first layer for few non-zeros), all rows and shuffled subsets with
 * repeats; evaluation and single-row outputs; argument checks and serialization.
 */
class MlpKernelTest {
    private static final double REL = 1e-10;
    private static final int[] SIZES = {1, 7, 64, 65, 200};

    static double[] randomParams(int n, double std, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] p = new double[n];
        for (int i = 0; i < n; i++) p[i] = std * ParameterInit.gaussian(rng);
        return p;
    }

    static Accumulator run(Model model, Block block, int[] rows, int count, double[] params) {
        Accumulator acc = new Accumulator(model.numParameters());
        model.accumulate(block, rows, count, params, acc);
        return acc;
    }

    /** |expected - actual| <= REL relative, or REL of the sum of |terms| (for a component whose terms cancel). */
    static void assertClose(double expected, double actual, double termScale, String what) {
        double err = Math.abs(expected - actual);
        assertTrue(err <= REL * Math.max(Math.abs(expected), Math.abs(actual)) || err <= REL * termScale,
                what + ": " + expected + " vs " + actual + " (term scale " + termScale + ")");
    }

    static void assertMatches(MlpReference.Result ref, Accumulator acc, String what) {
        assertEquals(ref.count(), acc.count(), what + ": count");
        assertClose(ref.weightSum(), acc.weightSum(), 0.0, what + ": weight");
        assertClose(ref.lossSum(), acc.lossSum(), 0.0, what + ": loss");
        double[] g = acc.gradientSum();
        for (int i = 0; i < g.length; i++) {
            assertClose(ref.gradientSum()[i], g[i], ref.gradientScale()[i], what + ": gradient " + i);
        }
    }

    /** Every accumulator field equal (0.0 == -0.0). */
    static void assertIdentical(Accumulator a, Accumulator b, String what) {
        assertEquals(a.count(), b.count(), what);
        assertEquals(a.lossSum(), b.lossSum(), 0.0, what + ": loss");
        assertEquals(a.weightSum(), b.weightSum(), 0.0, what + ": weight");
        assertArrayEquals(a.gradientSum(), b.gradientSum(), 0.0, what + ": gradient");
    }

    private static int[] subset(long seed, int n, int size) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] s = new int[size + 4]; // only the first `size` entries are used
        for (int i = 0; i < s.length; i++) s[i] = rng.nextInt(n);
        if (size > 1) s[1] = s[0];
        return s;
    }

    private static void checkAgainstReference(Activation act, MlpModel.Head head, int d, int[] hidden, double zeros,
                                              double std, long seed) {
        int k = head == MlpModel.Head.SOFTMAX ? 4 : 1;
        MlpModel model = new MlpModel(d, hidden, act, head, k);
        for (int n : SIZES) {
            TestData.Rows r = MlpGradientCheckTest.rows(head, k, seed + n, n, d, zeros);
            double[] params = randomParams(model.numParameters(), std, seed * 31 + n);
            Block dense = TestData.block(r, false);
            Block sparse = TestData.block(r, true);
            int[] sub = subset(seed + 7 * n, n, n + 3);
            for (int[] rows : new int[][] {null, sub}) {
                int count = rows == null ? n : n + 3;
                String what = act + " " + head + " d=" + d + " n=" + n + (rows == null ? " all rows" : " subset");
                MlpReference.Result ref = MlpReference.run(hidden, act, head, k, r, rows, count, params);
                Accumulator a = run(model, dense, rows, count, params);
                Accumulator b = run(model, sparse, rows, count, params);
                assertMatches(ref, a, what + " dense");
                assertMatches(ref, b, what + " sparse");
                // dense (BLAS) and CSR (loops) sum in different orders: each is held to the reference instead of
                // to the other bit for bit
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Activation.class)
    void blockKernelEqualsRowByRowReference(Activation act) {
        for (MlpModel.Head head : MlpModel.Head.values()) {
            checkAgainstReference(act, head, 10, new int[] {16, 8}, 0.4, 0.6, 1 + act.ordinal() * 10L + head.ordinal());
        }
    }

    /** Other shapes: no hidden layer, one wide layer, three layers; and wide sparse rows (in-place first layer). */
    @Test
    void otherShapesAndWideSparseRows() {
        checkAgainstReference(Activation.TANH, MlpModel.Head.SOFTMAX, 6, new int[] {}, 0.2, 0.7, 5);
        checkAgainstReference(Activation.RELU, MlpModel.Head.SQUARED, 6, new int[] {70}, 0.2, 0.3, 6);
        checkAgainstReference(Activation.LEAKY_RELU, MlpModel.Head.LOGISTIC, 6, new int[] {5, 9, 3}, 0.2, 0.8, 7);
        // 300 features, 97% zeros (some rows empty): blocks of 1..7 rows have fewer non-zeros than features, so
        // layer 0 is read and written in place; 64+ rows have more, so it is transposed
        checkAgainstReference(Activation.SIGMOID, MlpModel.Head.SOFTMAX, 300, new int[] {12}, 0.97, 0.5, 8);
        checkAgainstReference(Activation.RELU, MlpModel.Head.LOGISTIC, 300, new int[] {12, 5}, 0.97, 0.5, 9);
    }

    /** The accumulator is a running sum: a second call adds the same again. */
    @Test
    void accumulateAddsToTheRunningSums() {
        MlpModel model = new MlpModel(7, new int[] {9}, Activation.TANH, MlpModel.Head.SOFTMAX, 3);
        TestData.Rows r = MlpGradientCheckTest.rows(MlpModel.Head.SOFTMAX, 3, 3, 150, 7, 0.3);
        double[] params = randomParams(model.numParameters(), 0.5, 3);
        for (boolean sparse : new boolean[] {false, true}) {
            Block b = TestData.block(r, sparse);
            Accumulator once = run(model, b, null, 150, params);
            Accumulator twice = run(model, b, null, 150, params);
            model.accumulate(b, null, 150, params, twice);
            assertEquals(300, twice.count());
            assertEquals(2 * once.lossSum(), twice.lossSum(), 1e-12 * once.lossSum());
            assertEquals(2 * once.weightSum(), twice.weightSum(), 1e-12 * once.weightSum());
            for (int i = 0; i < params.length; i++) {
                assertEquals(2 * once.gradientSum()[i], twice.gradientSum()[i], 1e-12 * Math.abs(once.gradientSum()[i]),
                        "gradient " + i);
            }
            // two halves merged = the whole, to rounding
            int[] first = new int[75];
            int[] second = new int[75];
            for (int i = 0; i < 75; i++) {
                first[i] = i;
                second[i] = 75 + i;
            }
            Accumulator halves = run(model, b, first, 75, params).merge(run(model, b, second, 75, params));
            MlpReference.Result ref = MlpReference.run(new int[] {9}, Activation.TANH, MlpModel.Head.SOFTMAX, 3, r,
                    null, 150, params);
            assertMatches(ref, halves, "halves");
            // no rows: nothing added
            Accumulator none = run(model, b, null, 0, params);
            assertEquals(0, none.count());
            assertEquals(0.0, TestData.norm(none.gradientSum()), 0.0);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(MlpModel.Head.class)
    void evaluateAgreesWithTheKernelAndTheReferenceOutputs(MlpModel.Head head) {
        int k = head == MlpModel.Head.SOFTMAX ? 3 : 1;
        int[] hidden = {6, 5};
        MlpModel model = new MlpModel(4, hidden, Activation.TANH, head, k);
        assertEquals(head != MlpModel.Head.SQUARED, model.isClassifier());
        assertEquals(k, model.numOutputs());
        assertEquals("mlp", model.type());
        int n = 130;
        TestData.Rows r = MlpGradientCheckTest.rows(head, k, 21, n, 4, 0.2);
        double[] params = randomParams(model.numParameters(), 1.0, 22);
        MlpReference.Result ref = MlpReference.run(hidden, Activation.TANH, head, k, r, null, n, params);
        // the expected metrics from the reference outputs
        double weight = 0.0;
        double correct = 0.0;
        double squared = 0.0;
        for (int i = 0; i < n; i++) {
            double[] out = ref.outputs()[i];
            weight += r.w[i];
            if (head == MlpModel.Head.SOFTMAX) {
                int best = 0;
                for (int j = 1; j < k; j++) if (out[j] > out[best]) best = j;
                if (best == (int) r.y[i]) correct += r.w[i];
            } else if (head == MlpModel.Head.LOGISTIC) {
                if ((out[0] > 0 ? 1.0 : 0.0) == r.y[i]) correct += r.w[i];
            } else {
                squared += r.w[i] * (out[0] - r.y[i]) * (out[0] - r.y[i]);
            }
        }
        for (boolean sparse : new boolean[] {false, true}) {
            Block b = TestData.block(r, sparse);
            Evaluation eval = new Evaluation();
            model.evaluate(b, params, eval);
            assertEquals(n, eval.count());
            assertClose(ref.meanLoss(), eval.meanLoss(), 0.0, "evaluation loss = reference loss");
            assertClose(run(model, b, null, n, params).meanLoss(), eval.meanLoss(), 0.0, "evaluation loss = kernel");
            if (model.isClassifier()) {
                double acc = correct / weight;
                assertTrue(acc > 0.0 && acc < 1.0, "a non-trivial accuracy: " + acc);
                assertEquals(acc, eval.accuracy(), 1e-12);
            } else {
                assertEquals(Math.sqrt(squared / weight), eval.rmse(), 1e-12 * Math.sqrt(squared / weight));
            }
            for (int i = 0; i < n; i += 13) {
                double[] out = model.outputs(b, i, params);
                for (int j = 0; j < k; j++) assertClose(ref.outputs()[i][j], out[j], 0.0, "output " + i + "," + j);
            }
        }
    }

    @Test
    void argumentsAreChecked() {
        assertThrows(IllegalArgumentException.class,
                () -> new MlpModel(3, new int[] {2}, Activation.RELU, MlpModel.Head.SOFTMAX, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new MlpModel(3, new int[] {2}, Activation.RELU, MlpModel.Head.LOGISTIC, 2));
        assertThrows(IllegalArgumentException.class,
                () -> new MlpModel(3, new int[] {0}, Activation.RELU, MlpModel.Head.SQUARED, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new MlpModel(0, new int[] {2}, Activation.RELU, MlpModel.Head.SQUARED, 1));
        MlpModel model = new MlpModel(2, new int[] {3}, Activation.RELU, MlpModel.Head.SOFTMAX, 3);
        Block bad = Block.dense(2, new double[] {1, 2}, new double[] {3}, null); // label 3 of 3 classes
        double[] params = new double[model.numParameters()];
        assertThrows(IllegalArgumentException.class,
                () -> model.accumulate(bad, null, 1, params, new Accumulator(model.numParameters())));
        assertThrows(IllegalArgumentException.class, () -> model.evaluate(bad, params, new Evaluation()));
        Block wrongWidth = Block.dense(3, new double[] {1, 2, 3}, new double[] {0}, null);
        assertThrows(IllegalArgumentException.class,
                () -> model.accumulate(wrongWidth, null, 1, params, new Accumulator(model.numParameters())));
        assertThrows(IllegalArgumentException.class, () -> model.accumulate(Block.dense(2, new double[] {1, 2},
                new double[] {0}, null), null, 1, new double[3], new Accumulator(3)));
        // the mutable hidden-width array is copied
        int[] hidden = {4};
        MlpModel m = new MlpModel(2, hidden, Activation.TANH, MlpModel.Head.SQUARED, 1);
        hidden[0] = 100;
        assertArrayEquals(new int[] {4}, m.hidden());
        assertArrayEquals(new int[] {2, 4, 1}, m.layerSizes());
    }

    @Test
    void activationValuesAndDerivatives() {
        for (Activation a : Activation.values()) {
            assertEquals(a, Activation.fromName(a.jsonName()));
            assertEquals(a, Activation.fromName(a.name()));
            for (double z : new double[] {-30, -2.5, -0.3, 0.4, 1.7, 30}) {
                assertEquals(MlpReference.activation(a, z), a.value(z), 1e-15, a + " value at " + z);
                assertEquals(MlpReference.derivative(a, z), a.derivative(z), 1e-15, a + " derivative at " + z);
                assertEquals(a.derivative(z), a.derivativeFromOutput(a.value(z)), 0.0);
                double h = 1e-6;
                double fd = (a.value(z + h) - a.value(z - h)) / (2 * h);
                assertEquals(fd, a.derivative(z), 1e-8 * Math.max(1, Math.abs(fd)), a + " finite difference at " + z);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Activation.fromName("gelu"));
        assertEquals(0.0, Activation.RELU.value(-3), 0.0);
        assertEquals(-0.03, Activation.LEAKY_RELU.value(-3), 1e-17);
        assertEquals(0.0, Activation.RELU.derivative(0.0), 0.0);
        assertEquals(0.01, Activation.LEAKY_RELU.derivative(0.0), 0.0);
        assertEquals(0.0, Activation.SIGMOID.value(-1000), 0.0);
        assertEquals(1.0, Activation.SIGMOID.value(1000), 0.0);
        assertTrue(Double.isNaN(Activation.RELU.value(Double.NaN)), "NaN propagates");
    }

    @Test
    void modelIsSerializable() throws Exception {
        MlpModel model = new MlpModel(3, new int[] {5, 4}, Activation.LEAKY_RELU, MlpModel.Head.SOFTMAX, 3);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(model);
        }
        Object back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = in.readObject();
        }
        assertNotNull(back);
        MlpModel copy = (MlpModel) back;
        assertEquals(model.groups(), copy.groups());
        TestData.Rows r = MlpGradientCheckTest.rows(MlpModel.Head.SOFTMAX, 3, 4, 70, 3, 0.2);
        Block b = TestData.block(r, false);
        double[] params = model.initialParameters(5);
        assertIdentical(run(model, b, null, 70, params), run(copy, b, null, 70, params), "copy");
    }
}
