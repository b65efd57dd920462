package dev.steepest.spark.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.train.EpochRecord;
import dev.steepest.core.train.StepRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A parameter group whose gradient is exactly zero for a whole epoch is named once, on the console and in the list. */
class DeadGradientWarningTest {
    private static StepRecord step(long epoch, double layer1, double layer2) {
        Map<String, Double> norms = new LinkedHashMap<>();
        norms.put("layer1", layer1);
        norms.put("layer2", layer2);
        return new StepRecord(0, epoch, 0, 1.0, 0.1, 1.0, norms, 8, 0.0);
    }

    private static EpochRecord epoch(long e) {
        return new EpochRecord(e, 0, 1.0, 1.0, 0.0, 1.0, 0.0, null);
    }

    @Test
    void warnsOnceForAGroupWithNoGradientInAWholeEpoch() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DeadGradientWarning w = new DeadGradientWarning(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        // epoch 1: layer1's gradient is zero in one step only: alive
        w.onStep(step(0, 0.0, 0.5));
        w.onStep(step(0, 0.2, 0.5));
        w.onEpoch(epoch(0));
        assertEquals(List.of(), w.warnings());
        // epochs 2 and 3: layer1 gets nothing: one warning, naming it and the epoch
        for (int e = 1; e <= 2; e++) {
            w.onStep(step(e, 0.0, 0.5));
            w.onStep(step(e, 0.0, 0.4));
            w.onEpoch(epoch(e));
        }
        assertEquals(1, w.warnings().size());
        assertTrue(w.warnings().get(0).startsWith("epoch 2: no gradient reached layer1 in the whole epoch"),
                w.warnings().get(0));
        assertTrue(bytes.toString(StandardCharsets.UTF_8).startsWith("warning: epoch 2: no gradient reached layer1"));
    }
}
