package dev.steepest.core.model;

import static dev.steepest.core.model.GradientCheck.sums;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.TestData;
import dev.steepest.core.data.Block;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Central finite differences of the mean objective {@code sum_i w_i l(m_i, y_i) / sum_i w_i} against the kernel's
 * gradient, for both linear models, with and without intercept, dense and CSR blocks, non-unit weights, row
 * subsets and all rows; and the numerics of {@link LogisticLoss} at large margins.
 */
class GradientCheckTest {

    private enum Storage { DENSE, SPARSE, SPARSE_FROM_PAIRS, DENSE_FROM_PAIRS }

    private static Block build(TestData.Rows r, Storage s) {
        return switch (s) {
            case DENSE -> TestData.block(r, false);
            case SPARSE -> TestData.block(r, true);
            case SPARSE_FROM_PAIRS -> TestData.blockFromPairs(r, true);
            case DENSE_FROM_PAIRS -> TestData.blockFromPairs(r, false);
        };
    }

    /** The objective straight from the row arrays (no kernel): weighted mean of the per-row loss. */
    private static double directMeanLoss(LinearModel model, TestData.Rows r, int[] rows, int count,
                                         double[] params) {
        double loss = 0.0;
        double weight = 0.0;
        for (int i = 0; i < count; i++) {
            int row = rows == null ? i : rows[i];
            double m = model.fitIntercept() ? params[r.d()] : 0.0;
            for (int j = 0; j < r.d(); j++) m += r.x[row][j] * params[j];
            double y = r.y[row];
            double l;
            if (model.isClassifier()) {
                l = Math.log1p(Math.exp(-Math.abs(m))) + Math.max(m, 0.0) - y * m;
            } else {
                l = 0.5 * (m - y) * (m - y);
            }
            loss += r.w[row] * l;
            weight += r.w[row];
        }
        return loss / weight;
    }

    private static void check(LinearModel model, TestData.Rows r, Storage storage, int[] rows, int count,
                              long seed) {
        String what = model.type() + " intercept=" + model.fitIntercept() + " " + storage + " rows="
                + (rows == null ? "null" : count + "/" + rows.length);
        Block block = build(r, storage);
        assertEquals(storage == Storage.SPARSE || storage == Storage.SPARSE_FROM_PAIRS, block.isSparse());
        assertTrue(!block.hasUnitWeights(), "weights are not all 1");
        SplittableRandom rng = new SplittableRandom(seed);
        double[] params = new double[model.numParameters()];
        for (int i = 0; i < params.length; i++) params[i] = 0.5 * ParameterInit.gaussian(rng);

        Accumulator acc = sums(model, block, rows, count, params);
        assertEquals(count, acc.count(), what);
        double expectedWeight = 0.0;
        for (int i = 0; i < count; i++) expectedWeight += r.w[rows == null ? i : rows[i]];
        assertEquals(expectedWeight, acc.weightSum(), 1e-12 * expectedWeight, what);
        double direct = directMeanLoss(model, r, rows, count, params);
        assertEquals(direct, acc.meanLoss(), 1e-12 * Math.abs(direct), what + ": mean loss");

        double[] g = acc.meanGradient();
        double gmax = 0.0;
        for (double v : g) gmax = Math.max(gmax, Math.abs(v));
        assertTrue(gmax > 1e-3, what + ": gradient too small to check meaningfully: " + gmax);
        GradientCheck.assertGradientMatches(model, block, rows, count, params, g, 0.0, what);
    }

    private static void checkAllLayouts(boolean logistic, boolean intercept) {
        int n = 157;
        int d = 6;
        TestData.Rows r = TestData.random(logistic ? 11 : 12, n, d, 0.45, logistic, false);
        LinearModel model = logistic ? LinearModel.logisticRegression(d, intercept)
                : LinearModel.linearRegression(d, intercept);
        assertEquals(d + (intercept ? 1 : 0), model.numParameters());
        // a subset: shuffled, with a repeated row, and only the first `count` entries of the array are used
        SplittableRandom rng = new SplittableRandom(3);
        int[] subset = new int[70];
        for (int i = 0; i < subset.length; i++) subset[i] = rng.nextInt(n);
        subset[5] = subset[6];
        long seed = 1;
        for (Storage s : Storage.values()) {
            check(model, r, s, null, n, seed++);
            check(model, r, s, null, 40, seed++); // rows == null: the first 40 in storage order
            check(model, r, s, subset, 60, seed++);
        }
    }

    @Test
    void linearRegressionWithIntercept() {
        checkAllLayouts(false, true);
    }

    @Test
    void linearRegressionWithoutIntercept() {
        checkAllLayouts(false, false);
    }

    @Test
    void logisticRegressionWithIntercept() {
        checkAllLayouts(true, true);
    }

    @Test
    void logisticRegressionWithoutIntercept() {
        checkAllLayouts(true, false);
    }

    @Test
    void parameterGroupsDescribeTheLayout() {
        LinearModel with = LinearModel.linearRegression(4, true);
        assertEquals(2, with.groups().size());
        assertEquals(new ParameterGroup("coefficients", 0, 4, true), with.groups().get(0));
        assertEquals(new ParameterGroup("intercepts", 4, 1, false), with.groups().get(1));
        LinearModel without = LinearModel.logisticRegression(4, false);
        assertEquals(1, without.groups().size());
        assertEquals(new ParameterGroup("coefficients", 0, 4, true), without.groups().get(0));
        assertTrue(without.isClassifier());
        assertTrue(!with.isClassifier());
    }

    // ---------------------------------------------------------------------------------------------------------
    // LogisticLoss at large margins, against 60-digit references

    private static final MathContext MC = new MathContext(60);

    /** e^x for x >= 0 in BigDecimal: Taylor series of e^(x/64), then squared six times. */
    private static BigDecimal exp(BigDecimal x) {
        BigDecimal y = x.divide(BigDecimal.valueOf(64), MC);
        BigDecimal term = BigDecimal.ONE;
        BigDecimal sum = BigDecimal.ONE;
        for (int k = 1; k < 400; k++) {
            term = term.multiply(y, MC).divide(BigDecimal.valueOf(k), MC);
            sum = sum.add(term, MC);
            if (term.compareTo(sum.ulp()) < 0) break;
        }
        for (int i = 0; i < 6; i++) sum = sum.multiply(sum, MC);
        return sum;
    }

    /** ln(1 + t) for 0 <= t <= 0.01 by its alternating series. */
    private static BigDecimal log1p(BigDecimal t) {
        BigDecimal sum = BigDecimal.ZERO;
        BigDecimal power = t;
        for (int k = 1; k < 200; k++) {
            BigDecimal term = power.divide(BigDecimal.valueOf(k), MC);
            sum = (k % 2 == 1) ? sum.add(term, MC) : sum.subtract(term, MC);
            if (term.signum() == 0 || term.compareTo(sum.abs().ulp()) < 0) break;
            power = power.multiply(t, MC);
        }
        return sum;
    }

    /** The exact loss {@code log(1 + e^m) - y m} and derivative {@code 1/(1 + e^-m) - y}, rounded to double. */
    /**
     * The exact loss and derivative in 60-digit arithmetic, written without cancellation (a 60-digit
     * {@code softplus(m) - m} would itself lose the ~1e-44 loss at m = 100): with {@code t = e^-|m|},
     * {@code l = (m > 0 ? (1 - y) m : -y m) + log1p(t)} and
     * {@code dl/dm = m > 0 ? (1 - y) - t / (1 + t) : t / (1 + t) - y}.
     */
    private static double[] exact(double margin, double y) {
        BigDecimal m = new BigDecimal(margin);
        BigDecimal yy = new BigDecimal(y);
        BigDecimal t = BigDecimal.ONE.divide(exp(m.abs()), MC); // e^-|m|
        BigDecimal linear = margin > 0 ? m.multiply(BigDecimal.ONE.subtract(yy), MC) : m.negate().multiply(yy, MC);
        BigDecimal value = linear.add(log1p(t), MC);
        BigDecimal small = t.divide(BigDecimal.ONE.add(t), MC); // sigmoid(-|m|)
        BigDecimal derivative = margin > 0 ? BigDecimal.ONE.subtract(yy).subtract(small, MC) : small.subtract(yy, MC);
        return new double[] {value.doubleValue(), derivative.doubleValue()};
    }

    private static final double[] LARGE_MARGINS = {1000, -1000, 40, -40, 20, -20, 710, -710, 745, -745};

    /**
     * Finite everywhere (no overflow of e^m) and accurate to a few ulps of max(1, |exact|): the error that matters
     * when losses and gradients are summed over rows. Exact at the limits (e^-1000 underflows to 0).
     */
    @Test
    void logisticLossIsFiniteAndAccurateAtLargeMargins() {
        LogisticLoss loss = new LogisticLoss();
        for (double m : LARGE_MARGINS) {
            for (double y : new double[] {0.0, 1.0}) {
                double value = loss.value(m, y);
                double derivative = loss.derivative(m, y);
                double[] ex = exact(m, y);
                String at = "m=" + m + " y=" + y;
                assertTrue(Double.isFinite(value), at + ": value " + value);
                assertTrue(Double.isFinite(derivative), at + ": derivative " + derivative);
                assertTrue(value >= 0.0, at + ": negative loss " + value);
                assertEquals(ex[0], value, 4 * Math.ulp(Math.max(1.0, Math.abs(ex[0]))), at + ": value");
                assertEquals(ex[1], derivative, 4 * Math.ulp(1.0), at + ": derivative");
            }
        }
        // the limits
        assertEquals(1000.0, loss.value(1000, 0));
        assertEquals(1000.0, loss.value(-1000, 1));
        assertEquals(0.0, loss.value(-1000, 0));
        assertEquals(0.0, loss.value(1000, 1));
        assertEquals(1.0, loss.derivative(1000, 0));
        assertEquals(-1.0, loss.derivative(-1000, 1));
        assertEquals(0.0, loss.derivative(-1000, 0));
        assertEquals(0.0, loss.derivative(1000, 1), 0.0);
        // the references themselves: e^-40 = 4.248354255291588995...e-18
        assertEquals(4.248354255291589e-18, exact(-40, 0)[0], 1e-32);
        assertEquals(4.248354255291589e-18, LogisticLoss.softplus(-40), 1e-32);
        assertEquals(40.0, LogisticLoss.softplus(40));
        assertEquals(0.5, LogisticLoss.sigmoid(0));
        assertEquals(Math.log(2), LogisticLoss.softplus(0), 1e-16);
    }

    /**
     * Relative accuracy: the loss and derivative on the correctly classified side are tiny but not zero, and should
     * keep their digits (the class javadoc: "no small value is lost to cancellation"); and the loss is symmetric
     * under label flip, {@code l(m, 1) = l(-m, 0)}. (A naive {@code softplus(m) - m} and {@code sigmoid(m) - 1}
     * cancel: value(40, 1) and derivative(40, 1) would be 0 where the exact values are +-4.2483542552915890e-18.)
     */
    @Test
    void logisticLossKeepsRelativeAccuracyOnTheCorrectSide() {
        LogisticLoss loss = new LogisticLoss();
        for (double m : new double[] {5, 20, 40, 100, 700}) {
            double[] ex1 = exact(m, 1.0);
            double[] ex0 = exact(-m, 0.0);
            assertEquals(ex1[0], loss.value(m, 1.0), 4 * Math.ulp(ex1[0]), "value(" + m + ", 1)");
            assertEquals(ex1[1], loss.derivative(m, 1.0), 4 * Math.ulp(ex1[1]), "derivative(" + m + ", 1)");
            assertEquals(ex0[0], loss.value(-m, 0.0), 4 * Math.ulp(ex0[0]), "value(" + -m + ", 0)");
            assertEquals(ex0[1], loss.derivative(-m, 0.0), 4 * Math.ulp(ex0[1]), "derivative(" + -m + ", 0)");
            assertEquals(loss.value(-m, 0.0), loss.value(m, 1.0), "label-flip symmetry at m=" + m);
        }
    }
}
