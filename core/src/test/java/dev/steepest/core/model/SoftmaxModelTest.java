package dev.steepest.core.model;

import static dev.steepest.core.model.GradientCheck.sums;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.TestData;
import dev.steepest.core.data.Block;
import dev.steepest.core.optim.LrScaling;
import dev.steepest.core.optim.Optimizers;
import dev.steepest.core.train.LocalGradientSource;
import dev.steepest.core.train.StepRecord;
import dev.steepest.core.train.TrainingListener;
import dev.steepest.core.train.TrainingLoop;
import dev.steepest.core.train.TrainingResult;
import dev.steepest.core.train.TrainingSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link SoftmaxModel}: finite-difference gradient checks, numerics at huge scores, the block kernel against a
 * naive row-by-row reference, the K = 2 reduction to logistic regression, training to a separating solution and
 * evaluation.
 */
class SoftmaxModelTest {
    /** Allowed |finite difference - gradient| relative to max(|gradient|, 1e-2). */
    private static final double REL = 1e-12;

    private enum Storage { DENSE, SPARSE, SPARSE_FROM_PAIRS, DENSE_FROM_PAIRS }

    private static Block build(TestData.Rows r, Storage s) {
        return switch (s) {
            case DENSE -> TestData.block(r, false);
            case SPARSE -> TestData.block(r, true);
            case SPARSE_FROM_PAIRS -> TestData.blockFromPairs(r, true);
            case DENSE_FROM_PAIRS -> TestData.blockFromPairs(r, false);
        };
    }

    /** TestData's random design with uniform class labels in {0 .. k-1} (every class present for n >= 4k). */
    private static TestData.Rows classRows(long seed, int n, int d, int k, double zeros, boolean unitWeights) {
        TestData.Rows r = TestData.random(seed, n, d, zeros, false, unitWeights);
        SplittableRandom rng = new SplittableRandom(seed * 31 + k);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) y[i] = i < k ? i : rng.nextInt(k);
        return new TestData.Rows(d, r.x, y, r.w);
    }

    private static double[] randomParams(int p, double scale, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] params = new double[p];
        for (int i = 0; i < p; i++) params[i] = scale * ParameterInit.gaussian(rng);
        return params;
    }

    private static void assertRel(double expected, double actual, double rel, String what) {
        assertTrue(Math.abs(expected - actual) <= rel * Math.max(Math.abs(expected), Math.abs(actual)),
                what + ": " + expected + " vs " + actual);
    }

    // ---------------------------------------------------------------------------------------------------------
    // The naive reference: one row at a time, straight from the row arrays, Math.exp and loops.

    /** {lossSum, weightSum, count, gradient...} of rows {@code rows[0..count)} (or 0..count-1 when null). */
    static double[] reference(int k, boolean intercept, TestData.Rows r, int[] rows, int count,
                                      double[] params) {
        int d = r.d();
        int p = k * d + (intercept ? k : 0);
        double[] out = new double[3 + p];
        for (int i = 0; i < count; i++) {
            int row = rows == null ? i : rows[i];
            double[] x = r.x[row];
            int y = (int) r.y[row];
            double w = r.w[row];
            double[] m = new double[k];
            for (int c = 0; c < k; c++) {
                double s = intercept ? params[k * d + c] : 0.0;
                for (int j = 0; j < d; j++) s += params[c * d + j] * x[j];
                m[c] = s;
            }
            double max = m[0];
            for (int c = 1; c < k; c++) max = Math.max(max, m[c]);
            double sum = 0.0;
            for (int c = 0; c < k; c++) sum += Math.exp(m[c] - max);
            double logSumExp = max + Math.log(sum);
            out[0] += w * (logSumExp - m[y]);
            out[1] += w;
            out[2] += 1;
            for (int c = 0; c < k; c++) {
                double g = w * (Math.exp(m[c] - max) / sum - (c == y ? 1.0 : 0.0));
                for (int j = 0; j < d; j++) out[3 + c * d + j] += g * x[j];
                if (intercept) out[3 + k * d + c] += g;
            }
        }
        return out;
    }

    private static void assertMatchesReference(double[] ref, Accumulator acc, String what) {
        assertEquals((long) ref[2], acc.count(), what + ": count");
        assertRel(ref[0], acc.lossSum(), REL, what + ": loss sum");
        assertRel(ref[1], acc.weightSum(), REL, what + ": weight sum");
        assertEquals(ref.length - 3, acc.gradientSum().length, what + ": gradient length");
        for (int i = 0; i < acc.gradientSum().length; i++) {
            assertRel(ref[3 + i], acc.gradientSum()[i], REL, what + ": gradient[" + i + "]");
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Layout and argument checks

    @Test
    void layoutGroupsAndArgumentChecks() {
        SoftmaxModel with = new SoftmaxModel(4, 3, true);
        assertEquals("softmax", with.type());
        assertEquals(4, with.numFeatures());
        assertEquals(3, with.numOutputs());
        assertEquals(15, with.numParameters());
        assertTrue(with.isClassifier());
        assertEquals(List.of(new ParameterGroup("coefficients", 0, 12, true),
                new ParameterGroup("intercepts", 12, 3, false)), with.groups());
        SoftmaxModel without = new SoftmaxModel(4, 5, false);
        assertEquals(20, without.numParameters());
        assertEquals(List.of(new ParameterGroup("coefficients", 0, 20, true)), without.groups());

        assertThrows(IllegalArgumentException.class, () -> new SoftmaxModel(3, 1, true));
        assertThrows(IllegalArgumentException.class, () -> new SoftmaxModel(3, 0, false));

        // labels must be class indices in [0, K)
        SoftmaxModel model = new SoftmaxModel(1, 3, true);
        double[] params = new double[model.numParameters()];
        for (double bad : new double[] {3.0, -1.0, 1.5, Double.NaN}) {
            Block b = Block.dense(1, new double[] {1.0}, new double[] {bad}, null);
            assertThrows(IllegalArgumentException.class, () -> sums(model, b, null, 1, params), "label " + bad);
            assertThrows(IllegalArgumentException.class, () -> model.evaluate(b, params, new Evaluation()),
                    "label " + bad);
        }
    }

    /** The scores method follows the documented row-major layout {@code [w_0, w_1, ..., b_0 .. b_{K-1}]}. */
    @Test
    void scoresFollowTheDocumentedLayout() {
        int d = 3;
        int k = 4;
        double[] x = {0.5, 0.0, -2.0};
        Block dense = Block.dense(d, x.clone(), new double[] {0}, null);
        Block sparse = Block.sparse(d, new int[] {0, 2}, new int[] {0, 2}, new double[] {0.5, -2.0},
                new double[] {0}, null);
        for (boolean intercept : new boolean[] {true, false}) {
            SoftmaxModel model = new SoftmaxModel(d, k, intercept);
            double[] params = randomParams(model.numParameters(), 1.0, 17);
            for (Block b : new Block[] {dense, sparse}) {
                double[] s = new double[k];
                model.scores(b, 0, params, s);
                for (int c = 0; c < k; c++) {
                    double expected = (intercept ? params[k * d + c] : 0.0)
                            + params[c * d] * 0.5 + params[c * d + 2] * -2.0;
                    assertEquals(expected, s[c], 1e-14, "class " + c + " sparse=" + b.isSparse());
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // 1. Finite differences of the mean loss

    private static void gradientCheck(SoftmaxModel model, TestData.Rows r, Storage storage, int[] rows, int count,
                                      long seed) {
        String what = "K=" + model.numOutputs() + " intercept=" + (model.groups().size() == 2) + " " + storage
                + " rows=" + (rows == null ? "null/" + count : count + "/" + rows.length);
        Block block = build(r, storage);
        assertEquals(storage == Storage.SPARSE || storage == Storage.SPARSE_FROM_PAIRS, block.isSparse());
        assertFalse(block.hasUnitWeights(), "weights are not all 1");
        double[] params = randomParams(model.numParameters(), 0.5, seed);
        int k = model.numOutputs();
        boolean intercept = model.groups().size() == 2;

        Accumulator acc = sums(model, block, rows, count, params);
        double[] ref = reference(k, intercept, r, rows, count, params);
        assertEquals(count, acc.count(), what);
        assertRel(ref[1], acc.weightSum(), REL, what + ": weight sum");
        assertRel(ref[0] / ref[1], acc.meanLoss(), REL, what + ": mean loss");

        double[] g = acc.meanGradient();
        double gmax = 0.0;
        for (double v : g) gmax = Math.max(gmax, Math.abs(v));
        assertTrue(gmax > 1e-3, what + ": gradient too small to check meaningfully: " + gmax);
        GradientCheck.assertGradientMatches(model, block, rows, count, params, g, 0.0, what);
    }

    @ParameterizedTest(name = "K={0} intercept={1}")
    @CsvSource({"2,true", "2,false", "3,true", "3,false", "5,true", "5,false"})
    void finiteDifferencesMatchTheGradient(int k, boolean intercept) {
        int n = 157;
        int d = 6;
        TestData.Rows r = classRows(40 + k, n, d, k, 0.45, false);
        SoftmaxModel model = new SoftmaxModel(d, k, intercept);
        assertEquals(k * d + (intercept ? k : 0), model.numParameters());
        // a shuffled subset with repeated rows; only the first `count` entries are used
        SplittableRandom rng = new SplittableRandom(3);
        int[] subset = new int[70];
        for (int i = 0; i < subset.length; i++) subset[i] = rng.nextInt(n);
        subset[5] = subset[6];
        subset[20] = subset[6];
        long seed = 100L * k + (intercept ? 1 : 0);
        for (Storage s : Storage.values()) {
            gradientCheck(model, r, s, null, n, seed++);
            gradientCheck(model, r, s, null, 40, seed++); // rows == null: the first 40 in storage order
            gradientCheck(model, r, s, subset, 60, seed++);
        }
    }

    /** A repeated row counts as often as it appears: rows {a, a} give twice the sums of {a}. */
    @Test
    void repeatedRowsCountTwice() {
        TestData.Rows r = classRows(9, 30, 4, 3, 0.3, false);
        SoftmaxModel model = new SoftmaxModel(4, 3, true);
        double[] params = randomParams(model.numParameters(), 0.8, 2);
        for (Storage s : Storage.values()) {
            Block b = build(r, s);
            Accumulator once = sums(model, b, new int[] {17}, 1, params);
            Accumulator twice = sums(model, b, new int[] {17, 17, 3}, 2, params);
            assertEquals(2, twice.count());
            assertEquals(2 * once.lossSum(), twice.lossSum(), 0.0);
            assertEquals(2 * once.weightSum(), twice.weightSum(), 0.0);
            for (int i = 0; i < params.length; i++) {
                assertEquals(2 * once.gradientSum()[i], twice.gradientSum()[i], 0.0, s + " gradient " + i);
            }
            assertEquals(once.meanLoss(), twice.meanLoss(), 0.0);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // 2. Numerical stability at huge scores

    /** One row, one feature x = 1, no intercept: the scores are the parameters. */
    private static Accumulator atScores(double[] scores, int label, double weight) {
        SoftmaxModel model = new SoftmaxModel(1, scores.length, false);
        Block b = Block.dense(1, new double[] {1.0}, new double[] {label}, weight == 1.0 ? null : new double[] {weight});
        return sums(model, b, null, 1, scores.clone());
    }

    @Test
    void hugeScoresGiveFiniteExactLossAndGradient() {
        // one score dominates: p = e_0 in double, loss = max - m_y exactly
        double[] s = {1000, -1000, 0};
        double[][] expectedGrad = {{0, 0, 0}, {1, -1, 0}, {1, 0, -1}};
        double[] expectedLoss = {0.0, 2000.0, 1000.0};
        for (int y = 0; y < 3; y++) {
            Accumulator a = atScores(s, y, 1.0);
            assertTrue(Double.isFinite(a.lossSum()), "finite loss");
            assertEquals(expectedLoss[y], a.lossSum(), 0.0, "loss for y=" + y);
            assertArrayEquals(expectedGrad[y], a.gradientSum(), 0.0, "gradient for y=" + y);
        }
        // all scores hugely negative: still the true log-sum-exp, no 0/0
        Accumulator neg = atScores(new double[] {-1000, -1000, -1003}, 2, 1.0);
        double z = 2 + Math.exp(-3);
        assertEquals(3 + Math.log(z), neg.lossSum(), 1e-12);
        assertArrayEquals(new double[] {1 / z, 1 / z, Math.exp(-3) / z - 1}, neg.gradientSum(), 1e-15);
        // two tied huge scores: log 2 and p = (1/2, 1/2, 0)
        Accumulator tie = atScores(new double[] {1000, 1000, -1000}, 0, 2.5);
        assertEquals(2.5 * Math.log(2), tie.lossSum(), 1e-12);
        assertArrayEquals(new double[] {-1.25, 1.25, 0.0}, tie.gradientSum(), 1e-15);
        // all equal and huge: log K, p = 1/K
        Accumulator flat = atScores(new double[] {1000, 1000, 1000, 1000}, 3, 1.0);
        assertEquals(Math.log(4), flat.lossSum(), 1e-12);
        assertArrayEquals(new double[] {0.25, 0.25, 0.25, -0.75}, flat.gradientSum(), 1e-15);
        // the same through weights, intercepts and several features (scores ~ +-1000 from a sum)
        SoftmaxModel model = new SoftmaxModel(2, 3, true);
        double[] params = {400, 100, -300, -200, 0, 0, 200, -500, 0}; // w_0, w_1, w_2, b
        Block b = Block.dense(2, new double[] {2, 2}, new double[] {1}, new double[] {0.5});
        Accumulator a = sums(model, b, null, 1, params); // scores 1200, -1500, 0
        assertEquals(0.5 * 2700, a.lossSum(), 0.0);
        assertArrayEquals(new double[] {1, 1, -1, -1, 0, 0, 0.5, -0.5, 0}, a.gradientSum(), 0.0);
        Evaluation eval = new Evaluation();
        model.evaluate(b, params, eval);
        assertEquals(2700, eval.meanLoss(), 0.0);
        assertEquals(0.0, eval.accuracy(), 0.0);
    }

    /**
     * Relative accuracy of a confidently right row, as {@link LogisticLoss} keeps it (K = 2 should agree with it):
     * the loss {@code log(1 + e^-40)} and {@code dl/dm_y = -e^-40 / (1 + e^-40)} are tiny but not zero. The kernel
     * computes the loss as {@code (max + log(sum)) - m_y}, so it cancels to exactly 0 here (and loses
     * {@code ulp(max)} in general: with four equal scores of 1e300 the loss log 4 comes out as 0), and the
     * correct class's derivative as {@code p_y - 1}, which cancels to 0 too. {@code (max - m_y) + log(sum)}
     * (log1p of the other terms when y is the argmax) and {@code -(sum of the other p_k)} would keep the digits.
     */
    @Test
    void confidentRowsKeepRelativeAccuracyLikeLogisticLoss() {
        LogisticLoss logistic = new LogisticLoss();
        for (double m : new double[] {20, 40, 100}) {
            Accumulator a = atScores(new double[] {0, m}, 1, 1.0);
            double value = logistic.value(m, 1.0);
            double derivative = logistic.derivative(m, 1.0);
            assertTrue(value > 0 && derivative < 0);
            assertEquals(value, a.lossSum(), 4 * Math.ulp(value), "loss at m=" + m);
            assertEquals(derivative, a.gradientSum()[1], 4 * Math.ulp(derivative), "dl/dm_1 at m=" + m);
            assertEquals(-derivative, a.gradientSum()[0], 4 * Math.ulp(derivative), "dl/dm_0 at m=" + m);
        }
        Accumulator flat = atScores(new double[] {1e300, 1e300, 1e300, 1e300}, 3, 1.0);
        assertEquals(Math.log(4), flat.lossSum(), 1e-15);
        assertArrayEquals(new double[] {0.25, 0.25, 0.25, -0.75}, flat.gradientSum(), 1e-15);
    }

    @Test
    void residualsAreProbabilitiesMinusTheLabelAndTheLossIsLogSumExpMinusTheTrueScore() {
        SplittableRandom rng = new SplittableRandom(5);
        for (int trial = 0; trial < 200; trial++) {
            int k = 2 + rng.nextInt(6);
            double scale = new double[] {1e-3, 1, 30, 1000, 1e6}[trial % 5];
            double[] s = new double[k];
            for (int c = 0; c < k; c++) s[c] = scale * ParameterInit.gaussian(rng);
            int y = rng.nextInt(k);
            double[] r = s.clone();
            double loss = SoftmaxModel.lossAndResiduals(r, y);
            double max = Double.NEGATIVE_INFINITY;
            for (double v : s) max = Math.max(max, v);
            double lse = loss + s[y];
            assertTrue(Double.isFinite(loss) && loss >= 0.0, "loss " + loss);
            // max <= lse <= max + log K, up to the rounding of lse = loss + s_y
            double slack = 1e-12 * Math.max(1.0, Math.abs(max));
            assertTrue(lse >= max - slack, "lse >= max");
            assertTrue(lse <= max + Math.log(k) + slack, "lse <= max + log K");
            double sum = 0.0;
            for (int c = 0; c < k; c++) {
                double p = r[c] + (c == y ? 1.0 : 0.0);
                assertTrue(p >= 0.0 && p <= 1.0, "probability " + p);
                sum += p;
                // p_c = exp(s_c - lse)
                assertEquals(Math.exp(s[c] - lse), p, 1e-12 * Math.max(1.0, Math.abs(lse)));
            }
            assertEquals(1.0, sum, 1e-14, "scale " + scale);
        }
        double[] huge = {1000, -1000};
        assertEquals(0.0, SoftmaxModel.lossAndResiduals(huge, 0), 0.0);
        assertArrayEquals(new double[] {-0.0, 0.0}, huge, 0.0);
    }

    // ---------------------------------------------------------------------------------------------------------
    // 3. Block kernel = row-by-row reference; dense = sparse

    @ParameterizedTest(name = "K={0} intercept={1}")
    @CsvSource({"2,true", "3,false", "5,true"})
    void blockKernelEqualsRowByRowReference(int k, boolean intercept) {
        int d = 8;
        SoftmaxModel model = new SoftmaxModel(d, k, intercept);
        for (int n : new int[] {1, 7, 64, 257}) {
            for (double zeros : new double[] {0.0, 0.5, 0.95}) {
                TestData.Rows r = classRows(1000 + n, n, d, k, zeros, zeros != 0.5);
                double[] params = randomParams(model.numParameters(), 0.7, n + k);
                SplittableRandom rng = new SplittableRandom(n);
                int[] subset = new int[n + 5];
                for (int i = 0; i < subset.length; i++) subset[i] = rng.nextInt(n);
                for (Storage s : Storage.values()) {
                    Block b = build(r, s);
                    String what = "K=" + k + " n=" + n + " zeros=" + zeros + " " + s;
                    assertMatchesReference(reference(k, intercept, r, null, n, params),
                            sums(model, b, null, n, params), what + " all rows");
                    assertMatchesReference(reference(k, intercept, r, subset, subset.length, params),
                            sums(model, b, subset, subset.length, params), what + " subset");
                }
            }
        }
    }

    @Test
    void denseAndSparseBlocksOfTheSameRowsAgree() {
        int d = 9;
        for (int k : new int[] {2, 3, 5}) {
            for (int n : new int[] {1, 7, 64, 257}) {
                for (double zeros : new double[] {0.0, 0.5, 0.95}) {
                    TestData.Rows r = classRows(7 * n + k, n, d, k, zeros, false);
                    for (boolean intercept : new boolean[] {true, false}) {
                        SoftmaxModel model = new SoftmaxModel(d, k, intercept);
                        double[] params = randomParams(model.numParameters(), 0.7, 4);
                        Block dense = TestData.block(r, false);
                        Accumulator a = sums(model, dense, null, n, params);
                        Evaluation ea = new Evaluation();
                        model.evaluate(dense, params, ea);
                        for (Storage s : new Storage[] {Storage.SPARSE, Storage.SPARSE_FROM_PAIRS,
                            Storage.DENSE_FROM_PAIRS}) {
                            Block other = build(r, s);
                            String what = "K=" + k + " n=" + n + " zeros=" + zeros + " intercept=" + intercept
                                    + " " + s;
                            Accumulator b = sums(model, other, null, n, params);
                            assertEquals(a.count(), b.count(), what);
                            assertRel(a.lossSum(), b.lossSum(), REL, what + ": loss");
                            assertRel(a.weightSum(), b.weightSum(), REL, what + ": weight");
                            for (int i = 0; i < params.length; i++) {
                                assertRel(a.gradientSum()[i], b.gradientSum()[i], REL, what + ": gradient " + i);
                            }
                            Evaluation eb = new Evaluation();
                            model.evaluate(other, params, eb);
                            assertEquals(ea.count(), eb.count(), what);
                            assertRel(ea.meanLoss(), eb.meanLoss(), REL, what + ": eval loss");
                            assertEquals(ea.accuracy(), eb.accuracy(), 0.0, what + ": accuracy");
                        }
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // 4. K = 2 is logistic regression on w_1 - w_0

    @Test
    void twoClassSoftmaxIsLogisticRegressionOnTheDifference() {
        int d = 5;
        for (boolean intercept : new boolean[] {true, false}) {
            for (boolean sparse : new boolean[] {false, true}) {
                TestData.Rows r = TestData.random(intercept ? 61 : 62, 143, d, 0.4, true, false);
                Block b = TestData.block(r, sparse);
                SoftmaxModel soft = new SoftmaxModel(d, 2, intercept);
                LinearModel logistic = LinearModel.logisticRegression(d, intercept);
                for (long seed = 1; seed <= 5; seed++) {
                    double[] ps = randomParams(soft.numParameters(), 0.3 * seed, seed);
                    double[] pl = new double[logistic.numParameters()];
                    for (int j = 0; j < d; j++) pl[j] = ps[d + j] - ps[j];
                    if (intercept) pl[d] = ps[2 * d + 1] - ps[2 * d];
                    String what = "intercept=" + intercept + " sparse=" + sparse + " seed=" + seed;
                    Accumulator as = sums(soft, b, null, r.n(), ps);
                    Accumulator al = sums(logistic, b, null, r.n(), pl);
                    assertEquals(al.count(), as.count());
                    assertRel(al.weightSum(), as.weightSum(), REL, what + ": weight");
                    assertRel(al.lossSum(), as.lossSum(), REL, what + ": loss");
                    double[] gs = as.gradientSum();
                    double[] gl = al.gradientSum();
                    // |dl/dm| <= 1, so sum_i w_i |x_ij| bounds the terms of gradient component j: a component
                    // that nearly cancels is held to 1e-12 of that scale (the condition of the sum)
                    double[] scale = new double[d + 1];
                    for (int i = 0; i < r.n(); i++) {
                        for (int j = 0; j < d; j++) scale[j] += r.w[i] * Math.abs(r.x[i][j]);
                        scale[d] += r.w[i];
                    }
                    for (int j = 0; j < d; j++) {
                        assertClose(gl[j], gs[d + j], scale[j], what + ": g_w1[" + j + "] = g_logistic");
                        assertClose(gl[j], -gs[j], scale[j], what + ": g_w0[" + j + "] = -g_logistic");
                    }
                    if (intercept) {
                        assertClose(gl[d], gs[2 * d + 1], scale[d], what + ": g_b1 = g_logistic");
                        assertClose(gl[d], -gs[2 * d], scale[d], what + ": g_b0 = -g_logistic");
                    }
                    // and evaluation: same log-loss and the same predictions
                    Evaluation es = new Evaluation();
                    Evaluation el = new Evaluation();
                    soft.evaluate(b, ps, es);
                    logistic.evaluate(b, pl, el);
                    assertRel(el.meanLoss(), es.meanLoss(), REL, what + ": eval loss");
                    assertEquals(el.accuracy(), es.accuracy(), 0.0, what + ": accuracy");
                }
            }
        }
    }

    /** |expected - actual| <= 1e-12 relative, or 1e-12 of the sum of the absolute values of the terms. */
    private static void assertClose(double expected, double actual, double termScale, String what) {
        double err = Math.abs(expected - actual);
        assertTrue(err <= REL * Math.max(Math.abs(expected), Math.abs(actual)) || err <= REL * termScale,
                what + ": " + expected + " vs " + actual + " (term scale " + termScale + ")");
    }

    /** Row by row, too: loss and dl/dm_1 of the softmax equal the logistic loss and derivative at m_1 - m_0. */
    @Test
    void twoClassRowLossEqualsLogisticLossAtTheScoreDifference() {
        LogisticLoss logistic = new LogisticLoss();
        for (double m0 : new double[] {-3, 0, 0.7, 12}) {
            for (double m1 : new double[] {-5, -0.2, 0, 1.3, 8}) {
                for (int y = 0; y < 2; y++) {
                    Accumulator a = atScores(new double[] {m0, m1}, y, 1.0);
                    double m = m1 - m0;
                    String at = "m0=" + m0 + " m1=" + m1 + " y=" + y;
                    assertEquals(logistic.value(m, y), a.lossSum(), 1e-12 * Math.max(1, logistic.value(m, y)), at);
                    assertEquals(logistic.derivative(m, y), a.gradientSum()[1], 1e-12, at);
                    assertEquals(-logistic.derivative(m, y), a.gradientSum()[0], 1e-12, at);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // 5. Training on separable blobs

    /** Three well-separated Gaussian blobs in 2-D: centres on a circle of radius 2, sd 0.3, 30 rows each. */
    private static TestData.Rows blobs(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 90;
        double[][] x = new double[n][2];
        double[] y = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            double angle = Math.PI / 2 + c * 2 * Math.PI / 3;
            x[i][0] = 2 * Math.cos(angle) + 0.3 * ParameterInit.gaussian(rng);
            x[i][1] = 2 * Math.sin(angle) + 0.3 * ParameterInit.gaussian(rng);
            y[i] = c;
            w[i] = 1.0;
        }
        return new TestData.Rows(2, x, y, w);
    }

    /** 0.5 * the largest eigenvalue of the weighted second moment of (x, 1): bounds the softmax loss Hessian. */
    private static double smoothness(TestData.Rows r, boolean intercept, double curvature) {
        int q = r.d() + (intercept ? 1 : 0);
        double[][] m = new double[q][q];
        double weight = 0.0;
        for (int i = 0; i < r.n(); i++) {
            double[] xt = new double[q];
            System.arraycopy(r.x[i], 0, xt, 0, r.d());
            if (intercept) xt[r.d()] = 1.0;
            for (int a = 0; a < q; a++) for (int b = 0; b < q; b++) m[a][b] += r.w[i] * xt[a] * xt[b];
            weight += r.w[i];
        }
        for (double[] row : m) for (int b = 0; b < q; b++) row[b] /= weight;
        double[] ev = TestData.symmetricEigenvalues(m);
        return curvature * ev[q - 1];
    }

    @Test
    void fullBatchGradientDescentSeparatesBlobsWithMonotoneLoss() {
        TestData.Rows r = blobs(77);
        SoftmaxModel model = new SoftmaxModel(2, 3, true);
        // two partitions, one dense and one sparse: the local source merges them
        List<Block> blocks = List.of(TestData.block(r.slice(0, 50), false), TestData.block(r.slice(50, 90), true));
        // the softmax Hessian in the scores has norm <= 1/2 (Gershgorin: 2 p_k (1 - p_k)), so L <= lambda_max / 2
        double lr = 1.0 / smoothness(r, true, 0.5);
        assertTrue(lr > 0.1 && lr < 10, "lr " + lr);
        List<Double> losses = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override public void onStep(StepRecord s) { losses.add(s.loss()); }
        };
        TrainingSettings settings = new TrainingSettings(TrainingSettings.FULL_BATCH, 300, 0, 1, lr, LrScaling.NONE,
                1, 0.0, 0.0, Double.NaN, Double.NaN, Double.NaN);
        TrainingResult result = new TrainingLoop(new LocalGradientSource(blocks, model), model, settings,
                (schedule, groups) -> Optimizers.sgd(schedule, 0, 0, false, 0, groups), List.of(listener))
                .run(new double[model.numParameters()]);
        assertEquals("epochs", result.stopReason());
        assertEquals(300, result.iterations());
        assertEquals(300, losses.size());
        assertEquals(Math.log(3), losses.get(0), 1e-15, "zero parameters: uniform probabilities");
        for (int i = 1; i < losses.size(); i++) {
            assertTrue(losses.get(i) < losses.get(i - 1), "full-batch GD with lr <= 1/L decreases the loss: step "
                    + i + ": " + losses.get(i - 1) + " -> " + losses.get(i));
        }
        Evaluation eval = new Evaluation();
        for (Block b : blocks) model.evaluate(b, result.params(), eval);
        assertEquals(90, eval.count());
        assertEquals(1.0, eval.accuracy(), 0.0);
        assertTrue(eval.meanLoss() < 0.05, "training log-loss " + eval.meanLoss());
        // the evaluation loss is the kernel's mean loss at the same parameters
        Accumulator all = new LocalGradientSource(blocks, model).computeAll(result.params());
        assertRel(all.meanLoss(), eval.meanLoss(), REL, "evaluation loss = kernel loss");
        assertTrue(all.meanLoss() < losses.get(losses.size() - 1), "one more step past the last recorded loss");
    }

    // ---------------------------------------------------------------------------------------------------------
    // 8. Evaluation

    @Test
    void evaluateCountsArgmaxAccuracyAndMeanLogLossOnAHandMadeBlock() {
        // K = 3, d = 2; W = [[1, 0], [0, 1], [-1, -1]], b = [0, 0.5, 0]
        double[] params = {1, 0, 0, 1, -1, -1, 0, 0.5, 0};
        double[] x = {2, 0, 0, 1, -1, -1};
        double[] labels = {0, 2, 2};
        double[] weights = {1, 2, 0.5};
        // scores: row 0 (2, 0.5, -2) -> 0 right; row 1 (0, 1.5, -1) -> 1 wrong; row 2 (-1, -0.5, 2) -> 2 right
        double[][] scores = {{2, 0.5, -2}, {0, 1.5, -1}, {-1, -0.5, 2}};
        double loss = 0.0;
        for (int i = 0; i < 3; i++) {
            double z = 0.0;
            for (double s : scores[i]) z += Math.exp(s);
            loss += weights[i] * -Math.log(Math.exp(scores[i][(int) labels[i]]) / z);
        }
        double expectedLoss = loss / 3.5;
        Block dense = Block.dense(2, x, labels, weights);
        Block sparse = Block.sparse(2, new int[] {0, 1, 2, 4}, new int[] {0, 1, 0, 1}, new double[] {2, 1, -1, -1},
                labels, weights);
        SoftmaxModel model = new SoftmaxModel(2, 3, true);
        for (Block b : new Block[] {dense, sparse}) {
            double[] s = new double[3];
            for (int i = 0; i < 3; i++) {
                model.scores(b, i, params, s);
                assertArrayEquals(scores[i], s, 1e-15);
            }
            Evaluation eval = new Evaluation();
            model.evaluate(b, params, eval);
            assertEquals(3, eval.count());
            assertEquals(1.5 / 3.5, eval.accuracy(), 1e-15, "weighted accuracy (1 + 0.5) / 3.5");
            assertEquals(expectedLoss, eval.meanLoss(), 1e-14);
            // and the same mean loss as the training kernel
            assertEquals(expectedLoss, sums(model, b, null, 3, params).meanLoss(), 1e-14);
        }
        // merged evaluations of two blocks = the evaluation of the concatenation
        Evaluation e1 = new Evaluation();
        Evaluation e2 = new Evaluation();
        model.evaluate(dense, params, e1);
        model.evaluate(sparse, params, e2);
        e1.merge(e2);
        assertEquals(6, e1.count());
        assertEquals(1.5 / 3.5, e1.accuracy(), 1e-15);
        assertEquals(expectedLoss, e1.meanLoss(), 1e-14);
        // with every row predicted right (move row 1's label to its argmax), accuracy is 1
        Evaluation right = new Evaluation();
        model.evaluate(dense.withLabels(new double[] {0, 1, 2}), params, right);
        assertEquals(1.0, right.accuracy(), 0.0);
    }

    @Test
    void modelIsSerializable() throws Exception {
        SoftmaxModel model = new SoftmaxModel(3, 4, true);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(model);
        }
        Object back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = in.readObject();
        }
        assertNotNull(back);
        SoftmaxModel copy = (SoftmaxModel) back;
        assertEquals(model.numParameters(), copy.numParameters());
        assertEquals(model.groups(), copy.groups());
        TestData.Rows r = classRows(3, 20, 3, 4, 0.2, false);
        Block b = TestData.block(r, false);
        double[] params = randomParams(model.numParameters(), 0.5, 1);
        assertArrayEquals(sums(model, b, null, 20, params).gradientSum(), sums(copy, b, null, 20, params).gradientSum(),
                0.0);
    }
}
