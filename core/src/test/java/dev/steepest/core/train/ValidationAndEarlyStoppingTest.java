package dev.steepest.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.steepest.core.TestData;
import dev.steepest.core.data.Block;
import dev.steepest.core.model.Evaluation;
import dev.steepest.core.model.LinearModel;
import dev.steepest.core.optim.LrScaling;
import dev.steepest.core.optim.Optimizers;
import dev.steepest.core.optim.schedule.ReduceOnPlateau;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-epoch validation, early stopping with the best epoch's parameters restored, plateau on validation loss. */
class ValidationAndEarlyStoppingTest {
    private static final int D = 4;
    private static final double NAN = Double.NaN;

    private static List<Block> blocks() {
        return TestData.blocks(TestData.random(31, 200, D, 0.0, false, false), new int[] {80, 120}, false);
    }

    private static TrainingSettings settings(int epochs) {
        return new TrainingSettings(32, epochs, 0, 9, 0.05, LrScaling.NONE, 1, 0.0, 0.0, NAN, NAN, NAN);
    }

    /** A validator whose loss follows a script by call, recording the parameters it was shown. */
    private static final class ScriptedValidator implements Validator {
        final double[] losses;
        final List<double[]> seen = new ArrayList<>();

        ScriptedValidator(double... losses) {
            this.losses = losses;
        }

        @Override
        public Evaluation evaluate(double[] params) {
            seen.add(params.clone());
            Evaluation e = new Evaluation();
            e.addRegressed(1.0, losses[seen.size() - 1], 0.0);
            return e;
        }
    }

    private static TrainingResult run(TrainingSettings s, TrainingOptions o, List<TrainingListener> listeners) {
        LinearModel model = LinearModel.linearRegression(D, true);
        return new TrainingLoop(new LocalGradientSource(blocks(), model), model, s,
                (schedule, groups) -> Optimizers.sgd(schedule, 0.9, 0, false, 0, groups), listeners, o)
                .run(new double[D + 1]);
    }

    @Test
    void earlyStoppingReturnsTheBestEpochsParametersBitForBit() {
        // validation loss improves up to epoch 3, then gets worse: patience 2 stops after epoch 5
        ScriptedValidator v = new ScriptedValidator(5.0, 4.0, 3.0, 3.5, 3.2, 1.0, 1.0);
        List<EpochRecord> epochs = new ArrayList<>();
        TrainingResult r = run(settings(20), TrainingOptions.defaults().withValidation(v, new EarlyStopping(2, 0.0)),
                List.of(new TrainingListener() {
                    @Override public void onEpoch(EpochRecord e) { epochs.add(e); }
                }));
        assertEquals("early-stopping", r.stopReason());
        assertEquals(5, epochs.size());
        assertEquals(5, v.seen.size(), "one evaluation per epoch");
        assertEquals(2, r.bestEpoch(), "0-based: the third epoch");
        assertEquals(3.0, r.bestValidationLoss(), 0.0);
        assertArrayEquals(v.seen.get(2), r.params(), 0.0);
        // and those are exactly the parameters of a run that stopped after 3 epochs
        TrainingResult three = run(settings(3), TrainingOptions.defaults(), List.of());
        assertArrayEquals(three.params(), r.params(), 0.0);
        assertEquals(5 * r.plan().stepsPerEpoch(), r.iterations(), "it trained 5 epochs");
        for (int e = 0; e < 5; e++) {
            assertNotNull(epochs.get(e).validation());
            assertEquals(v.losses[e], epochs.get(e).validation().meanLoss(), 0.0);
        }
    }

    @Test
    void minDeltaDemandsARealImprovement() {
        // 4.95 and 4.92 improve on 5.0 by less than 0.1: two bad epochs after the first
        ScriptedValidator v = new ScriptedValidator(5.0, 4.95, 4.92, 1.0);
        TrainingResult r = run(settings(20), TrainingOptions.defaults().withValidation(v,
                new EarlyStopping(2, 0.1)), List.of());
        assertEquals("early-stopping", r.stopReason());
        assertEquals(0, r.bestEpoch());
        assertArrayEquals(v.seen.get(0), r.params(), 0.0);
    }

    @Test
    void otherStoppingRulesComposeAndKeepTheLastParameters() {
        ScriptedValidator v = new ScriptedValidator(5.0, 4.0, 4.5, 4.6, 4.7);
        TrainingResult r = run(settings(3), TrainingOptions.defaults().withValidation(v, new EarlyStopping(5, 0.0)),
                List.of());
        assertEquals("epochs", r.stopReason());
        assertEquals(1, r.bestEpoch(), "recorded even when early stopping did not end the run");
        assertArrayEquals(v.seen.get(2), r.params(), 0.0, "Keras: the best are restored only on early stopping");
    }

    @Test
    void withoutValidationNothingChanges() {
        List<EpochRecord> epochs = new ArrayList<>();
        TrainingResult r = run(settings(2), TrainingOptions.defaults(), List.of(new TrainingListener() {
            @Override public void onEpoch(EpochRecord e) { epochs.add(e); }
        }));
        assertNull(epochs.get(0).validation());
        assertEquals(-1, r.bestEpoch());
        assertEquals(NAN, r.bestValidationLoss());
        assertThrows(IllegalArgumentException.class,
                () -> TrainingOptions.defaults().withValidation(null, new EarlyStopping(1, 0.0)));
    }

    @Test
    void localValidatorIsTheModelsEvaluationOverEveryBlock() {
        LinearModel model = LinearModel.linearRegression(D, true);
        double[] params = {0.5, -1, 0.25, 2, 0.1};
        Evaluation direct = new Evaluation();
        for (Block b : blocks()) model.evaluate(b, params, direct);
        Evaluation local = new LocalValidator(blocks(), model).evaluate(params);
        assertEquals(200, local.count());
        assertEquals(direct.meanLoss(), local.meanLoss(), 1e-12 * direct.meanLoss());
        assertEquals(direct.rmse(), local.rmse(), 1e-12 * direct.rmse());
    }

    @Test
    void plateauWatchesTheValidationLossWhenThereIsOne() {
        // training loss keeps falling; the validation loss is flat, so the plateau (patience 0) cuts the rate
        ScriptedValidator v = new ScriptedValidator(1.0, 1.0, 1.0, 1.0);
        List<StepRecord> steps = new ArrayList<>();
        TrainingOptions o = TrainingOptions.defaults()
                .withPlateau(plan -> new ReduceOnPlateau(plan.effectiveLr(), ReduceOnPlateau.Mode.MIN, 0.5, 0, 1e-4,
                        ReduceOnPlateau.ThresholdMode.REL, 0, 0.0))
                .withValidation(v, null);
        run(settings(3), o, List.of(new TrainingListener() {
            @Override public void onStep(StepRecord s) { steps.add(s); }
        }));
        long per = steps.size() / 3;
        assertEquals(0.05, steps.get(0).lr(), 0.0);
        assertEquals(0.05, steps.get((int) per).lr(), 0.0, "epoch 1 set the best: no cut");
        assertEquals(0.025, steps.get((int) (2 * per)).lr(), 0.0, "epoch 2 did not improve: halved");
        // without validation the falling training loss never triggers it
        List<StepRecord> plain = new ArrayList<>();
        run(settings(3), TrainingOptions.defaults().withPlateau(o.plateau()), List.of(new TrainingListener() {
            @Override public void onStep(StepRecord s) { plain.add(s); }
        }));
        assertEquals(0.05, plain.get(plain.size() - 1).lr(), 0.0);
    }
}
