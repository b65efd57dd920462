package dev.steepest.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.TestData;
import dev.steepest.core.data.Block;
import dev.steepest.core.train.LocalGradientSource;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The dense and the CSR kernel agree on the same rows, and accumulators merge: partial sums of the halves equal
 * the sums of the whole.
 */
class KernelConsistencyTest {
    private static final double REL = 1e-12;

    private static LinearModel[] models(int d) {
        return new LinearModel[] {
            LinearModel.linearRegression(d, true), LinearModel.linearRegression(d, false),
            LinearModel.logisticRegression(d, true), LinearModel.logisticRegression(d, false),
        };
    }

    private static double[] randomParams(int p, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] params = new double[p];
        for (int i = 0; i < p; i++) params[i] = 0.7 * ParameterInit.gaussian(rng);
        return params;
    }

    private static Accumulator run(Model model, Block block, int[] rows, int count, double[] params) {
        Accumulator acc = new Accumulator(model.numParameters());
        model.accumulate(block, rows, count, params, acc);
        return acc;
    }

    private static void assertRel(double expected, double actual, String what) {
        assertTrue(Math.abs(expected - actual) <= REL * Math.max(Math.abs(expected), Math.abs(actual)),
                what + ": " + expected + " vs " + actual);
    }

    /** Same count, loss sum, weight sum and gradient, each to 1e-12 relative. */
    private static void assertSameSums(Accumulator a, Accumulator b, String what) {
        assertEquals(a.count(), b.count(), what + ": count");
        assertRel(a.lossSum(), b.lossSum(), what + ": loss sum");
        assertRel(a.weightSum(), b.weightSum(), what + ": weight sum");
        assertEquals(a.gradientSum().length, b.gradientSum().length);
        for (int i = 0; i < a.gradientSum().length; i++) {
            assertRel(a.gradientSum()[i], b.gradientSum()[i], what + ": gradient[" + i + "]");
        }
    }

    @Test
    void denseAndSparseBlocksOfTheSameRowsGiveTheSameSums() {
        int n = 230;
        int d = 9;
        for (boolean unitWeights : new boolean[] {true, false}) {
            for (double zeros : new double[] {0.0, 0.5, 0.95}) { // 0.95: many all-zero rows
                TestData.Rows r = TestData.random(5, n, d, zeros, true, unitWeights);
                Block dense = TestData.block(r, false);
                Block[] others = {TestData.block(r, true), TestData.blockFromPairs(r, true),
                    TestData.blockFromPairs(r, false)};
                assertTrue(!dense.isSparse() && others[0].isSparse() && others[1].isSparse());
                assertEquals(unitWeights, dense.hasUnitWeights());
                int[] subset = new int[90];
                SplittableRandom rng = new SplittableRandom(8);
                for (int i = 0; i < subset.length; i++) subset[i] = rng.nextInt(n);
                for (LinearModel model : models(d)) {
                    double[] params = randomParams(model.numParameters(), 4);
                    for (Block other : others) {
                        String what = model.type() + " intercept=" + model.fitIntercept() + " zeros=" + zeros
                                + " unitWeights=" + unitWeights + " sparse=" + other.isSparse();
                        assertSameSums(run(model, dense, null, n, params), run(model, other, null, n, params),
                                what + " all rows");
                        assertSameSums(run(model, dense, subset, 77, params), run(model, other, subset, 77, params),
                                what + " subset");
                    }
                }
            }
        }
    }

    @Test
    void handBuiltCsrMatchesHandBuiltDense() {
        // 4 rows x 5 features; row 2 is all zeros; weights non-unit
        double[] denseValues = {
            1.5, 0, 0, -2, 0,
            0, 0, 3, 0, 0.25,
            0, 0, 0, 0, 0,
            -1, 2, 0, 0, 4,
        };
        int[] rowPtr = {0, 2, 4, 4, 7};
        int[] colIdx = {0, 3, 2, 4, 0, 1, 4};
        double[] csrValues = {1.5, -2, 3, 0.25, -1, 2, 4};
        double[] labels = {1, 0, 1, 0};
        double[] weights = {0.5, 2, 1, 3};
        Block dense = Block.dense(5, denseValues, labels, weights);
        Block sparse = Block.sparse(5, rowPtr, colIdx, csrValues, labels, weights);
        for (int row = 0; row < 4; row++) {
            for (int j = 0; j < 5; j++) assertEquals(dense.feature(row, j), sparse.feature(row, j));
        }
        for (LinearModel model : models(5)) {
            double[] params = randomParams(model.numParameters(), 2);
            Accumulator a = run(model, dense, null, 4, params);
            Accumulator b = run(model, sparse, null, 4, params);
            assertSameSums(a, b, model.type());
            // and the hand-computed values
            double loss = 0;
            double[] grad = new double[model.numParameters()];
            for (int row = 0; row < 4; row++) {
                double m = model.fitIntercept() ? params[5] : 0.0;
                for (int j = 0; j < 5; j++) m += denseValues[row * 5 + j] * params[j];
                assertRel(m, model.margin(sparse, row, params), "margin");
                loss += weights[row] * model.loss().value(m, labels[row]);
                double g = weights[row] * model.loss().derivative(m, labels[row]);
                for (int j = 0; j < 5; j++) grad[j] += g * denseValues[row * 5 + j];
                if (model.fitIntercept()) grad[5] += g;
            }
            assertRel(loss, b.lossSum(), "loss");
            assertRel(6.5, b.weightSum(), "weight");
            for (int i = 0; i < grad.length; i++) assertRel(grad[i], b.gradientSum()[i], "gradient " + i);
        }
    }

    /**
     * Merge of two halves equals the whole. The sums are taken in a different order, so they agree up to
     * rounding: to 1e-12 of the sum of the absolute values of the terms (the condition of the sum).
     */
    @Test
    void mergeOfTwoHalvesEqualsTheWhole() {
        int n = 301;
        int d = 7;
        TestData.Rows r = TestData.random(21, n, d, 0.3, false, false);
        for (boolean sparse : new boolean[] {false, true}) {
            Block block = TestData.block(r, sparse);
            for (LinearModel m : new LinearModel[] {LinearModel.linearRegression(d, true),
                LinearModel.logisticRegression(d, true)}) {
                Block b = m.isClassifier() ? block.withLabels(binarize(r.y)) : block;
                double[] params = randomParams(m.numParameters(), 9);
                Accumulator whole = run(m, b, null, n, params);
                for (int split : new int[] {0, 1, 150, 300, 301}) {
                    int[] first = range(0, split);
                    int[] second = range(split, n);
                    Accumulator a = run(m, b, first, first.length, params);
                    Accumulator c = run(m, b, second, second.length, params);
                    Accumulator merged = a.merge(c);
                    assertSame(a, merged, "merge returns this");
                    String what = m.type() + " sparse=" + sparse + " split=" + split;
                    assertEquals(n, merged.count(), what);
                    double[] scale = termScales(m, b, params);
                    double lossScale = scale[0];
                    double weightScale = scale[1];
                    assertEquals(whole.lossSum(), merged.lossSum(), REL * lossScale, what + ": loss");
                    assertEquals(whole.weightSum(), merged.weightSum(), REL * weightScale, what + ": weight");
                    for (int i = 0; i < m.numParameters(); i++) {
                        assertEquals(whole.gradientSum()[i], merged.gradientSum()[i], REL * scale[2 + i],
                                what + ": gradient " + i);
                    }
                    assertEquals(whole.meanLoss(), merged.meanLoss(), 1e-12 * Math.abs(whole.meanLoss()) + 1e-15);
                }
            }
        }
    }

    @Test
    void localSourceOverBlocksMergesInOrderToTheWholeBlockSums() {
        int n = 400;
        int d = 5;
        TestData.Rows r = TestData.random(33, n, d, 0.4, false, false);
        LinearModel model = LinearModel.linearRegression(d, true);
        double[] params = randomParams(model.numParameters(), 1);
        Accumulator whole = run(model, TestData.block(r, true), null, n, params);
        int[] sizes = {123, 0, 200, 77};
        Accumulator[] parts = new Accumulator[sizes.length];
        List<Block> blocks = TestData.blocks(r, sizes, false);
        for (int p = 0; p < sizes.length; p++) parts[p] = run(model, blocks.get(p), null, sizes[p], params);
        Accumulator expected = new Accumulator(model.numParameters());
        for (Accumulator a : parts) expected.merge(a);
        Accumulator local = new LocalGradientSource(blocks, model).computeAll(params);
        // the same merge order gives the same bits
        assertEquals(expected.lossSum(), local.lossSum(), 0.0);
        assertEquals(expected.weightSum(), local.weightSum(), 0.0);
        for (int i = 0; i < params.length; i++) assertEquals(expected.gradientSum()[i], local.gradientSum()[i], 0.0);
        assertEquals(n, local.count());
        // and the whole, to rounding (another summation order)
        double[] scale = termScales(model, TestData.block(r, false), params);
        assertEquals(whole.lossSum(), local.lossSum(), REL * scale[0]);
        assertEquals(whole.weightSum(), local.weightSum(), REL * scale[1]);
        for (int i = 0; i < params.length; i++) {
            assertEquals(whole.gradientSum()[i], local.gradientSum()[i], REL * scale[2 + i]);
        }
    }

    @Test
    void accumulatorBasics() {
        Accumulator a = new Accumulator(2);
        a.addRow(3.0, 2.0);
        a.addRow(1.0, 0.5);
        a.gradientSum()[0] = 5.0;
        a.gradientSum()[1] = -2.5;
        assertEquals(2, a.count());
        assertEquals(4.0, a.lossSum());
        assertEquals(2.5, a.weightSum());
        assertEquals(1.6, a.meanLoss(), 1e-15);
        double[] g = a.meanGradient();
        assertEquals(2.0, g[0], 1e-15);
        assertEquals(-1.0, g[1], 1e-15);
        g[0] = 99; // a copy
        assertEquals(5.0, a.gradientSum()[0]);
        assertThrows(IllegalArgumentException.class, () -> a.merge(new Accumulator(3)));
    }

    /** Sums of the absolute values of the terms: {loss, weight, gradient...}; bounds the rounding of any order. */
    private static double[] termScales(LinearModel m, Block b, double[] params) {
        int d = m.numFeatures();
        double[] scale = new double[2 + m.numParameters()];
        for (int row = 0; row < b.numRows(); row++) {
            double mar = m.margin(b, row, params);
            double w = b.weight(row);
            scale[0] += Math.abs(w * m.loss().value(mar, b.label(row)));
            scale[1] += Math.abs(w);
            double g = Math.abs(w * m.loss().derivative(mar, b.label(row)));
            for (int j = 0; j < d; j++) scale[2 + j] += g * Math.abs(b.feature(row, j));
            if (m.fitIntercept()) scale[2 + d] += g;
        }
        return scale;
    }

    private static int[] range(int from, int to) {
        int[] out = new int[to - from];
        for (int i = from; i < to; i++) out[i - from] = i;
        return out;
    }

    private static double[] binarize(double[] y) {
        double[] out = new double[y.length];
        for (int i = 0; i < y.length; i++) out[i] = y[i] > 0.5 ? 1.0 : 0.0;
        return out;
    }
}
