package dev.steepest.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.TestData;
import dev.steepest.core.data.Block;
import dev.steepest.core.model.Accumulator;
import dev.steepest.core.model.LinearModel;
import dev.steepest.core.model.Model;
import dev.steepest.core.model.ParameterInit;
import dev.steepest.core.optim.GradientTransformation;
import dev.steepest.core.optim.LrScaling;
import dev.steepest.core.optim.OptState;
import dev.steepest.core.optim.Optimizers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Stop reasons as documented in {@link TrainingSettings}, divergence handling, and bit-reproducibility. */
class TrainingLoopTest {
    private static final int N = 120;
    private static final int D = 4;
    private static final int[] SIZES = {50, 0, 70};
    private static final double NAN = Double.NaN;

    /** What a run saw: plan, steps, epochs and the params before every update. */
    private static class Recorder implements TrainingListener {
        final List<StepRecord> steps = new ArrayList<>();
        final List<EpochRecord> epochs = new ArrayList<>();
        final List<double[]> paramsBeforeStep = new ArrayList<>();
        TrainingPlan plan;

        @Override public void onPlan(TrainingPlan p) { plan = p; }
        @Override public void onStep(StepRecord s) { steps.add(s); }
        @Override public void onEpoch(EpochRecord e) { epochs.add(e); }
    }

    private static TrainingSettings settings(long batch, int epochs, long maxIterations, double lr, double l2,
                                             double lossTol, double gradTol, double paramTol) {
        return new TrainingSettings(batch, epochs, maxIterations, 7, lr, LrScaling.NONE, 1, 0.0, l2, lossTol,
                gradTol, paramTol);
    }

    private static List<Block> linearBlocks(boolean sparse) {
        return TestData.blocks(TestData.random(77, N, D, sparse ? 0.3 : 0.0, false, false), SIZES, sparse);
    }

    private static TrainingResult run(List<Block> blocks, Model model, TrainingSettings s, double momentum,
                                      boolean nesterov, double[] init, Recorder rec) {
        return new TrainingLoop(new LocalGradientSource(blocks, model), model, s, (schedule, groups) -> {
            GradientTransformation sgd = Optimizers.sgd(schedule, momentum, 0, nesterov, 0, groups);
            return new GradientTransformation() {
                @Override public OptState init(double[] params) { return sgd.init(params); }
                @Override public Update update(double[] g, OptState state, double[] params) {
                    rec.paramsBeforeStep.add(params.clone());
                    return sgd.update(g, state, params);
                }
            };
        }, List.of(rec)).run(init);
    }

    private static TrainingResult runLinear(TrainingSettings s, Recorder rec) {
        return run(linearBlocks(false), LinearModel.linearRegression(D, true), s, 0.0, false, new double[D + 1], rec);
    }

    @Test
    void settingsNeedEpochsOrIterations() {
        assertThrows(IllegalArgumentException.class, () -> settings(10, 0, 0, 0.1, 0, NAN, NAN, NAN));
    }

    @Test
    void aListenerThatAsksToStopEndsTheRunAfterThatStepWithItsReason() {
        Recorder rec = new Recorder() {
            @Override public String stopRequest() { return steps.size() == 5 ? "signal" : null; }
        };
        TrainingResult r = runLinear(settings(16, 4, 0, 0.05, 0.0, NAN, NAN, NAN), rec);
        assertEquals("signal", r.stopReason());
        assertEquals(5, r.iterations());
        assertEquals(5, rec.steps.size());
        assertTrue(rec.epochs.isEmpty(), "the interrupted epoch is not recorded as finished");
    }

    @Test
    void stopsAfterTheRequestedEpochs() {
        Recorder rec = new Recorder();
        TrainingResult r = runLinear(settings(16, 4, 0, 0.05, 0.0, NAN, NAN, NAN), rec);
        assertEquals("epochs", r.stopReason());
        assertFalse(r.diverged());
        assertNull(r.divergenceMessage());
        assertEquals(8, r.plan().stepsPerEpoch(), "ceil(120 / 16)");
        assertEquals(32, r.iterations());
        assertEquals(4.0, r.epochs(), 0.0);
        assertEquals(4L * N, r.rowsProcessed());
        assertEquals(4, rec.epochs.size());
        assertEquals(32, rec.steps.size());
        assertEquals(rec.steps.get(31).loss(), r.lastLoss(), 0.0);
        assertEquals(8, rec.steps.get(7).rows(), "the last step of an epoch takes the 8 rows left");
        // an epoch's mean loss is the row-weighted mean of its steps' objectives (weights here are not 1)
        List<Block> blocks = linearBlocks(false);
        for (EpochRecord e : rec.epochs) {
            assertEquals(8L * (e.epoch() + 1), e.iteration());
            double sum = 0;
            double weight = 0;
            for (StepRecord s : rec.steps) {
                if (s.epoch() != e.epoch()) continue;
                double w = stepWeight(blocks, s, rec);
                sum += s.loss() * w;
                weight += w;
            }
            assertEquals(sum / weight, e.meanLoss(), 1e-12 * Math.abs(e.meanLoss()), "epoch " + e.epoch());
        }
    }

    /** The weight sum of the rows a step used (from the same plan the loop made). */
    private static double stepWeight(List<Block> blocks, StepRecord s, Recorder rec) {
        BatchPlanner.Epoch epoch = new BatchPlanner(new long[] {SIZES[0], SIZES[1], SIZES[2]}, 16, 7)
                .epoch(s.epoch());
        StepPlan plan = null;
        for (long k = 0; k <= s.stepInEpoch(); k++) plan = epoch.next();
        Accumulator acc = new Accumulator(D + 1);
        for (int p = 0; p < blocks.size(); p++) {
            acc.merge(PartitionStep.run(LinearModel.linearRegression(D, true), blocks.get(p), p, plan,
                    rec.paramsBeforeStep.get((int) s.iteration() - 1)));
        }
        assertEquals(s.rows(), acc.count());
        return acc.weightSum();
    }

    @Test
    void stopsAfterMaxIterations() {
        Recorder rec = new Recorder();
        TrainingResult r = runLinear(settings(16, 0, 13, 0.05, 0.0, NAN, NAN, NAN), rec);
        assertEquals("max-iterations", r.stopReason());
        assertEquals(13, r.iterations());
        assertEquals(13.0 / 8, r.epochs(), 0.0);
        assertEquals(N + 5 * 16, r.rowsProcessed());
        assertEquals(1, rec.epochs.size(), "the unfinished second epoch is not reported");

        // also when epochs would allow more
        TrainingResult capped = runLinear(settings(16, 10, 13, 0.05, 0.0, NAN, NAN, NAN), new Recorder());
        assertEquals("max-iterations", capped.stopReason());
        assertEquals(13, capped.iterations());
        assertArrayEquals(r.params(), capped.params(), 0.0);

        // a limit at an epoch boundary: both epochs complete, then the limit stops the run
        Recorder exact = new Recorder();
        TrainingResult two = runLinear(settings(16, 0, 16, 0.05, 0.0, NAN, NAN, NAN), exact);
        assertEquals("max-iterations", two.stopReason());
        assertEquals(16, two.iterations());
        assertEquals(2, exact.epochs.size());
    }

    @Test
    void lossChangeStopsAtTheFirstEpochWithinTolerance() {
        double tol = 1e-4;
        Recorder rec = new Recorder();
        TrainingResult r = runLinear(settings(16, 0, 100_000, 0.02, 0.0, tol, NAN, NAN), rec);
        assertEquals("loss-change", r.stopReason());
        List<EpochRecord> e = rec.epochs;
        assertTrue(e.size() >= 3, "took " + e.size() + " epochs");
        assertEquals(e.size() * 8L, r.iterations());
        for (int k = 1; k < e.size(); k++) {
            double prev = e.get(k - 1).meanLoss();
            boolean within = Math.abs(e.get(k).meanLoss() - prev) <= tol * Math.max(1.0, Math.abs(prev));
            assertEquals(k == e.size() - 1, within, "epoch " + k + ": loss " + prev + " -> " + e.get(k).meanLoss());
        }
    }

    @Test
    void gradientNormStopsAtTheFirstEpochWithinTolerance() {
        double tol = 1e-3;
        double l2 = 0.1;
        Recorder rec = new Recorder();
        List<Block> blocks = linearBlocks(true);
        LinearModel model = LinearModel.linearRegression(D, true);
        TrainingResult r = run(blocks, model, settings(TrainingSettings.FULL_BATCH, 0, 100_000, 0.3, l2, NAN, tol,
                NAN), 0.0, false, new double[D + 1], rec);
        assertEquals("gradient-norm", r.stopReason());
        List<EpochRecord> e = rec.epochs;
        assertTrue(e.size() >= 3, "took " + e.size() + " epochs");
        for (int k = 0; k < e.size(); k++) {
            assertEquals(k == e.size() - 1, e.get(k).gradientNorm() <= tol, "epoch " + k + ": " + e.get(k));
            // full batch: the epoch's mean gradient is the objective's gradient (L2 on the weights only) at the
            // params the epoch started from
            double[] theta = rec.paramsBeforeStep.get(k);
            double[] g = new LocalGradientSource(blocks, model).computeAll(theta).meanGradient();
            for (int j = 0; j < D; j++) g[j] += l2 * theta[j];
            assertEquals(TestData.norm(g), e.get(k).gradientNorm(), 1e-12 * TestData.norm(g), "epoch " + k);
        }
    }

    @Test
    void parameterChangeStopsAtTheFirstEpochWithinTolerance() {
        double tol = 1e-5;
        Recorder rec = new Recorder();
        TrainingResult r = runLinear(settings(TrainingSettings.FULL_BATCH, 0, 100_000, 0.3, 0.0, NAN, NAN, tol), rec);
        assertEquals("parameter-change", r.stopReason());
        List<EpochRecord> e = rec.epochs;
        assertTrue(e.size() >= 3, "took " + e.size() + " epochs");
        rec.paramsBeforeStep.add(r.params());
        for (int k = 0; k < e.size(); k++) {
            double[] before = rec.paramsBeforeStep.get(k);
            double[] after = rec.paramsBeforeStep.get(k + 1);
            assertEquals(TestData.distance(after, before), e.get(k).parameterChange(), 1e-15);
            assertEquals(TestData.norm(before), e.get(k).startParameterNorm(), 1e-15);
            boolean within = TestData.distance(after, before) <= tol * Math.max(1.0, TestData.norm(before));
            assertEquals(k == e.size() - 1, within, "epoch " + k + ": " + e.get(k));
        }
    }

    /**
     * TrainingSettings: stop when ||theta_e - theta_{e-1}|| <= tol * max(1, ||theta_{e-1}||). For the first epoch
     * theta_{e-1} is the initial parameter vector, but ConvergenceCheck.parameterChange uses 0 for its norm when
     * there is no previous epoch (ConvergenceCheck.java:39), so a run started from parameters with norm > 1 does not
     * stop after the first epoch when the documented test says it should.
     */
    @Test
    void parameterChangeOfTheFirstEpochIsRelativeToTheInitialParameters() {
        double[] init = new double[D + 1];
        java.util.Arrays.fill(init, 50.0); // norm 111.8
        // one epoch with a tiny rate moves theta by c; choose tol with c/111.8 < tol < c
        Recorder probe = new Recorder();
        TrainingResult one = run(linearBlocks(false), LinearModel.linearRegression(D, true),
                settings(TrainingSettings.FULL_BATCH, 1, 0, 1e-4, 0.0, NAN, NAN, NAN), 0.0, false, init, probe);
        double change = probe.epochs.get(0).parameterChange();
        double tol = change / 10;
        assertTrue(change <= tol * Math.max(1.0, TestData.norm(init)), "the documented test holds after epoch 1");
        TrainingResult r = run(linearBlocks(false), LinearModel.linearRegression(D, true),
                settings(TrainingSettings.FULL_BATCH, 5, 0, 1e-4, 0.0, NAN, NAN, tol), 0.0, false, init,
                new Recorder());
        assertEquals("parameter-change", r.stopReason());
        assertEquals(1, r.iterations());
        assertArrayEquals(one.params(), r.params(), 0.0);
    }

    @Test
    void hugeLearningRateDivergesAndKeepsTheLastGoodParameters() {
        for (long batch : new long[] {TrainingSettings.FULL_BATCH, 16}) {
            for (double lr : new double[] {10.0, 1e6}) {
                Recorder rec = new Recorder();
                TrainingResult r = run(linearBlocks(false), LinearModel.linearRegression(D, true),
                        settings(batch, 0, 100_000, lr, 0.0, NAN, NAN, NAN), 0.9, false, new double[D + 1], rec);
                String what = "batch " + batch + " lr " + lr;
                assertEquals("diverged", r.stopReason(), what);
                assertTrue(r.diverged());
                for (double p : r.params()) assertTrue(Double.isFinite(p), what + ": params " + java.util.Arrays
                        .toString(r.params()));
                assertTrue(Double.isFinite(r.lastLoss()), what);
                long failing = r.iterations() + 1;
                long epoch = r.iterations() / r.plan().stepsPerEpoch() + 1;
                assertTrue(r.divergenceMessage().startsWith("step " + failing + " (epoch " + epoch + "): the "),
                        what + ": " + r.divergenceMessage());
                // non-finite values, or (earlier, for the lr 10 runs) a loss far above the starting one
                assertTrue(r.divergenceMessage().contains("is not finite at lr ")
                        || r.divergenceMessage().contains("times the starting loss"), r.divergenceMessage());
                assertTrue(r.divergenceMessage().contains("optimizer.lr = "), r.divergenceMessage());
                assertEquals(r.iterations(), rec.steps.size(), "the diverging step is not reported");

                // the last good parameters: exactly those of a run stopped just before the failing step
                TrainingResult stopped = run(linearBlocks(false), LinearModel.linearRegression(D, true),
                        settings(batch, 0, r.iterations(), lr, 0.0, NAN, NAN, NAN), 0.9, false, new double[D + 1],
                        new Recorder());
                assertEquals("max-iterations", stopped.stopReason());
                assertArrayEquals(stopped.params(), r.params(), 0.0, what);
                assertEquals(stopped.optimizerState(), r.optimizerState());
            }
        }
    }

    /**
     * TrainingResult: "params are the last good parameters (before a diverging step, if any)". The loop checks
     * that the loss and gradient are finite (TrainingLoop.java:111) but not the parameters the update produces
     * (TrainingLoop.java:118-119): when {@code lr * g} overflows, step 1 stores infinite parameters, step 2 then
     * reports "diverged" and the run returns those infinite parameters as the last good ones.
     */
    @Test
    void divergedRunNeverReturnsNonFiniteParameters() {
        TestData.Rows rows = TestData.random(77, N, D, 0.0, false, false);
        for (double[] x : rows.x) for (int j = 0; j < D; j++) x[j] *= 1e10; // unscaled features
        TrainingResult r = run(TestData.blocks(rows, SIZES, false), LinearModel.linearRegression(D, true),
                settings(TrainingSettings.FULL_BATCH, 0, 1000, 1e300, 0.0, NAN, NAN, NAN), 0.0, false,
                new double[D + 1], new Recorder());
        assertEquals("diverged", r.stopReason());
        for (double p : r.params()) {
            assertTrue(Double.isFinite(p), "params " + java.util.Arrays.toString(r.params()));
        }
    }

    @Test
    void sameSettingsTwiceGiveBitIdenticalParameters() {
        // logistic, CSR blocks, shuffled mini-batches, Nesterov momentum, warmup, L2
        TestData.Rows rows = TestData.random(5, 300, 6, 0.4, true, false);
        List<Block> blocks = TestData.blocks(rows, new int[] {90, 0, 130, 80}, true);
        LinearModel model = LinearModel.logisticRegression(6, true);
        TrainingSettings s = new TrainingSettings(32, 5, 0, 123, 0.1, LrScaling.LINEAR, 16, 1.0, 1e-3, NAN, NAN,
                NAN);
        double[] init = ParameterInit.normal(model, 0.1, 4);
        TrainingResult a = run(blocks, model, s, 0.9, true, init, new Recorder());
        TrainingResult b = run(TestData.blocks(rows, new int[] {90, 0, 130, 80}, true), model, s, 0.9, true,
                init.clone(), new Recorder());
        assertArrayEquals(a.params(), b.params(), 0.0);
        assertEquals(a.lastLoss(), b.lastLoss(), 0.0);
        assertEquals(a.optimizerState(), b.optimizerState());
        assertEquals(a.iterations(), b.iterations());
        assertEquals(5 * 10, a.iterations(), "ceil(300 / 32) = 10 steps per epoch");
        // the input is not modified
        assertArrayEquals(ParameterInit.normal(model, 0.1, 4), init, 0.0);

        // the seed matters: another seed samples other batches
        TrainingSettings other = new TrainingSettings(32, 5, 0, 124, 0.1, LrScaling.LINEAR, 16, 1.0, 1e-3, NAN,
                NAN, NAN);
        TrainingResult c = run(blocks, model, other, 0.9, true, init, new Recorder());
        assertFalse(java.util.Arrays.equals(a.params(), c.params()));
    }
}
