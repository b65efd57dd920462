package dev.steepest.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link PolyakAverage}: the running mean {@code mean += (p - mean) / (count + 1)} equals the arithmetic mean of
 * the iterates; it is pure; and on SGD with constant step and noisy gradients the average is far closer to the
 * optimum than the last iterate (Polyak &amp; Juditsky 1992).
 */
class PolyakAverageTest {

    @Test
    void runningMeanEqualsTheArithmeticMean() {
        SplittableRandom rng = new SplittableRandom(1);
        double[][] iterates = new double[50][3];
        for (double[] row : iterates) for (int i = 0; i < 3; i++) row[i] = rng.nextDouble() * 10 - 5;
        PolyakAverage.AverageState s = PolyakAverage.empty(3);
        assertEquals(0, s.count());
        for (int n = 0; n < iterates.length; n++) {
            double[] before = iterates[n].clone();
            PolyakAverage.AverageState prev = s;
            double[] prevMean = prev.mean().clone();
            s = PolyakAverage.add(s, iterates[n]);
            assertArrayEquals(before, iterates[n], 0.0, "params not modified");
            assertArrayEquals(prevMean, prev.mean(), 0.0, "old state not modified");
            assertEquals(n + 1, s.count());
            if (n == 0) assertArrayEquals(iterates[0], s.mean(), 0.0, "first add: the iterate itself");
            for (int i = 0; i < 3; i++) {
                double sum = 0;
                for (int k = 0; k <= n; k++) sum += iterates[k][i];
                assertEquals(sum / (n + 1), s.mean()[i], 1e-13);
            }
        }
    }

    @Test
    void statesCompareByContentAndCheckDimensions() {
        PolyakAverage.AverageState a = PolyakAverage.add(PolyakAverage.empty(2), new double[] {1, 2});
        PolyakAverage.AverageState b = new PolyakAverage.AverageState(new double[] {1, 2}, 1);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, new PolyakAverage.AverageState(new double[] {1, 2}, 2));
        assertThrows(IllegalArgumentException.class, () -> PolyakAverage.add(a, new double[3]));
        assertThrows(IllegalArgumentException.class, () -> new PolyakAverage.AverageState(new double[1], -1));
    }

    /**
     * f(x) = x^2 / 2 with gradient noise N(0, 1), SGD with lr = 0.1 from x = 5: the iterates settle in a
     * stationary spread of variance lr / (2 - lr) ~ 0.053 (std 0.23) around 0, while the mean of the iterates
     * after a burn-in of 200 steps has standard deviation ~ 1 / sqrt(n) = 0.01.
     */
    @Test
    void averagingSgdIteratesReducesTheNoise() {
        SplittableRandom rng = new SplittableRandom(42);
        GradientTransformation sgd = Optimizers.sgd(LearningRateSchedule.constant(0.1), 0, 0, false, 0, List.of());
        double[] x = {5.0};
        OptState s = sgd.init(x);
        PolyakAverage.AverageState avg = PolyakAverage.empty(1);
        double lastSquares = 0;
        int n = 10_000;
        for (int t = 0; t < 200 + n; t++) {
            double noise = gaussian(rng);
            GradientTransformation.Update u = sgd.update(new double[] {x[0] + noise}, s, x);
            s = u.state();
            x = GradientTransformation.applyUpdates(x, u.updates());
            if (t >= 200) {
                avg = PolyakAverage.add(avg, x);
                lastSquares += x[0] * x[0];
            }
        }
        double iterateRms = Math.sqrt(lastSquares / n);
        assertTrue(iterateRms > 0.15 && iterateRms < 0.35, "stationary spread " + iterateRms);
        assertTrue(Math.abs(avg.mean()[0]) < 0.05, "average " + avg.mean()[0] + " vs iterate rms " + iterateRms);
    }

    private static double gaussian(SplittableRandom rng) {
        double u = rng.nextDouble();
        double v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }
}
