package dev.steepest.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LrRangeTestTest {

    @Test
    void theRateGrowsGeometricallyFromMinAtTheFirstStepToMaxAtTheLast() {
        LrRangeTest t = new LrRangeTest(1e-6, 10, 100);
        assertEquals(1e-6, t.rate(0), 0.0);
        assertEquals(10, t.rate(99), 0.0);
        double ratio = Math.pow(1e7, 1.0 / 99);
        for (int i = 1; i < 100; i++) assertEquals(ratio, t.rate(i) / t.rate(i - 1), 1e-12);
        assertEquals(t.rate(42), t.scheduleFactory().create(null).rate(42), 0.0);
    }

    @Test
    void theSmoothedLossIsTheBiasCorrectedMovingAverageAsFastaiComputesIt() {
        LrRangeTest t = new LrRangeTest(1e-3, 1, 10, 0.9, 4);
        double[] losses = {2.0, 1.0, 1.5, 0.5};
        double avg = 0;
        for (int i = 0; i < losses.length; i++) {
            t.observe(i + 1, t.rate(i), losses[i]);
            avg = 0.9 * avg + 0.1 * losses[i];
            assertEquals(avg / (1 - Math.pow(0.9, i + 1)), t.points().get(i).smoothedLoss(), 1e-15);
        }
        assertEquals(2.0, t.points().get(0).smoothedLoss(), 1e-15); // bias correction: the first value is the loss
        assertNull(t.stopRequest());
    }

    @Test
    void theTestStopsOnceTheSmoothedLossExceedsFourTimesItsBestOrALossIsNotFinite() {
        LrRangeTest t = new LrRangeTest(1e-3, 1, 50, 0.0, 4); // no smoothing: the bound acts on the raw loss
        t.observe(1, 1e-3, 1.0);
        t.observe(2, 2e-3, 0.5);
        t.observe(3, 3e-3, 1.99);
        assertNull(t.stopRequest());
        t.observe(4, 4e-3, 2.01);
        assertEquals(LrRangeTest.STOP_REASON, t.stopRequest());
        LrRangeTest nan = new LrRangeTest(1e-3, 1, 50);
        nan.observe(1, 1e-3, 1.0);
        nan.observe(2, 2e-3, Double.NaN);
        assertTrue(nan.exploded());
        assertEquals(1, nan.points().size());
    }

    @Test
    void onASigmoidCurveTheSteepestDescentIsAtItsMiddleAndTheMinimumWhereItBottomsOut() {
        // loss falls from 2 to 1 like a logistic curve in log10(lr) centered at 1e-3, then rises after 1e-1
        int n = 101;
        LrRangeTest t = new LrRangeTest(1e-6, 10, n, 0.0, 1e9);
        for (int i = 0; i < n; i++) {
            double lr = t.rate(i);
            double x = Math.log10(lr);
            double loss = 1 + 1 / (1 + Math.exp(3 * (x + 3))) + (x > -1 ? (x + 1) * (x + 1) : 0);
            t.observe(i + 1, lr, loss);
        }
        LrRangeTest.Suggestions s = t.suggestions();
        double step = Math.pow(1e7, 1.0 / (n - 1)); // one point's spacing
        assertEquals(-3, Math.log10(s.steepest()), Math.log10(step));
        assertEquals(-1, Math.log10(s.minimum()), 2 * Math.log10(step));
        assertEquals(s.minimum() / 10, s.minimumOver10(), 0.0);
        assertFalse(Double.isNaN(s.steepest()));
    }

    @Test
    void aCurveOfOnePointSuggestsNothingAndBadArgumentsAreRefused() {
        LrRangeTest t = new LrRangeTest(1e-3, 1, 100);
        t.observe(1, 1e-3, 1.0);
        assertTrue(Double.isNaN(t.suggestions().steepest()));
        for (double[] bad : List.of(new double[] {0, 1}, new double[] {1, 1}, new double[] {2, 1},
                new double[] {1, Double.POSITIVE_INFINITY})) {
            assertThrows(IllegalArgumentException.class, () -> new LrRangeTest(bad[0], bad[1], 100));
        }
        assertThrows(IllegalArgumentException.class, () -> new LrRangeTest(1e-3, 1, 1));
    }
}
