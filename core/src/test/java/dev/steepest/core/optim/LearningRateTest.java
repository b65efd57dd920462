package dev.steepest.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.TestData;
import dev.steepest.core.model.LinearModel;
import dev.steepest.core.train.LocalGradientSource;
import dev.steepest.core.train.StepRecord;
import dev.steepest.core.train.TrainingListener;
import dev.steepest.core.train.TrainingLoop;
import dev.steepest.core.train.TrainingPlan;
import dev.steepest.core.train.TrainingResult;
import dev.steepest.core.train.TrainingSettings;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Batch-size scaling of the learning rate, warmup, the plan's description, and the rates the loop uses. */
class LearningRateTest {

    private static TrainingSettings settings(long batch, double lr, LrScaling scaling, long reference,
                                             double warmupEpochs) {
        return new TrainingSettings(batch, 3, 0, 1, lr, scaling, reference, warmupEpochs, 0.0, Double.NaN,
                Double.NaN, Double.NaN);
    }

    /** {@code expected} to within a few ulps (the test's formula rounds in another order). */
    private static void assertRate(double expected, double actual, String what) {
        assertEquals(expected, actual, 4 * Math.ulp(expected), what);
    }

    @Test
    void scalingFactors() {
        assertEquals(32.0, LrScaling.LINEAR.factor(8192, 256), 0.0);
        assertEquals(Math.sqrt(32.0), LrScaling.SQRT.factor(8192, 256), 0.0);
        assertEquals(1.0, LrScaling.NONE.factor(8192, 256), 0.0);
        assertEquals(0.390625, LrScaling.LINEAR.factor(100, 256), 0.0);
        assertEquals(0.625, LrScaling.SQRT.factor(100, 256), 0.0);
        assertEquals(1.0, LrScaling.LINEAR.factor(256, 256), 0.0);
        assertEquals(2.0, LrScaling.SQRT.factor(1024, 256), 0.0);
        assertEquals(1.0, LrScaling.NONE.factor(1, 256), 0.0);
        for (LrScaling s : LrScaling.values()) assertEquals(s, LrScaling.parse(s.configName()));
        assertEquals(LrScaling.SQRT, LrScaling.parse("Sqrt"));
        assertEquals("linear", LrScaling.LINEAR.configName());
    }

    @Test
    void linearScalingWithWarmupFollowsGoyalEtAl() {
        TrainingSettings s = settings(8192, 0.1, LrScaling.LINEAR, 256, 5);
        TrainingPlan plan = TrainingLoop.plan(s, 8192L * 10);
        assertEquals(8192, plan.batchSize());
        assertEquals(10, plan.stepsPerEpoch());
        assertEquals(0.1, plan.baseLr(), 0.0);
        assertRate(3.2, plan.effectiveLr(), "effective");
        assertEquals(50, plan.warmupSteps());
        assertEquals("batch 8192 = 32 x 256: lr 0.1 -> 3.2 (linear), warmup 5 epochs (50 steps)", plan.describe());

        LearningRateSchedule schedule = TrainingLoop.schedule(plan);
        assertEquals(0.1, schedule.rate(0), 0.0, "warmup starts at the base rate");
        for (long t = 0; t < 50; t++) {
            assertRate(0.1 + (3.2 - 0.1) * t / 50, schedule.rate(t), "step " + t);
            assertTrue(schedule.rate(t + 1) > schedule.rate(t), "increasing during warmup at " + t);
        }
        for (long t = 50; t < 500; t++) assertEquals(plan.effectiveLr(), schedule.rate(t), 0.0, "step " + t);
        // the increments are equal: a linear ramp
        double step = schedule.rate(1) - schedule.rate(0);
        assertRate(3.1 / 50, step, "increment");
        for (long t = 1; t < 50; t++) assertEquals(step, schedule.rate(t + 1) - schedule.rate(t), 1e-14);
    }

    @Test
    void noScaling() {
        TrainingPlan plan = TrainingLoop.plan(settings(100, 0.05, LrScaling.NONE, 256, 0), 10_000);
        assertEquals(100, plan.stepsPerEpoch());
        assertEquals(0.05, plan.effectiveLr(), 0.0);
        assertEquals(0, plan.warmupSteps());
        assertEquals("batch 100: lr 0.05 (no scaling)", plan.describe());
        LearningRateSchedule schedule = TrainingLoop.schedule(plan);
        for (long t = 0; t < 300; t++) assertEquals(0.05, schedule.rate(t), 0.0);

        TrainingPlan warm = TrainingLoop.plan(settings(100, 0.05, LrScaling.NONE, 256, 0.5), 10_000);
        assertEquals(50, warm.warmupSteps());
        assertEquals("batch 100: lr 0.05 (no scaling), warmup 0.5 epochs (50 steps)", warm.describe());
        LearningRateSchedule flat = TrainingLoop.schedule(warm);
        for (long t = 0; t < 100; t++) assertEquals(0.05, flat.rate(t), 0.0, "a ramp from 0.05 to 0.05");
    }

    @Test
    void sqrtScaling() {
        TrainingPlan plan = TrainingLoop.plan(settings(1024, 0.1, LrScaling.SQRT, 256, 1), 10_240);
        assertEquals(10, plan.stepsPerEpoch());
        assertRate(0.2, plan.effectiveLr(), "0.1 * sqrt(4)");
        assertEquals(10, plan.warmupSteps());
        assertEquals("batch 1024 = 4 x 256: lr 0.1 -> 0.2 (sqrt), warmup 1 epoch (10 steps)", plan.describe());
        LearningRateSchedule schedule = TrainingLoop.schedule(plan);
        for (long t = 0; t < 10; t++) assertRate(0.1 + 0.1 * t / 10, schedule.rate(t), "step " + t);
        for (long t = 10; t < 30; t++) assertEquals(plan.effectiveLr(), schedule.rate(t), 0.0);

        TrainingPlan small = TrainingLoop.plan(settings(100, 0.4, LrScaling.SQRT, 256, 0), 1000);
        assertRate(0.25, small.effectiveLr(), "0.4 * sqrt(100/256)");
        assertEquals("batch 100 = 0.390625 x 256: lr 0.4 -> 0.25 (sqrt)", small.describe());
    }

    @Test
    void fullBatch() {
        TrainingSettings s = settings(TrainingSettings.FULL_BATCH, 0.1, LrScaling.LINEAR, 256, 3);
        TrainingPlan plan = TrainingLoop.plan(s, 1024);
        assertEquals(1024, plan.batchSize());
        assertEquals(1, plan.stepsPerEpoch());
        assertRate(0.4, plan.effectiveLr(), "0.1 * 4");
        assertEquals(3, plan.warmupSteps());
        assertEquals("batch 1024 (full) = 4 x 256: lr 0.1 -> 0.4 (linear), warmup 3 epochs (3 steps)",
                plan.describe());
        LearningRateSchedule schedule = TrainingLoop.schedule(plan);
        assertRate(0.1, schedule.rate(0), "t=0");
        assertRate(0.2, schedule.rate(1), "t=1");
        assertRate(0.3, schedule.rate(2), "t=2");
        for (long t = 3; t < 10; t++) assertEquals(plan.effectiveLr(), schedule.rate(t), 0.0);

        TrainingPlan none = TrainingLoop.plan(settings(TrainingSettings.FULL_BATCH, 0.1, LrScaling.NONE, 256, 0),
                1000);
        assertEquals("batch 1000 (full): lr 0.1 (no scaling)", none.describe());
        TrainingPlan oneStep = TrainingLoop.plan(settings(100, 0.1, LrScaling.LINEAR, 100, 0.1), 1000);
        assertEquals("batch 100 = 1 x 100: lr 0.1 -> 0.1 (linear), warmup 0.1 epochs (1 step)", oneStep.describe());

        assertThrows(IllegalArgumentException.class,
                () -> TrainingLoop.plan(settings(2000, 0.1, LrScaling.LINEAR, 256, 0), 1000));
    }

    @Test
    void warmupScheduleByItself() {
        LinearWarmup w = new LinearWarmup(0.0, 4, t -> 1.0 + t); // target rate depends on t
        assertEquals(0.0, w.rate(0), 0.0);
        assertEquals(5.0 * 1 / 4, w.rate(1), 0.0, "ramps towards after(W) = 5");
        assertEquals(5.0 * 3 / 4, w.rate(3), 0.0);
        assertEquals(5.0, w.rate(4), 0.0);
        assertEquals(11.0, w.rate(10), 0.0, "then the target, its steps counted from the start");
        assertEquals(7.0, new LinearWarmup(3.0, 0, LearningRateSchedule.constant(7.0)).rate(0), 0.0);
        assertThrows(IllegalArgumentException.class, () -> new LinearWarmup(0, -1, t -> 1));
    }

    /**
     * Runs the loop on a tiny problem and checks the rate of every step three ways: the {@link StepRecord}, the
     * formula, and the update actually applied ({@code -lr * g} for plain SGD).
     */
    @Test
    void theLoopUsesTheScheduledRates() {
        TestData.Rows rows = TestData.random(4, 40, 3, 0.0, false, true);
        LinearModel model = LinearModel.linearRegression(3, true);
        LocalGradientSource source = new LocalGradientSource(TestData.blocks(rows, new int[] {25, 15}, false), model);
        // batch 8 of 40: 5 steps per epoch; linear factor 8/4 = 2: lr 0.01 -> 0.02; warmup 1 epoch = 5 steps
        TrainingSettings s = new TrainingSettings(8, 3, 0, 9, 0.01, LrScaling.LINEAR, 4, 1.0, 0.0, Double.NaN,
                Double.NaN, Double.NaN);
        List<StepRecord> steps = new ArrayList<>();
        List<TrainingPlan> plans = new ArrayList<>();
        List<double[]> gradients = new ArrayList<>();
        List<double[]> updates = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override public void onPlan(TrainingPlan plan) { plans.add(plan); }
            @Override public void onStep(StepRecord step) { steps.add(step); }
        };
        TrainingResult result = new TrainingLoop(source, model, s, (schedule, groups) -> {
            GradientTransformation sgd = Optimizers.sgd(schedule, 0, 0, false, 0, groups);
            return new GradientTransformation() {
                @Override public OptState init(double[] params) { return sgd.init(params); }
                @Override public Update update(double[] g, OptState state, double[] params) {
                    Update u = sgd.update(g, state, params);
                    gradients.add(g.clone());
                    updates.add(u.updates().clone());
                    return u;
                }
            };
        }, List.of(listener)).run(new double[4]);

        assertEquals("epochs", result.stopReason());
        assertEquals(1, plans.size());
        assertEquals(TrainingLoop.plan(s, 40), plans.get(0));
        assertEquals(result.plan(), plans.get(0));
        assertEquals("batch 8 = 2 x 4: lr 0.01 -> 0.02 (linear), warmup 1 epoch (5 steps)", plans.get(0).describe());
        assertEquals(15, steps.size());
        assertEquals(15, updates.size());
        for (int t = 0; t < 15; t++) {
            StepRecord r = steps.get(t);
            assertEquals(t + 1, r.iteration());
            assertEquals(t / 5, r.epoch());
            assertEquals(t % 5, r.stepInEpoch());
            assertEquals(8, r.rows());
            double expected = t < 5 ? 0.01 + (0.02 - 0.01) * t / 5 : 0.02;
            assertRate(expected, r.lr(), "recorded rate at step " + t);
            for (int i = 0; i < 4; i++) {
                assertEquals(-r.lr() * gradients.get(t)[i], updates.get(t)[i], 0.0,
                        "the update of step " + t + " used the recorded rate");
            }
            assertEquals(TestData.norm(gradients.get(t)), r.gradientNorm(), 1e-15 * r.gradientNorm());
        }
    }
}
