package dev.steepest.core.model;

import static dev.steepest.core.model.GradientCheck.sums;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.TestData;
import dev.steepest.core.data.Block;
import dev.steepest.core.optim.LrScaling;
import dev.steepest.core.optim.Optimizers;
import dev.steepest.core.train.LocalGradientSource;
import dev.steepest.core.train.TrainingLoop;
import dev.steepest.core.train.TrainingResult;
import dev.steepest.core.train.TrainingSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleBinaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link HuberLoss} (robust regression) and {@link HingeLoss} (linear SVM) through {@link LinearModel}: gradient
 * checks away from the kinks, the documented subgradient on the hinge kink, robustness of the Huber fit to
 * outliers, its equality with least squares when no residual reaches delta, SVM training and evaluation.
 */
class RobustAndHingeLossTest {
    private static final double REL = 1e-12;
    /** Rows whose margin is closer than this to a kink would make finite differences straddle it. */
    private static final double KINK_GAP = 1e-4;
    private static final double NAN = Double.NaN;

    private enum Storage { DENSE, SPARSE, SPARSE_FROM_PAIRS, DENSE_FROM_PAIRS }

    private static Block build(TestData.Rows r, Storage s) {
        return switch (s) {
            case DENSE -> TestData.block(r, false);
            case SPARSE -> TestData.block(r, true);
            case SPARSE_FROM_PAIRS -> TestData.blockFromPairs(r, true);
            case DENSE_FROM_PAIRS -> TestData.blockFromPairs(r, false);
        };
    }

    private static double[] randomParams(int p, double scale, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] params = new double[p];
        for (int i = 0; i < p; i++) params[i] = scale * ParameterInit.gaussian(rng);
        return params;
    }

    /** The margin straight from the row arrays. */
    private static double margin(TestData.Rows r, int row, double[] params, boolean intercept) {
        double m = intercept ? params[r.d()] : 0.0;
        for (int j = 0; j < r.d(); j++) m += r.x[row][j] * params[j];
        return m;
    }

    private static double huber(double r, double delta) {
        return Math.abs(r) <= delta ? r * r / 2 : delta * Math.abs(r) - delta * delta / 2;
    }

    private static double hinge(double m, double y) {
        double s = y == 1.0 ? 1.0 : -1.0;
        return Math.max(0.0, 1.0 - s * m);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Factories and the losses' definitions

    @Test
    void factoriesAndClassificationFlags() {
        LinearModel huber = LinearModel.huberRegression(4, true, 1.35);
        assertEquals("huber", huber.type());
        assertInstanceOf(HuberLoss.class, huber.loss());
        assertEquals(1.35, ((HuberLoss) huber.loss()).delta(), 0.0);
        assertEquals("huber", huber.loss().name());
        assertFalse(huber.isClassifier());
        assertEquals(5, huber.numParameters());
        assertEquals(1, huber.numOutputs());
        assertEquals(List.of(new ParameterGroup("coefficients", 0, 4, true),
                new ParameterGroup("intercepts", 4, 1, false)), huber.groups());

        LinearModel svm = LinearModel.linearSvm(3, false);
        assertEquals("hinge", svm.type());
        assertInstanceOf(HingeLoss.class, svm.loss());
        assertEquals("hinge", svm.loss().name());
        assertTrue(svm.isClassifier());
        assertEquals(3, svm.numParameters());
        assertEquals(List.of(new ParameterGroup("coefficients", 0, 3, true)), svm.groups());

        // Loss.classification(): regression by default, classifiers override
        assertFalse(new SquaredLoss().classification());
        assertFalse(new HuberLoss(1).classification());
        assertTrue(new LogisticLoss().classification());
        assertTrue(new HingeLoss().classification());
        Loss custom = new Loss() {
            @Override public double value(double m, double y) { return 0; }
            @Override public double derivative(double m, double y) { return 0; }
            @Override public String name() { return "custom"; }
        };
        assertFalse(custom.classification());
        assertFalse(new LinearModel("custom", custom, 2, true).isClassifier());
        assertTrue(LinearModel.logisticRegression(2, true).isClassifier());
        assertFalse(LinearModel.linearRegression(2, true).isClassifier());
    }

    @Test
    void huberDeltaMustBeFiniteAndPositive() {
        for (double bad : new double[] {0.0, -0.0, -1.0, NAN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            assertThrows(IllegalArgumentException.class, () -> new HuberLoss(bad), "delta " + bad);
            assertThrows(IllegalArgumentException.class, () -> LinearModel.huberRegression(2, true, bad));
        }
        assertEquals(Double.MIN_VALUE, new HuberLoss(Double.MIN_VALUE).delta(), 0.0);
    }

    @Test
    void huberValueAndDerivativeAreTheDocumentedPiecewiseFunctions() {
        HuberLoss loss = new HuberLoss(1.5);
        double y = 0.25;
        // quadratic inside, linear outside, on both sides
        assertEquals(0.125, loss.value(y + 0.5, y), 1e-15);
        assertEquals(0.125, loss.value(y - 0.5, y), 1e-15);
        assertEquals(0.5, loss.derivative(y + 0.5, y), 1e-15);
        assertEquals(-0.5, loss.derivative(y - 0.5, y), 1e-15);
        assertEquals(1.5 * (3 - 0.75), loss.value(y + 3, y), 1e-14);
        assertEquals(1.5 * (3 - 0.75), loss.value(y - 3, y), 1e-14);
        assertEquals(1.5, loss.derivative(y + 3, y), 0.0);
        assertEquals(-1.5, loss.derivative(y - 3, y), 0.0);
        assertEquals(1.5, loss.derivative(1e300, 0), 0.0, "bounded influence");
        assertEquals(-1.5, loss.derivative(-1e300, 0), 0.0);
        assertEquals(0.0, loss.value(y, y), 0.0);
        assertEquals(0.0, loss.derivative(y, y), 0.0);
        // continuous value and derivative at the kink |r| = delta
        assertEquals(1.125, loss.value(1.5, 0), 0.0);
        assertEquals(1.125, loss.value(-1.5, 0), 0.0);
        assertEquals(1.5, loss.derivative(1.5, 0), 0.0);
        assertEquals(-1.5, loss.derivative(-1.5, 0), 0.0);
        double e = 1e-9;
        assertEquals(loss.value(1.5 - e, 0), loss.value(1.5 + e, 0), 4e-9);
        assertEquals(loss.derivative(1.5 - e, 0), loss.derivative(1.5 + e, 0), 2e-9);
        // dl/dm = clamp(r, -delta, delta) and the value equals SquaredLoss inside
        SquaredLoss sq = new SquaredLoss();
        for (double r = -4; r <= 4; r += 0.0625) {
            assertEquals(Math.max(-1.5, Math.min(1.5, r)), loss.derivative(r + 2, 2), 1e-15, "r=" + r);
            assertEquals(huber(r, 1.5), loss.value(r + 2, 2), 1e-14, "r=" + r);
            if (Math.abs(r) <= 1.5) assertEquals(sq.value(r + 2, 2), loss.value(r + 2, 2), 0.0, "r=" + r);
        }
    }

    @Test
    void hingeLabelsZeroAndOneMapToMinusAndPlusOne() {
        HingeLoss loss = new HingeLoss();
        for (double m = -3; m <= 3; m += 0.125) {
            assertEquals(Math.max(0, 1 - m), loss.value(m, 1), 0.0, "y=1 (s=+1) m=" + m);
            assertEquals(Math.max(0, 1 + m), loss.value(m, 0), 0.0, "y=0 (s=-1) m=" + m);
            assertEquals(m < 1 ? -1.0 : 0.0, loss.derivative(m, 1), 0.0, "y=1 m=" + m);
            assertEquals(m > -1 ? 1.0 : 0.0, loss.derivative(m, 0), 0.0, "y=0 m=" + m);
        }
        // the documented subgradient at the kink s m = 1 is 0
        assertEquals(0.0, loss.derivative(1.0, 1), 0.0);
        assertEquals(0.0, loss.derivative(-1.0, 0), 0.0);
        assertEquals(0.0, loss.value(1.0, 1), 0.0);
        assertEquals(0.0, loss.value(-1.0, 0), 0.0);
        // just inside the margin the slope is -s
        assertEquals(-1.0, loss.derivative(Math.nextDown(1.0), 1), 0.0);
        assertEquals(1.0, loss.derivative(Math.nextUp(-1.0), 0), 0.0);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Gradient checks away from the kinks

    private static void check(LinearModel model, TestData.Rows r, Storage storage, int[] rows, int count,
                              double[] params, DoubleBinaryOperator rowLoss) {
        String what = model.type() + " intercept=" + model.fitIntercept() + " " + storage + " rows="
                + (rows == null ? "null/" + count : count + "/" + rows.length);
        Block block = build(r, storage);
        assertEquals(storage == Storage.SPARSE || storage == Storage.SPARSE_FROM_PAIRS, block.isSparse());
        assertFalse(block.hasUnitWeights(), "weights are not all 1");

        Accumulator acc = sums(model, block, rows, count, params);
        assertEquals(count, acc.count(), what);
        double loss = 0.0;
        double weight = 0.0;
        for (int i = 0; i < count; i++) {
            int row = rows == null ? i : rows[i];
            loss += r.w[row] * rowLoss.applyAsDouble(margin(r, row, params, model.fitIntercept()), r.y[row]);
            weight += r.w[row];
        }
        assertEquals(weight, acc.weightSum(), REL * weight, what + ": weight");
        assertEquals(loss / weight, acc.meanLoss(), REL * Math.abs(loss / weight), what + ": mean loss");

        double[] g = acc.meanGradient();
        double gmax = 0.0;
        for (double v : g) gmax = Math.max(gmax, Math.abs(v));
        assertTrue(gmax > 1e-3, what + ": gradient too small to check meaningfully: " + gmax);
        GradientCheck.assertGradientMatches(model, block, rows, count, params, g, 0.0, what);
    }

    private static int[] subset(int n) {
        SplittableRandom rng = new SplittableRandom(3);
        int[] subset = new int[70];
        for (int i = 0; i < subset.length; i++) subset[i] = rng.nextInt(n);
        subset[5] = subset[6];
        subset[30] = subset[6];
        return subset;
    }

    /**
     * A delta in the widest gap between consecutive |residuals| in the middle half, so no row is near the kink and
     * about half the rows are on each side of it.
     */
    private static double deltaInAGap(double[] absResiduals) {
        double[] a = absResiduals.clone();
        Arrays.sort(a);
        int best = a.length / 4;
        for (int i = a.length / 4; i < 3 * a.length / 4; i++) {
            if (a[i + 1] - a[i] > a[best + 1] - a[best]) best = i;
        }
        return 0.5 * (a[best] + a[best + 1]);
    }

    @ParameterizedTest(name = "intercept={0}")
    @ValueSource(booleans = {true, false})
    void huberFiniteDifferencesAwayFromTheKink(boolean intercept) {
        int n = 157;
        int d = 6;
        TestData.Rows design = TestData.random(intercept ? 12 : 13, n, d, 0.45, false, false);
        int[] subset = subset(n);
        long seed = 1;
        for (Storage s : Storage.values()) {
            for (int c = 0; c < 3; c++) {
                double[] params = randomParams(d + (intercept ? 1 : 0), 0.5, seed++);
                // labels around the current margins, so residuals of both signs fall on every piece
                SplittableRandom noise = new SplittableRandom(seed * 7);
                double[] labels = new double[n];
                for (int i = 0; i < n; i++) {
                    labels[i] = margin(design, i, params, intercept) + 2.0 * ParameterInit.gaussian(noise);
                }
                TestData.Rows r = new TestData.Rows(d, design.x, labels, design.w);
                double[] res = new double[n];
                double[] abs = new double[n];
                for (int i = 0; i < n; i++) {
                    res[i] = margin(r, i, params, intercept) - r.y[i];
                    abs[i] = Math.abs(res[i]);
                }
                double delta = deltaInAGap(abs);
                int inside = 0;
                int above = 0;
                int below = 0;
                for (int i = 0; i < n; i++) {
                    assertTrue(Math.abs(abs[i] - delta) > KINK_GAP, "row " + i + " is near the kink");
                    if (abs[i] < delta) inside++;
                    else if (res[i] > 0) above++;
                    else below++;
                }
                assertTrue(inside > 10 && above > 10 && below > 10,
                        "rows on every piece: " + inside + " inside, " + above + " above, " + below + " below");
                LinearModel model = LinearModel.huberRegression(d, intercept, delta);
                DoubleBinaryOperator loss = (m, y) -> huber(m - y, delta);
                switch (c) {
                    case 0 -> check(model, r, s, null, n, params, loss);
                    case 1 -> check(model, r, s, null, 40, params, loss);
                    default -> check(model, r, s, subset, 60, params, loss);
                }
            }
        }
    }

    /** Huber is C^1: even a row exactly on the kink is differentiable (to O(h) from the curvature jump). */
    @Test
    void huberGradientIsContinuousAtTheKink() {
        LinearModel model = LinearModel.huberRegression(2, true, 0.75);
        double[] params = {0.5, -1.0, 0.25};
        // residuals: 0.75 (= delta), -0.75 (= -delta), -0.25 (quadratic zone) and 5.75 (linear zone)
        Block b = Block.dense(2, new double[] {2, 0.5, 0, 1, 1, 1, 4, -3}, new double[] {0, 0, 0, -0.5},
                new double[] {1, 2, 0.5, 1.5});
        double[] m = new double[4];
        for (int i = 0; i < 4; i++) m[i] = model.margin(b, i, params);
        assertEquals(0.75, m[0] - b.label(0), 0.0, "row 0 on the upper kink");
        assertEquals(-0.75, m[1] - b.label(1), 0.0, "row 1 on the lower kink");
        Accumulator acc = sums(model, b, null, 4, params);
        double[] g = acc.meanGradient();
        double[] expected = new double[3];
        for (int i = 0; i < 4; i++) {
            double dl = Math.max(-0.75, Math.min(0.75, m[i] - b.label(i))) * b.weight(i);
            expected[0] += dl * b.feature(i, 0);
            expected[1] += dl * b.feature(i, 1);
            expected[2] += dl;
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(expected[i] / 5.0, g[i], 1e-15, "gradient " + i);
            double fd = GradientCheck.centralDifference(model, b, null, 4, params, i);
            assertEquals(g[i], fd, 1e-5, "finite difference across the kink, parameter " + i);
        }
    }

    @ParameterizedTest(name = "intercept={0}")
    @ValueSource(booleans = {true, false})
    void hingeFiniteDifferencesAwayFromTheKink(boolean intercept) {
        int n = 157;
        int d = 6;
        TestData.Rows design = TestData.random(intercept ? 21 : 22, n, d, 0.45, true, false);
        LinearModel model = LinearModel.linearSvm(d, intercept);
        int[] subset = subset(n);
        long seed = 1;
        for (Storage s : Storage.values()) {
            for (int c = 0; c < 3; c++) {
                double[] params = randomParams(model.numParameters(), 1.0, seed++);
                // labels 0/1 that the margins mostly (not always) predict: rows on both sides of the margin
                SplittableRandom noise = new SplittableRandom(seed * 7);
                double[] labels = new double[n];
                for (int i = 0; i < n; i++) {
                    labels[i] = margin(design, i, params, intercept) + ParameterInit.gaussian(noise) > 0 ? 1 : 0;
                }
                TestData.Rows r = new TestData.Rows(d, design.x, labels, design.w);
                int active = 0;
                int inactive = 0;
                for (int i = 0; i < n; i++) {
                    double sm = (2 * r.y[i] - 1) * margin(r, i, params, intercept);
                    assertTrue(Math.abs(sm - 1) > KINK_GAP, "row " + i + " is near the kink: s m = " + sm);
                    if (sm < 1) active++;
                    else inactive++;
                }
                assertTrue(active > 10 && inactive > 10, active + " rows inside the margin, " + inactive + " outside");
                DoubleBinaryOperator loss = RobustAndHingeLossTest::hinge;
                switch (c) {
                    case 0 -> check(model, r, s, null, n, params, loss);
                    case 1 -> check(model, r, s, null, 40, params, loss);
                    default -> check(model, r, s, subset, 60, params, loss);
                }
            }
        }
    }

    /**
     * On the kink {@code s m = 1} the kernel uses the documented subgradient 0 for the row: those rows add nothing
     * to the gradient, and the result lies between the one-sided derivatives of the mean loss along every
     * coordinate (it is a valid subgradient), which differ there.
     */
    @Test
    void hingeOnTheKinkUsesTheDocumentedSubgradient() {
        LinearModel model = LinearModel.linearSvm(2, true);
        double[] params = {1.0, 0.5, 0.0};
        // margins: 1 (y=1: s m = 1, kink), -1 (y=0: kink), 0.5 (y=1: inside), 3 (y=0: wrong side), 2 (y=1: outside)
        double[] x = {1, 0, -2, 2, 0.5, 0, 2, 2, 1, 2};
        double[] y = {1, 0, 1, 0, 1};
        double[] w = {2, 0.5, 1, 1.5, 1};
        for (boolean sparse : new boolean[] {false, true}) {
            TestData.Rows r = new TestData.Rows(2, new double[][] {{1, 0}, {-2, 2}, {0.5, 0}, {2, 2}, {1, 2}}, y, w);
            Block b = TestData.block(r, sparse);
            double[] m = new double[5];
            for (int i = 0; i < 5; i++) {
                m[i] = model.margin(b, i, params);
                assertEquals(x[2 * i] * 1.0 + x[2 * i + 1] * 0.5, m[i], 0.0);
            }
            assertEquals(1.0, m[0], 0.0);
            assertEquals(-1.0, m[1], 0.0);
            // the kink rows alone: loss 0, gradient exactly 0
            Accumulator kink = sums(model, b, new int[] {0, 1}, 2, params);
            assertEquals(0.0, kink.lossSum(), 0.0);
            assertEquals(2.5, kink.weightSum(), 0.0);
            for (double v : kink.gradientSum()) assertEquals(0.0, v, 0.0);
            // all rows: only rows 2 (y=1, -s = -1) and 3 (y=0, -s = +1) contribute
            Accumulator all = sums(model, b, null, 5, params);
            double[] expected = {-1 * 0.5 + 1.5 * 2, -1 * 0 + 1.5 * 2, -1 + 1.5};
            for (int i = 0; i < 3; i++) assertEquals(expected[i], all.gradientSum()[i], 1e-15, "gradient " + i);
            assertEquals(1 * 0.5 + 1.5 * 4, all.lossSum(), 1e-15);
            double[] g = all.meanGradient();
            boolean someKink = false;
            for (int i = 0; i < 3; i++) {
                double h = 1e-7;
                double[] plus = params.clone();
                double[] minus = params.clone();
                plus[i] += h;
                minus[i] -= h;
                double f0 = all.meanLoss();
                double right = (sums(model, b, null, 5, plus).meanLoss() - f0) / (plus[i] - params[i]);
                double left = (f0 - sums(model, b, null, 5, minus).meanLoss()) / (params[i] - minus[i]);
                assertTrue(left - 1e-7 <= g[i] && g[i] <= right + 1e-7,
                        "subgradient " + g[i] + " in [" + left + ", " + right + "] for parameter " + i);
                if (right - left > 0.1) someKink = true;
            }
            assertTrue(someKink, "the one-sided derivatives differ: the point is on a kink");
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Training

    private static TrainingResult fullBatchGd(List<Block> blocks, Model model, int epochs, double lr, double l2,
                                              double gradientNormTol) {
        TrainingSettings settings = new TrainingSettings(TrainingSettings.FULL_BATCH, epochs, 0, 1, lr,
                LrScaling.NONE, 1, 0.0, l2, NAN, gradientNormTol, NAN);
        return new TrainingLoop(new LocalGradientSource(blocks, model), model, settings,
                (schedule, groups) -> Optimizers.sgd(schedule, 0, 0, false, 0, groups), List.of())
                .run(new double[model.numParameters()]);
    }

    /** 1-D rows: x evenly spread on [-1, 1], y = 2 x + 1 + N(0, 0.1^2). */
    private static TestData.Rows line(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] x = new double[n][1];
        double[] y = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            x[i][0] = -1 + 2.0 * i / (n - 1);
            y[i] = 2 * x[i][0] + 1 + 0.1 * ParameterInit.gaussian(rng);
            w[i] = 1.0;
        }
        return new TestData.Rows(1, x, y, w);
    }

    /** Least squares with intercept in closed form: the normal equations of [x, 1]. */
    private static double[] leastSquares(TestData.Rows r) {
        double[][] a = new double[2][2];
        double[] b = new double[2];
        for (int i = 0; i < r.n(); i++) {
            double[] xt = {r.x[i][0], 1.0};
            for (int p = 0; p < 2; p++) {
                for (int q = 0; q < 2; q++) a[p][q] += r.w[i] * xt[p] * xt[q];
                b[p] += r.w[i] * xt[p] * r.y[i];
            }
        }
        return TestData.solve(a, b);
    }

    /** 1 / lambda_max of the weighted second moment of (x, 1): a safe GD rate when the loss has l'' <= 1. */
    private static double safeRate(TestData.Rows r) {
        double[][] m = new double[2][2];
        double weight = 0;
        for (int i = 0; i < r.n(); i++) {
            double[] xt = {r.x[i][0], 1.0};
            for (int p = 0; p < 2; p++) for (int q = 0; q < 2; q++) m[p][q] += r.w[i] * xt[p] * xt[q];
            weight += r.w[i];
        }
        for (double[] row : m) for (int q = 0; q < 2; q++) row[q] /= weight;
        return 1.0 / TestData.symmetricEigenvalues(m)[1];
    }

    @Test
    void huberFitIsRobustToOutliers() {
        int n = 60;
        TestData.Rows r = line(n, 5);
        for (int i = n - 4; i < n; i++) r.y[i] = -30; // four huge outliers at x near 1 (the line gives ~3)
        List<Block> blocks = List.of(TestData.block(r.slice(0, 35), false), TestData.block(r.slice(35, n), true));
        double lr = safeRate(r);

        LinearModel ls = LinearModel.linearRegression(1, true);
        TrainingResult lsFit = fullBatchGd(blocks, ls, 20000, lr, 0.0, 1e-11);
        assertEquals("gradient-norm", lsFit.stopReason());
        double[] exact = leastSquares(r);
        assertEquals(exact[0], lsFit.params()[0], 1e-8, "GD reached the least-squares slope");
        assertEquals(exact[1], lsFit.params()[1], 1e-8, "GD reached the least-squares intercept");

        double delta = 1.0;
        LinearModel huber = LinearModel.huberRegression(1, true, delta);
        TrainingResult huberFit = fullBatchGd(blocks, huber, 20000, lr, 0.0, 1e-11);
        assertEquals("gradient-norm", huberFit.stopReason());
        double[] p = huberFit.params();
        // stationarity, checked independently: sum_i clamp(r_i) (x_i, 1) = 0
        double g0 = 0;
        double g1 = 0;
        int outside = 0;
        for (int i = 0; i < n; i++) {
            double res = p[0] * r.x[i][0] + p[1] - r.y[i];
            double dl = Math.max(-delta, Math.min(delta, res));
            if (Math.abs(res) > delta) outside++;
            g0 += dl * r.x[i][0];
            g1 += dl;
        }
        assertEquals(0.0, g0 / n, 1e-10);
        assertEquals(0.0, g1 / n, 1e-10);
        assertEquals(4, outside, "exactly the outliers are in the linear zone");

        double lsError = Math.abs(lsFit.params()[0] - 2.0);
        double huberError = Math.abs(p[0] - 2.0);
        assertTrue(lsError > 3.0, "least squares is dragged by the outliers: slope " + lsFit.params()[0]);
        assertTrue(huberError < 0.3, "Huber slope " + p[0] + " stays near 2");
        assertTrue(huberError < 0.1 * lsError, "Huber " + huberError + " vs least squares " + lsError);
        assertTrue(Math.abs(p[1] - 1.0) < 0.2, "Huber intercept " + p[1]);
    }

    @Test
    void huberEqualsLeastSquaresWhenDeltaExceedsEveryResidual() {
        int n = 50;
        TestData.Rows r = line(n, 8);
        double[] exact = leastSquares(r);
        double maxResidual = 0;
        double maxLabel = 0;
        for (int i = 0; i < n; i++) {
            maxResidual = Math.max(maxResidual, Math.abs(exact[0] * r.x[i][0] + exact[1] - r.y[i]));
            maxLabel = Math.max(maxLabel, Math.abs(r.y[i]));
        }
        double delta = 1.1 * maxResidual;
        // from zero parameters the first residuals are -y: many start in the linear zone, so the path is not LS
        assertTrue(maxLabel > 3 * delta, "delta " + delta + " vs largest starting residual " + maxLabel);
        List<Block> blocks = List.of(TestData.block(r.slice(0, 20), true), TestData.block(r.slice(20, n), false));
        TrainingResult fit = fullBatchGd(blocks, LinearModel.huberRegression(1, true, delta), 20000, safeRate(r), 0.0,
                1e-12);
        assertEquals("gradient-norm", fit.stopReason());
        assertEquals(exact[0], fit.params()[0], 1e-8, "slope");
        assertEquals(exact[1], fit.params()[1], 1e-8, "intercept");
        // and the least-squares fit by the same loop agrees too
        TrainingResult ls = fullBatchGd(blocks, LinearModel.linearRegression(1, true), 20000, safeRate(r), 0.0, 1e-12);
        assertEquals(ls.params()[0], fit.params()[0], 1e-8);
        assertEquals(ls.params()[1], fit.params()[1], 1e-8);
    }

    /** Two blobs in 2-D, class 1 around (1.5, 1) and class 0 around (-1.5, -1), sd 0.4, non-unit weights. */
    private static TestData.Rows twoBlobs(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] x = new double[n][2];
        double[] y = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            double s = i % 2 == 0 ? 1 : -1;
            x[i][0] = 1.5 * s + 0.4 * ParameterInit.gaussian(rng);
            x[i][1] = 1.0 * s + 0.4 * ParameterInit.gaussian(rng);
            y[i] = s > 0 ? 1 : 0;
            w[i] = 0.5 + rng.nextDouble();
        }
        return new TestData.Rows(2, x, y, w);
    }

    @Test
    void linearSvmSeparatesSeparableDataWithL2() {
        TestData.Rows r = twoBlobs(80, 4);
        for (int i = 0; i < r.n(); i++) {
            double m = 3 * r.x[i][0] + 2 * r.x[i][1];
            assertTrue((m > 0) == (r.y[i] == 1), "the sample is separable by (3, 2): row " + i);
        }
        LinearModel svm = LinearModel.linearSvm(2, true);
        List<Block> blocks = List.of(TestData.block(r.slice(0, 30), true), TestData.block(r.slice(30, 80), false));
        TrainingResult fit = fullBatchGd(blocks, svm, 400, 0.1, 0.01, NAN);
        assertEquals("epochs", fit.stopReason());
        assertFalse(fit.diverged());
        double[] p = fit.params();
        Evaluation eval = new Evaluation();
        for (Block b : blocks) svm.evaluate(b, p, eval);
        assertEquals(80, eval.count());
        assertEquals(1.0, eval.accuracy(), 0.0);
        double loss = 0;
        double weight = 0;
        for (int i = 0; i < r.n(); i++) {
            double m = p[0] * r.x[i][0] + p[1] * r.x[i][1] + p[2];
            assertTrue((m > 0) == (r.y[i] == 1), "row " + i + " on the right side: m = " + m);
            loss += r.w[i] * hinge(m, r.y[i]);
            weight += r.w[i];
        }
        assertEquals(loss / weight, eval.meanLoss(), 1e-12, "evaluation loss is the mean hinge loss");
        assertTrue(eval.meanLoss() < 0.1, "mean hinge loss " + eval.meanLoss());
        // the regularized objective (intercept not penalized) is well below its value 1 at w = 0, b = 0
        double objective = eval.meanLoss() + 0.5 * 0.01 * (p[0] * p[0] + p[1] * p[1]);
        assertTrue(objective < 0.5, "objective " + objective);
        assertEquals(objective, fit.lastLoss(), 0.1, "the loop's last objective is close to the final one");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Evaluation

    @Test
    void svmEvaluationPredictsClassOneExactlyWhenTheMarginIsPositive() {
        LinearModel svm = LinearModel.linearSvm(1, false);
        double[] params = {1.0}; // m = x
        double[] m = {2, 0, 0, -0.5, -3, 1e-300, -1e-300};
        double[] y = {1, 0, 1, 1, 0, 1, 0};
        double[] w = {1, 2, 1, 0.5, 3, 1, 0.25};
        boolean[] correct = {true, true, false, false, true, true, true};
        double correctWeight = 0;
        double loss = 0;
        double weight = 0;
        for (int i = 0; i < m.length; i++) {
            if (correct[i]) correctWeight += w[i];
            loss += w[i] * hinge(m[i], y[i]);
            weight += w[i];
        }
        for (boolean sparse : new boolean[] {false, true}) {
            double[][] x = new double[m.length][];
            for (int i = 0; i < m.length; i++) x[i] = new double[] {m[i]};
            Block b = TestData.block(new TestData.Rows(1, x, y, w), sparse);
            Evaluation eval = new Evaluation();
            svm.evaluate(b, params, eval);
            assertEquals(m.length, eval.count());
            assertEquals(correctWeight / weight, eval.accuracy(), 1e-15, "sparse=" + sparse);
            assertEquals(loss / weight, eval.meanLoss(), 1e-15, "sparse=" + sparse);
            assertEquals((0 + 2 * 1 + 1 + 0.5 * 1.5 + 0 + 1 + 0.25 * 1) / weight, eval.meanLoss(), 1e-15);
        }
    }

    @Test
    void huberEvaluationReportsHuberLossAndResidualErrors() {
        LinearModel huber = LinearModel.huberRegression(1, true, 1.0);
        double[] params = {2.0, 1.0};
        double[] x = {0, 1, -1, 2};
        double[] y = {1.5, 3.0, 4.0, 0.0}; // residuals m - y: -0.5, 0, -5, 5
        double[] w = {1, 2, 0.5, 1.5};
        Block b = Block.dense(1, x, y, w);
        Evaluation eval = new Evaluation();
        huber.evaluate(b, params, eval);
        double weight = 5.0;
        assertEquals(4, eval.count());
        assertEquals((0.125 + 0 + 0.5 * 4.5 + 1.5 * 4.5) / weight, eval.meanLoss(), 1e-15);
        assertEquals(Math.sqrt((0.25 + 0 + 0.5 * 25 + 1.5 * 25) / weight), eval.rmse(), 1e-15);
        assertEquals((0.5 + 0 + 0.5 * 5 + 1.5 * 5) / weight, eval.mae(), 1e-15);
        assertEquals(sums(huber, b, null, 4, params).meanLoss(), eval.meanLoss(), 1e-15);
    }

    @Test
    void modelsAreSerializable() throws Exception {
        for (LinearModel model : new LinearModel[] {LinearModel.huberRegression(3, true, 0.7),
            LinearModel.linearSvm(3, false)}) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(model);
            }
            LinearModel copy;
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                copy = (LinearModel) in.readObject();
            }
            assertEquals(model.type(), copy.type());
            assertEquals(model.isClassifier(), copy.isClassifier());
            TestData.Rows r = TestData.random(2, 30, 3, 0.2, true, false);
            Block b = TestData.block(r, false);
            double[] params = randomParams(model.numParameters(), 1.0, 6);
            Accumulator a = sums(model, b, null, 30, params);
            Accumulator c = sums(copy, b, null, 30, params);
            assertEquals(a.lossSum(), c.lossSum(), 0.0);
            for (int i = 0; i < params.length; i++) assertEquals(a.gradientSum()[i], c.gradientSum()[i], 0.0);
        }
        assertEquals(0.7, ((HuberLoss) LinearModel.huberRegression(3, true, 0.7).loss()).delta(), 0.0);
    }
}
