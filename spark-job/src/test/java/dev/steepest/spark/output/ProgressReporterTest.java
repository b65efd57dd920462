package dev.steepest.spark.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.model.Evaluation;
import dev.steepest.core.optim.LrScaling;
import dev.steepest.core.train.EpochRecord;
import dev.steepest.core.train.StepRecord;
import dev.steepest.core.train.TrainingPlan;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ProgressReporterTest {
    private static final Pattern LINE = Pattern.compile("epoch (\\d+)/2 step (\\d+)/4 loss (\\S+) (["
            + Sparkline.BARS + Pattern.quote(Sparkline.ASCII) + "!]+)( val loss (\\S+) \\(epoch (\\d+)\\))? lr (\\S+) "
            + "samples/s (\\S+) ETA (\\S+)");

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final ProgressReporter p = new ProgressReporter(new PrintStream(bytes, true, StandardCharsets.UTF_8), 0,
            2, 0, 4);

    private List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static StepRecord step(long iteration, double loss, double seconds) {
        return new StepRecord(iteration, (iteration - 1) / 4, (iteration - 1) % 4, loss, 0.05, 1.0, Map.of(), 100,
                seconds);
    }

    @Test
    void everyLineHasTheLossItsSparklineTheRateThroughputAndEta() {
        p.onPlan(new TrainingPlan(400, 100, 4, 0.05, 0.05, LrScaling.NONE, 256, 0, 0));
        double[] losses = {2.0, 1.5, 1.0, 0.8};
        for (int i = 0; i < 4; i++) p.onStep(step(i + 1, losses[i], i + 1.0));
        List<String> lines = lines();
        assertEquals(4, lines.size());
        Matcher m = LINE.matcher(lines.get(3));
        assertTrue(m.matches(), lines.get(3));
        assertEquals("1", m.group(1));
        assertEquals("4", m.group(2));
        assertEquals("0.800000", m.group(3));
        assertEquals(4, m.group(4).length(), "one character per line so far");
        assertEquals(null, m.group(5), "no validation set, no validation loss");
        assertEquals("0.05000", m.group(8));
        assertEquals("100", m.group(9)); // 400 rows in 4 s
        assertEquals("4s", m.group(10)); // 4 of 8 steps in 4 s
        assertEquals(Sparkline.ofConsole(new double[] {2.0, 1.5, 1.0, 0.8}), m.group(4));
        assertEquals("█▅▂▁", Sparkline.of(new double[] {2.0, 1.5, 1.0, 0.8}));
    }

    @Test
    void afterAnEpochWithValidationTheLineShowsThatEpochsValidationLoss() {
        p.onPlan(new TrainingPlan(400, 100, 4, 0.05, 0.05, LrScaling.NONE, 256, 0, 0));
        for (int i = 0; i < 4; i++) p.onStep(step(i + 1, 1.0 - 0.1 * i, i + 1.0));
        Evaluation v = new Evaluation();
        v.addClassified(1.0, 0.625, true);
        v.addClassified(1.0, 0.375, false);
        p.onEpoch(new EpochRecord(0, 4, 0.85, 0.1, 0.2, 1.0, 4.0, v));
        p.onStep(step(5, 0.6, 5.0));
        Matcher m = LINE.matcher(lines().get(4));
        assertTrue(m.matches(), lines().get(4));
        assertEquals("0.500000", m.group(6));
        assertEquals("1", m.group(7));
        assertEquals("2", m.group(1));
    }

    @Test
    void theSparklineShowsTheMeanLossBetweenLinesForTheLastSixteenLines() {
        ProgressReporter slow = new ProgressReporter(new PrintStream(bytes, true, StandardCharsets.UTF_8), 10, 0,
                0, 4);
        slow.onPlan(new TrainingPlan(400, 100, 4, 0.05, 0.05, LrScaling.NONE, 256, 0, 0));
        // a line at 0 s, then one every 10 s: the steps between two lines are averaged into one character
        slow.onStep(step(1, 9.0, 0.0));
        for (int i = 2; i <= 40; i++) slow.onStep(step(i, i % 2 == 0 ? 1.0 : 3.0, i - 1.0));
        // lines at 0, 10, 20, 30 s: means 9, then 2 for each later line (alternating 1 and 3)
        assertEquals(4, lines().size());
        assertEquals(Sparkline.ofConsole(new double[] {9, 2, 2, 2}), slow.sparkline());
        for (int i = 41; i <= 400; i++) slow.onStep(step(i, 1.0, i - 1.0));
        assertEquals(ProgressReporter.SPARK_WIDTH, slow.sparkline().length());
    }
}
