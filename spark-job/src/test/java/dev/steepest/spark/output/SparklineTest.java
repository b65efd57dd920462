package dev.steepest.spark.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SparklineTest {

    @Test
    void valuesFromTheSmallestToTheLargestTakeTheEightBarsInOrder() {
        assertEquals("▁▂▃▄▅▆▇█", Sparkline.of(new double[] {0, 1, 2, 3, 4, 5, 6, 7}));
        assertEquals("█▅▃▂▁", Sparkline.of(new double[] {2.0, 1.3, 0.9, 0.7, 0.5}));
    }

    @Test
    void theScaleIsTheSeriesOwnSoOnlyTheShapeCounts() {
        assertEquals(Sparkline.of(new double[] {1, 2, 3}), Sparkline.of(new double[] {1000, 2000, 3000}));
        assertEquals("▁▅█", Sparkline.of(new double[] {1e-3, 1.5e-3, 2e-3})); // eight equal bins: the middle opens the fifth
    }

    @Test
    void aFlatSeriesIsMidHeightANonFiniteValueIsMarkedAndAnEmptyOneIsEmpty() {
        assertEquals("▄▄▄", Sparkline.of(new double[] {0.7, 0.7, 0.7}));
        assertEquals("▄", Sparkline.of(new double[] {0.7}));
        assertEquals("▁█!", Sparkline.of(new double[] {1, 2, Double.NaN}));
        assertEquals("", Sparkline.of(new double[0]));
    }

    @Test
    void theAsciiFallbackKeepsTheSameLevels() {
        assertEquals("_.-:=+*#", Sparkline.of(new double[] {0, 1, 2, 3, 4, 5, 6, 7}, Sparkline.ASCII));
    }
}
