package dev.steepest.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steepest.core.TestData;
import dev.steepest.core.data.Block;
import dev.steepest.core.model.LinearModel;
import dev.steepest.core.model.Model;
import dev.steepest.core.optim.LrScaling;
import dev.steepest.core.optim.Optimizers;
import dev.steepest.core.optim.schedule.CosineAnnealing;
import dev.steepest.core.optim.schedule.ReduceOnPlateau;
import dev.steepest.core.train.DivergencePolicy;
import dev.steepest.core.train.EarlyStopping;
import dev.steepest.core.train.LocalGradientSource;
import dev.steepest.core.train.LocalValidator;
import dev.steepest.core.train.LoopState;
import dev.steepest.core.train.OptimizerFactory;
import dev.steepest.core.train.Resume;
import dev.steepest.core.train.StepRecord;
import dev.steepest.core.train.TrainingListener;
import dev.steepest.core.train.TrainingLoop;
import dev.steepest.core.train.TrainingOptions;
import dev.steepest.core.train.TrainingResult;
import dev.steepest.core.train.TrainingSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A run resumed from the state saved after any of its steps — written as the checkpoint files are (JSON text and
 * little-endian doubles) and read back — ends with the bit-identical model, and its step records continue the
 * uninterrupted run's exactly.
 */
class ResumeTest {
    private static final int D = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<Block> train() {
        return TestData.blocks(TestData.random(41, 300, D, 0.2, true, false), new int[] {90, 0, 210}, false);
    }

    private static List<Block> validation() {
        return TestData.blocks(TestData.random(42, 80, D, 0.2, true, false), new int[] {80}, false);
    }

    /** Everything one run saw: its step records, and the state (through the codec and JSON) after every step. */
    private static final class Tape implements TrainingListener {
        final List<StepRecord> steps = new ArrayList<>();
        final List<String> json = new ArrayList<>();
        final List<byte[]> bins = new ArrayList<>();
        final List<Double> seconds = new ArrayList<>();

        @Override public void onStep(StepRecord s) { steps.add(s); }

        @Override
        public void onState(LoopState state, double elapsed) {
            StateCodec.Encoded e = StateCodec.encode(state);
            try {
                json.add(JSON.writeValueAsString(e.tree()));
            } catch (Exception x) {
                throw new IllegalStateException(x);
            }
            bins.add(e.doubleBytes());
            seconds.add(elapsed);
        }

        Resume resumeAfter(int step) throws Exception {
            Object tree = JSON.readValue(json.get(step - 1), Object.class);
            LoopState s = StateCodec.decode(tree, StateCodec.Encoded.fromBytes(bins.get(step - 1)), LoopState.class);
            return new Resume(s, seconds.get(step - 1));
        }
    }

    private record Setup(Model model, TrainingSettings settings, OptimizerFactory optimizer, TrainingOptions options) {
        TrainingResult run(TrainingListener l, Resume resume) {
            return new TrainingLoop(new LocalGradientSource(train(), model), model, settings, optimizer, List.of(l),
                    options).run(new double[model.numParameters()], resume);
        }
    }

    private static TrainingSettings settings(long batch, int epochs, double lr) {
        return new TrainingSettings(batch, epochs, 0, 5, lr, LrScaling.NONE, 1, 0.5, 1e-3, Double.NaN, Double.NaN,
                Double.NaN);
    }

    /** Adam with warmup, cosine annealing, Polyak averaging, validation, plateau on it and early stopping. */
    private static Setup everything() {
        Model m = LinearModel.logisticRegression(D, true);
        TrainingOptions o = TrainingOptions.defaults()
                .withSchedule(plan -> new CosineAnnealing(plan.effectiveLr(), plan.stepsPerEpoch() * 6, 1e-4))
                .withPlateau(plan -> new ReduceOnPlateau(plan.effectiveLr(), ReduceOnPlateau.Mode.MIN, 0.5, 0, 1e-2,
                        ReduceOnPlateau.ThresholdMode.REL, 0, 0.0))
                .withAveragingFrom(2.0)
                .withValidation(new LocalValidator(validation(), m), new EarlyStopping(3, 0.0));
        return new Setup(m, settings(32, 6, 0.05),
                (schedule, groups) -> Optimizers.adam(schedule, 0.9, 0.999, 1e-8, true, 0.0, groups), o);
    }

    private static void assertSameRun(TrainingResult expected, Tape full, TrainingResult resumed, Tape rest,
                                      int from, String what) {
        assertArrayEquals(expected.params(), resumed.params(), 0.0, what + ": parameters");
        assertEquals(expected.stopReason(), resumed.stopReason(), what);
        assertEquals(expected.iterations(), resumed.iterations(), what);
        assertEquals(expected.bestEpoch(), resumed.bestEpoch(), what);
        assertEquals(expected.backoffs(), resumed.backoffs(), what);
        List<StepRecord> tail = full.steps.subList(from, full.steps.size());
        assertEquals(tail.size(), rest.steps.size(), what + ": steps after the resume");
        for (int i = 0; i < tail.size(); i++) {
            StepRecord a = tail.get(i);
            StepRecord b = rest.steps.get(i);
            assertEquals(a.iteration(), b.iteration(), what);
            assertEquals(a.epoch(), b.epoch(), what);
            assertEquals(a.stepInEpoch(), b.stepInEpoch(), what);
            assertEquals(Double.doubleToLongBits(a.loss()), Double.doubleToLongBits(b.loss()), what + " loss");
            assertEquals(Double.doubleToLongBits(a.lr()), Double.doubleToLongBits(b.lr()), what + " lr");
        }
    }

    @Test
    void aRunResumedAfterAnyStepEndsWithTheBitIdenticalModelAndTheSameSteps() throws Exception {
        Setup setup = everything();
        Tape full = new Tape();
        TrainingResult expected = setup.run(full, null);
        int n = full.steps.size();
        assertTrue(n > 20, "steps: " + n);
        long perEpoch = expected.plan().stepsPerEpoch();
        for (int k : new int[] {1, 2, (int) perEpoch - 1, (int) perEpoch, (int) perEpoch + 3, n / 2, n - 1, n}) {
            Tape rest = new Tape();
            TrainingResult resumed = setup.run(rest, full.resumeAfter(k));
            assertSameRun(expected, full, resumed, rest, k, "resumed after step " + k);
        }
    }

    @Test
    void aFinishedRunsFinalStateGoesOnForMoreEpochsAsIfTheRunHadBeenLongerWithoutRepeatingAnEpochEnd() throws Exception {
        // plateau and early-stopping counters live in the epoch ends: a repeated end would change them
        Model m = LinearModel.logisticRegression(D, true);
        TrainingOptions o = TrainingOptions.defaults()
                .withPlateau(plan -> new ReduceOnPlateau(plan.effectiveLr(), ReduceOnPlateau.Mode.MIN, 0.5, 0, 1e-1,
                        ReduceOnPlateau.ThresholdMode.REL, 0, 0.0))
                .withValidation(new LocalValidator(validation(), m), new EarlyStopping(50, 0.0));
        OptimizerFactory sgd = (s, g) -> Optimizers.sgd(s, 0.9, 0, false, 0, g);
        List<dev.steepest.core.train.EpochRecord> longEpochs = new ArrayList<>();
        TrainingListener epochs = new TrainingListener() {
            @Override public void onEpoch(dev.steepest.core.train.EpochRecord e) { longEpochs.add(e); }
        };
        TrainingResult longer = new TrainingLoop(new LocalGradientSource(train(), m), m, settings(32, 5, 0.05), sgd,
                List.of(epochs), o).run(new double[m.numParameters()]);
        TrainingResult first = new Setup(m, settings(32, 3, 0.05), sgd, o).run(new Tape(), null);
        Tape rest = new Tape();
        List<dev.steepest.core.train.EpochRecord> restEpochs = new ArrayList<>();
        TrainingResult resumed = new TrainingLoop(new LocalGradientSource(train(), m), m, settings(32, 5, 0.05), sgd,
                List.of(rest, new TrainingListener() {
                    @Override public void onEpoch(dev.steepest.core.train.EpochRecord e) { restEpochs.add(e); }
                }), o).run(new double[m.numParameters()], new Resume(first.state(), first.trainSeconds()));
        assertArrayEquals(longer.params(), resumed.params(), 0.0);
        assertEquals(2, restEpochs.size(), "epochs 4 and 5 only");
        assertEquals(longEpochs.get(4).meanLoss(), restEpochs.get(1).meanLoss(), 0.0);
        assertEquals(longer.iterations(), resumed.iterations());
    }

    @Test
    void everyOptimizersStateSurvivesTheCheckpointFormat() throws Exception {
        List<OptimizerFactory> optimizers = List.of(
                (s, g) -> Optimizers.sgd(s, 0.9, 0.1, false, 1e-3, g),
                (s, g) -> Optimizers.sgd(s, 0.9, 0.0, true, 0.0, g),
                (s, g) -> Optimizers.adagrad(s, 0.01, 0.1, 1e-10, 0.0, g),
                (s, g) -> Optimizers.rmsprop(s, 0.99, 1e-8, true, 0.5, 0.0, g),
                (s, g) -> Optimizers.adamw(s, 0.9, 0.999, 1e-8, false, 0.01, g),
                (s, g) -> Optimizers.lars(s, 0.9, 1e-4, 1e-3, true, g),
                (s, g) -> Optimizers.lamb(s, 0.9, 0.999, 1e-6, 0.01, true, g));
        for (int i = 0; i < optimizers.size(); i++) {
            Setup setup = new Setup(LinearModel.logisticRegression(D, true), settings(24, 3, 0.02),
                    optimizers.get(i), TrainingOptions.defaults());
            Tape full = new Tape();
            TrainingResult expected = setup.run(full, null);
            int k = full.steps.size() / 2 + 1;
            Tape rest = new Tape();
            assertSameRun(expected, full, setup.run(rest, full.resumeAfter(k)), rest, k, "optimizer " + i);
        }
    }

    @Test
    void aRunResumedInTheMiddleOfADivergenceBackoffRedoesTheSameSteps() throws Exception {
        // squared loss at a rate that explodes: the backoff halves it and queues steps to redo; a state taken
        // while the queue is not empty must resume into the same redone steps
        Model m = LinearModel.linearRegression(D, true);
        Setup setup = new Setup(m, new TrainingSettings(32, 8, 0, 3, 3.0, LrScaling.NONE, 1, 0.0, 0.0, Double.NaN,
                Double.NaN, Double.NaN), (s, g) -> Optimizers.sgd(s, 0.9, 0, false, 0, g),
                TrainingOptions.defaults().withDivergence(new DivergencePolicy(1e3, true, 10)));
        Tape full = new Tape();
        List<Integer> redoing = new ArrayList<>();
        TrainingListener watch = new TrainingListener() {
            @Override public void onStep(StepRecord s) { full.onStep(s); }
            @Override public void onState(LoopState s, double e) {
                full.onState(s, e);
                if (!s.backoff().redo().isEmpty()) redoing.add(full.json.size());
            }
        };
        TrainingResult expected = new TrainingLoop(new LocalGradientSource(linearTrain(), m), m, setup.settings(),
                setup.optimizer(), List.of(watch), setup.options()).run(new double[m.numParameters()]);
        assertTrue(expected.backoffs() > 0, "the rate must explode here");
        assertTrue(!redoing.isEmpty(), "some state is taken with steps left to redo");
        for (int k : List.of(redoing.get(0), full.json.size() / 2)) {
            Tape rest = new Tape();
            TrainingResult resumed = new TrainingLoop(new LocalGradientSource(linearTrain(), m), m, setup.settings(),
                    setup.optimizer(), List.of(rest), setup.options())
                    .run(new double[m.numParameters()], full.resumeAfter(k));
            assertSameRun(expected, full, resumed, rest, k, "resumed after state " + k);
        }
    }

    private static List<Block> linearTrain() {
        return TestData.blocks(TestData.random(43, 300, D, 0.0, false, false), new int[] {100, 200}, false);
    }

    @Test
    void aCheckpointNamesOnlySteepestClassesAndAStateOfAnotherShapeIsRefused() throws Exception {
        Setup setup = everything();
        Tape full = new Tape();
        setup.run(full, null);
        String json = full.json.get(3);
        Object hostile = JSON.readValue(json.replaceFirst("dev\\.steepest\\.core\\.train\\.LoopState",
                "java.util.ArrayList"), Object.class);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StateCodec.decode(hostile,
                StateCodec.Encoded.fromBytes(full.bins.get(3)), LoopState.class));
        assertTrue(e.getMessage().contains("may not name class java.util.ArrayList"), e.getMessage());

        Resume r = full.resumeAfter(4);
        Setup wider = new Setup(LinearModel.logisticRegression(D + 1, true), setup.settings(), setup.optimizer(),
                TrainingOptions.defaults());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> new TrainingLoop(new LocalGradientSource(train(), wider.model()), wider.model(),
                        wider.settings(), wider.optimizer(), List.of(), wider.options())
                        .run(new double[wider.model().numParameters()], r));
        assertTrue(shape.getMessage().contains("holds 6 parameters, the model has 7"), shape.getMessage());
        Map<?, ?> tree = (Map<?, ?>) JSON.readValue(json, Object.class);
        assertEquals(LoopState.class.getName(), tree.get("@type"));
    }
}
