package dev.steepest.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.TestData;
import dev.steepest.core.data.Block;
import dev.steepest.core.optim.Optimizers;
import dev.steepest.core.optim.LrScaling;
import dev.steepest.core.train.LocalGradientSource;
import dev.steepest.core.train.TrainingLoop;
import dev.steepest.core.train.TrainingResult;
import dev.steepest.core.train.TrainingSettings;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Standardization inside the kernel equals training on explicitly scaled features, and maps back to the same
 * function in the original space; the moments are exact, also for features with a large offset.
 */
class StandardizedTest {
    private static final int N = 300;
    private static final int D = 5;

    /** Rows with very different feature scales (and one constant feature) so standardization matters. */
    private static TestData.Rows rows(boolean binary) {
        TestData.Rows r = TestData.random(41, N, D, 0.2, binary, false);
        double[] scale = {1000.0, 0.01, 1.0, 50.0, 0.0};
        for (double[] x : r.x) {
            for (int j = 0; j < D; j++) x[j] = j == 4 ? 7.0 : x[j] * scale[j];
        }
        return r;
    }

    private static double[] std(TestData.Rows r) {
        double[] s = new double[D];
        double sw = 0;
        double sw2 = 0;
        double[] mean = new double[D];
        for (int i = 0; i < r.n(); i++) {
            sw += r.w[i];
            sw2 += r.w[i] * r.w[i];
            for (int j = 0; j < D; j++) mean[j] += r.w[i] * r.x[i][j];
        }
        for (int j = 0; j < D; j++) mean[j] /= sw;
        for (int i = 0; i < r.n(); i++) {
            for (int j = 0; j < D; j++) s[j] += r.w[i] * (r.x[i][j] - mean[j]) * (r.x[i][j] - mean[j]);
        }
        for (int j = 0; j < D; j++) {
            // Spark ML's Summarizer: the unbiased weighted variance, sum w dev^2 / (W - sum w^2 / W)
            s[j] = Math.sqrt(s[j] / (sw - sw2 / sw));
            // FeatureMoments' rule: a spread below 1e-12 |mean| is the rounding of a constant feature
            if (s[j] <= 1e-12 * Math.abs(mean[j])) s[j] = 0.0;
        }
        return s;
    }

    private static TestData.Rows scaled(TestData.Rows r, double[] std) {
        double[][] x = new double[r.n()][D];
        for (int i = 0; i < r.n(); i++) {
            for (int j = 0; j < D; j++) x[i][j] = std[j] > 0 ? r.x[i][j] / std[j] : 0.0;
        }
        return new TestData.Rows(D, x, r.y, r.w);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void momentsAreExactOnDenseAndSparseBlocksInAnyPartitioning(boolean sparse) {
        TestData.Rows r = rows(false);
        double[] expected = std(r);
        for (int[] sizes : new int[][] {{300}, {100, 200}, {1, 0, 150, 149}}) {
            List<Block> blocks = TestData.blocks(r, sizes, sparse);
            FeatureMoments m = new FeatureMoments(D);
            for (Block b : blocks) m.merge(FeatureMoments.of(b));
            double[] s = m.std();
            for (int j = 0; j < D; j++) {
                assertEquals(expected[j], s[j], 1e-12 * Math.max(1.0, expected[j]), "feature " + j);
            }
            assertEquals(0.0, s[4], 0.0, "a constant feature has no spread");
        }
    }

    @Test
    void aLargeOffsetKeepsItsDigits() {
        SplittableRandom rng = new SplittableRandom(2);
        TestData.Rows base = TestData.random(3, 1000, D, 0.0, false, true);
        for (double[] x : base.x) x[0] = 1e8 + 1e-3 * rng.nextGaussian();
        double expected = std(base)[0];
        assertTrue(expected > 5e-4 && expected < 2e-3, "the spread is about 1e-3: " + expected);
        FeatureMoments m = new FeatureMoments(D);
        for (Block b : TestData.blocks(base, new int[] {400, 600}, false)) m.merge(FeatureMoments.of(b));
        assertEquals(expected, m.std()[0], 1e-6 * expected, "a one-pass E[x^2]-E[x]^2 would lose every digit");
        assertEquals(1e8, m.mean()[0], 1e-3);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void gradientEqualsTheInnerModelsOnScaledFeatures(boolean sparse) {
        TestData.Rows r = rows(true);
        double[] std = std(r);
        for (Model inner : List.of(LinearModel.logisticRegression(D, true), LinearModel.linearRegression(D, false),
                new SoftmaxModel(D, 2, true))) {
            Standardized st = new Standardized(inner, std);
            Block raw = TestData.block(r, sparse);
            Block pre = TestData.block(scaled(r, std), sparse);
            double[] theta = new double[inner.numParameters()];
            SplittableRandom rng = new SplittableRandom(9);
            for (int i = 0; i < theta.length; i++) theta[i] = rng.nextDouble(-1, 1);
            Accumulator a = new Accumulator(inner.numParameters());
            st.accumulate(raw, null, raw.numRows(), theta, a);
            Accumulator b = new Accumulator(inner.numParameters());
            inner.accumulate(pre, null, pre.numRows(), theta, b);
            assertEquals(b.lossSum(), a.lossSum(), 1e-10 * Math.abs(b.lossSum()), inner.type());
            for (int i = 0; i < theta.length; i++) {
                assertEquals(b.gradientSum()[i], a.gradientSum()[i], 1e-10 * Math.max(1.0, Math.abs(b.gradientSum()[i])),
                        inner.type() + " parameter " + i);
            }
            // the constant feature's coefficient gets no gradient
            assertEquals(0.0, a.gradientSum()[4], 0.0);
            // toOriginal gives the same function on the raw features
            Evaluation viaWrapper = new Evaluation();
            st.evaluate(raw, theta, viaWrapper);
            Evaluation viaOriginal = new Evaluation();
            inner.evaluate(raw, st.toOriginal(theta), viaOriginal);
            assertEquals(viaWrapper.meanLoss(), viaOriginal.meanLoss(), 1e-14 * viaWrapper.meanLoss());
        }
    }

    @Test
    void standardizedTrainingReachesThePreScaledOptimumInTheOriginalSpace() {
        TestData.Rows r = rows(false);
        double[] std = std(r);
        LinearModel inner = LinearModel.linearRegression(D, true);
        TrainingSettings s = new TrainingSettings(TrainingSettings.FULL_BATCH, 3000, 0, 1, 0.5, LrScaling.NONE, 256,
                0, 0, Double.NaN, 1e-12, Double.NaN);
        TrainingResult viaWrapper = new TrainingLoop(new LocalGradientSource(TestData.blocks(r, new int[] {120, 180},
                true), new Standardized(inner, std)), new Standardized(inner, std), s,
                (lr, groups) -> Optimizers.sgd(lr, 0.9, 0, false, 0, groups), List.of()).run(new double[D + 1]);
        TrainingResult onScaled = new TrainingLoop(new LocalGradientSource(TestData.blocks(scaled(r, std),
                new int[] {300}, false), inner), inner, s,
                (lr, groups) -> Optimizers.sgd(lr, 0.9, 0, false, 0, groups), List.of()).run(new double[D + 1]);
        assertEquals("gradient-norm", viaWrapper.stopReason());
        assertEquals("gradient-norm", onScaled.stopReason());
        double[] a = new Standardized(inner, std).toOriginal(viaWrapper.params());
        double[] b = new Standardized(inner, std).toOriginal(onScaled.params());
        for (int i = 0; i < a.length; i++) {
            assertEquals(b[i], a[i], 1e-8 * Math.max(1.0, Math.abs(b[i])), "parameter " + i);
        }
        // on raw features with scales 1000 .. 0.01, plain GD at a stable rate is nowhere near after the same steps
        assertTrue(viaWrapper.iterations() < 3000, "converged in " + viaWrapper.iterations() + " steps");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aHugeFiniteFeatureHasAFiniteStandardDeviation(boolean sparse) {
        // rows 1e160 * {1, 2, 3, 4} (unit weights): mean 2.5e160, sample variance 5/3 * 1e320 (squares overflow)
        double[][] x = {{1e160, 1.0}, {2e160, 2.0}, {3e160, 3.0}, {4e160, 4.0}};
        TestData.Rows r = new TestData.Rows(2, x, new double[] {0, 1, 0, 1}, new double[] {1, 1, 1, 1});
        for (int[] sizes : new int[][] {{4}, {1, 3}, {2, 0, 2}}) {
            FeatureMoments m = new FeatureMoments(2);
            for (Block b : TestData.blocks(r, sizes, sparse)) m.merge(FeatureMoments.of(b));
            double[] s = m.std();
            assertEquals(Math.sqrt(5.0 / 3.0) * 1e160, s[0], 1e-14 * 1e160);
            assertEquals(Math.sqrt(5.0 / 3.0), s[1], 1e-15);
            assertEquals(2.5e160, m.mean()[0], 1e-15 * 1e160);
            new Standardized(LinearModel.logisticRegression(2, true), s);   // accepted: finite and positive
        }
    }

    @Test
    void theStandardDeviationIsSparksUnbiasedWeightedOne() {
        // weights 1, 2, 3 on values 0, 1, 3: mean 11/6, sum w dev^2 = 53/6, W - sum w^2 / W = 6 - 14/6
        double[][] x = {{0.0}, {1.0}, {3.0}};
        TestData.Rows r = new TestData.Rows(1, x, new double[] {0, 1, 0}, new double[] {1, 2, 3});
        FeatureMoments m = new FeatureMoments(1);
        for (Block b : TestData.blocks(r, new int[] {2, 1}, false)) m.merge(FeatureMoments.of(b));
        assertEquals(Math.sqrt((53.0 / 6.0) / (6.0 - 14.0 / 6.0)), m.std()[0], 1e-15);
        // one row: no spread to estimate (Spark's variance is 0 when the denominator is not positive)
        FeatureMoments one = FeatureMoments.of(TestData.block(new TestData.Rows(1, new double[][] {{5.0}},
                new double[] {1}, new double[] {2}), false));
        assertEquals(0.0, one.std()[0], 0.0);
    }

    @Test
    void fromOriginalIsExactlyUndoneByToOriginalWhereverADoubleAllowsIt() {
        SplittableRandom rnd = new SplittableRandom(5);
        int exact = 0;
        int total = 0;
        for (int trial = 0; trial < 200; trial++) {
            double[] std = new double[D];
            for (int j = 0; j < D; j++) std[j] = j == 4 ? 0.0 : Math.exp(rnd.nextDouble(-12, 12));
            Standardized st = new Standardized(new SoftmaxModel(D, 3, true), std);
            double[] original = new double[st.numParameters()];
            for (int i = 0; i < original.length; i++) original[i] = rnd.nextGaussian() * Math.exp(rnd.nextDouble(-5, 5));
            for (int c = 0; c < 3; c++) original[c * D + 4] = 0.0; // a constant feature's weight, as training leaves it
            double[] theta = st.fromOriginal(original);
            double[] back = st.toOriginal(theta);
            for (int i = 0; i < original.length; i++) {
                total++;
                if (back[i] == original[i]) {
                    exact++;
                    continue;
                }
                // no double maps onto it: then none of theta's neighbours does either, and it is one ulp off
                int c = i / D;
                int j = i % D;
                double inv = 1.0 / std[j];
                assertTrue(i < 3 * D && c < 3, "the intercepts pass through unchanged");
                for (double t : new double[] {Math.nextDown(theta[i]), Math.nextUp(theta[i])}) {
                    assertTrue(t * inv != original[i], "a neighbour maps exactly onto " + original[i]);
                }
                assertTrue(Math.abs(back[i] - original[i]) <= Math.ulp(original[i]), back[i] + " vs " + original[i]);
            }
        }
        assertTrue(exact > 0.7 * total, exact + " of " + total + " exact");
    }
}
