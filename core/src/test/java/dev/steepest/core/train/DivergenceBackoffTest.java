package dev.steepest.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.TestData;
import dev.steepest.core.data.Block;
import dev.steepest.core.model.LinearModel;
import dev.steepest.core.model.Model;
import dev.steepest.core.optim.GradientTransformation;
import dev.steepest.core.optim.LrScaling;
import dev.steepest.core.optim.OptState;
import dev.steepest.core.optim.Optimizers;
import dev.steepest.core.optim.PolyakAverage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The "far above the starting loss" rule, its message, and backoff on divergence. */
class DivergenceBackoffTest {
    private static final int D = 4;
    private static final double NAN = Double.NaN;

    private static List<Block> logisticBlocks() {
        return TestData.blocks(TestData.random(12, 400, D, 0.0, true, true), new int[] {150, 250}, false);
    }

    private static List<Block> linearBlocks() {
        return TestData.blocks(TestData.random(13, 400, D, 0.0, false, false), new int[] {150, 250}, false);
    }

    private static TrainingSettings settings(long batch, int epochs, double lr) {
        return new TrainingSettings(batch, epochs, 0, 3, lr, LrScaling.NONE, 1, 0.0, 0.0, NAN, NAN, NAN);
    }

    private static final class Events implements TrainingListener {
        final List<BackoffEvent> backoffs = new ArrayList<>();
        final List<StepRecord> steps = new ArrayList<>();

        @Override public void onBackoff(BackoffEvent e) { backoffs.add(e); }
        @Override public void onStep(StepRecord s) { steps.add(s); }
    }

    private static TrainingResult run(List<Block> blocks, Model model, TrainingSettings s, double momentum,
                                      TrainingOptions o, TrainingListener l) {
        return new TrainingLoop(new LocalGradientSource(blocks, model), model, s,
                (schedule, groups) -> Optimizers.sgd(schedule, momentum, 0, false, 0, groups), List.of(l), o)
                .run(new double[model.numParameters()]);
    }

    private static double objective(List<Block> blocks, Model model, double[] params) {
        return new LocalGradientSource(blocks, model).computeAll(params).meanLoss();
    }

    /** The optimum of the linear problem: full-batch GD at a safe rate for long. */
    private static double linearOptimum() {
        Model m = LinearModel.linearRegression(D, true);
        TrainingResult r = run(linearBlocks(), m, settings(TrainingSettings.FULL_BATCH, 3000, 0.3), 0.0,
                TrainingOptions.defaults(), new Events());
        return objective(linearBlocks(), m, r.params());
    }

    @Test
    void noisySgdNeverTripsTheFactorRule() {
        // batch 1 (one row's loss per step: the first row's loss as the reference can be tiny) and small
        // batches, on both losses, at ordinary rates (lr |x|^2 about 0.25 for a row)
        for (long batch : new long[] {1, 4, 32}) {
            for (boolean logistic : new boolean[] {true, false}) {
                Model m = logistic ? LinearModel.logisticRegression(D, true) : LinearModel.linearRegression(D, true);
                TrainingResult r = run(logistic ? logisticBlocks() : linearBlocks(), m, settings(batch, 5, 0.05),
                        0.0, TrainingOptions.defaults(), new Events());
                assertEquals("epochs", r.stopReason(), "batch " + batch + " logistic " + logistic + ": "
                        + r.divergenceMessage());
                assertNull(r.divergenceMessage());
            }
        }
    }

    @Test
    void aLossFarAboveTheStartDivergesWithAMessageNamingStepAndRate() {
        // logistic loss grows only linearly in the parameters: it never overflows, the factor rule catches it
        Model m = LinearModel.logisticRegression(D, true);
        TrainingResult r = run(logisticBlocks(), m, settings(TrainingSettings.FULL_BATCH, 50, 1e4), 0.0,
                TrainingOptions.defaults(), new Events());
        assertEquals("diverged", r.stopReason());
        String msg = r.divergenceMessage();
        assertTrue(msg.startsWith("step " + (r.iterations() + 1) + " (epoch " + (r.iterations() + 1) + "): the loss "),
                msg);
        assertTrue(msg.contains("is more than 1000 times the starting loss 0.693147 at lr 10000.0"), msg);
        assertTrue(msg.endsWith("; try a lower optimizer.lr: optimizer.lr = 1000 or lower"), msg);
        // an infinite factor only stops on non-finite values: the run then ends by epochs, however bad
        TrainingResult off = run(logisticBlocks(), m, settings(TrainingSettings.FULL_BATCH, 50, 1e4), 0.0,
                TrainingOptions.defaults().withDivergence(new DivergencePolicy(Double.POSITIVE_INFINITY, false, 5)),
                new Events());
        assertEquals("epochs", off.stopReason());
    }

    /**
     * The squared loss explodes geometrically at a too-large rate: full-batch GD at 8 (stable below about 2 / 1.3
     * here) trips the factor rule, backs off to 4, 2, 1 and converges. (A logistic loss grows only linearly in the
     * parameters: a too-large rate makes it oscillate at a bounded loss, which the ratio rule catches only when
     * gross, so backoff there ends at a rate that no longer explodes, not necessarily one that converges.)
     */
    @Test
    void backoffRecoversFromATooLargeRateAndConverges() {
        double optimum = linearOptimum();
        Model m = LinearModel.linearRegression(D, true);
        Events events = new Events();
        TrainingResult r = run(linearBlocks(), m, settings(TrainingSettings.FULL_BATCH, 500, 8.0), 0.0,
                TrainingOptions.defaults().withDivergence(new DivergencePolicy(1e3, true, 5)), events);
        assertEquals("epochs", r.stopReason(), r.divergenceMessage());
        assertTrue(r.backoffs() >= 2, "backoffs: " + r.backoffs());
        assertEquals(r.backoffs(), events.backoffs.size());
        for (int i = 0; i < events.backoffs.size(); i++) {
            BackoffEvent e = events.backoffs.get(i);
            assertEquals(Math.pow(0.5, i + 1), e.lrFactor(), 0.0);
            assertEquals(i + 1, e.backoffs());
            assertTrue(e.reason().contains("times the starting loss") || e.reason().contains("not finite"), e.reason());
        }
        double finalLoss = objective(linearBlocks(), m, r.params());
        assertEquals(optimum, finalLoss, 0.01 * optimum, "within 1% of the optimum " + optimum);
        double lastLr = events.steps.get(events.steps.size() - 1).lr();
        assertEquals(8.0 * Math.pow(0.5, r.backoffs()), lastLr, 0.0, "the halvings persist");
        assertEquals(500, r.iterations(), "in the end every step of every epoch was applied once");
    }

    @Test
    void backoffRestoresParametersOptimizerStateAndAverage() {
        // a diverging quadratic with momentum and averaging: after each backoff the redone step starts from
        // exactly the state the step before it left, so the run equals one that used the final rate from there on
        Model m = LinearModel.linearRegression(D, true);
        Events events = new Events();
        TrainingOptions o = TrainingOptions.defaults().withAveragingFrom(0.0)
                .withDivergence(new DivergencePolicy(1e3, true, 10));
        TrainingResult r = run(linearBlocks(), m, settings(TrainingSettings.FULL_BATCH, 200, 10.0), 0.9, o, events);
        assertEquals("epochs", r.stopReason(), r.divergenceMessage());
        assertTrue(r.backoffs() > 0);
        // the step records after the last backoff re-run from a finite state at the final rate
        BackoffEvent last = events.backoffs.get(events.backoffs.size() - 1);
        double rate = 10.0 * last.lrFactor();
        int after = 0;
        for (StepRecord s : events.steps) {
            assertTrue(Double.isFinite(s.loss()));
            if (s.lr() == rate) after++;
        }
        assertEquals(200, events.steps.get(events.steps.size() - 1).iteration());
        assertTrue(after > 150, "most steps at the final rate: " + after);
        for (double p : r.params()) assertTrue(Double.isFinite(p));
    }

    @Test
    void theStepAfterABackoffStartsFromExactlyTheLastVerifiedParametersAndOptimizerState() {
        // momentum makes the optimizer state matter: the redone step must see the momentum buffer and step count
        // that the step before the backoff saw, bit for bit
        Model m = LinearModel.linearRegression(D, true);
        List<double[]> params = new ArrayList<>();
        List<OptState> states = new ArrayList<>();
        List<Integer> callsAtBackoff = new ArrayList<>();
        TrainingListener l = new TrainingListener() {
            @Override public void onBackoff(BackoffEvent e) { callsAtBackoff.add(params.size()); }
        };
        TrainingResult r = new TrainingLoop(new LocalGradientSource(linearBlocks(), m), m,
                settings(32, 30, 2.0), (schedule, groups) -> {
                    GradientTransformation sgd = Optimizers.sgd(schedule, 0.9, 0, false, 0, groups);
                    return new GradientTransformation() {
                        @Override public OptState init(double[] p) { return sgd.init(p); }
                        @Override public Update update(double[] g, OptState state, double[] p) {
                            params.add(p.clone());
                            states.add(state);
                            return sgd.update(g, state, p);
                        }
                    };
                }, List.of(l), TrainingOptions.defaults().withDivergence(new DivergencePolicy(1e3, true, 10)))
                .run(new double[D + 1]);
        assertEquals("epochs", r.stopReason(), r.divergenceMessage());
        assertTrue(!callsAtBackoff.isEmpty());
        for (int calls : callsAtBackoff) {
            assertArrayEquals(params.get(calls - 1), params.get(calls), 0.0, "params after backoff at call " + calls);
            assertEquals(states.get(calls - 1), states.get(calls), "optimizer state after backoff");
        }
    }

    @Test
    void tooManyBackoffsStopAsDiverged() {
        Model m = LinearModel.logisticRegression(D, true);
        Events events = new Events();
        TrainingResult r = run(logisticBlocks(), m, settings(TrainingSettings.FULL_BATCH, 50, 1e6), 0.0,
                TrainingOptions.defaults().withDivergence(new DivergencePolicy(1e3, true, 3)), events);
        assertEquals("diverged", r.stopReason());
        assertEquals(3, r.backoffs());
        assertEquals(3, events.backoffs.size());
        assertTrue(r.divergenceMessage().contains("after 3 backoffs"), r.divergenceMessage());
        assertTrue(r.divergenceMessage().contains("optimizer.lr = 12500 or lower"), r.divergenceMessage());
    }

    @Test
    void averageStateIsAValue() {
        // the loop keeps PolyakAverage states in snapshots: an add must not change the state it was given
        PolyakAverage.AverageState s = PolyakAverage.add(PolyakAverage.empty(2), new double[] {1, 2});
        PolyakAverage.add(s, new double[] {3, 4});
        assertEquals(1, s.count());
        assertEquals(1.0, s.mean()[0], 0.0);
    }
}
