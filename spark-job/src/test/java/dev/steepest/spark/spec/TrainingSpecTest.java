package dev.steepest.spark.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.model.MlpModel;
import dev.steepest.core.optim.schedule.OneCycle;
import dev.steepest.core.train.TrainingPlan;
import dev.steepest.spark.InputError;
import dev.steepest.spark.SparkTestSupport;
import dev.steepest.spark.config.ModelType;
import dev.steepest.spark.config.OptimizerKind;
import dev.steepest.spark.config.ScheduleKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The typed spec: built once from a config, checked before the data and, for what needs the plan, before the loop. */
class TrainingSpecTest {
    private static final String BASE = "data.train = a.csv\nmodel.type = linear\n";

    private static TrainingSpec spec(String hocon) {
        return TrainingSpec.of(SparkTestSupport.config(hocon));
    }

    @Test
    void typedValues() {
        TrainingSpec s = spec("data.train = a.csv\nmodel.type = mlp\nmodel.head = logistic\nmodel.hidden = [8, 4]\n"
                + "optimizer.name = adamw\nclip.norm = 2\nschedule.name = cosine\ntrain.epochs = 4\n"
                + "data.validation-fraction = 0.2\ntrain.early-stopping.patience = 3\n");
        assertEquals(ModelType.MLP, s.model().type());
        assertEquals(MlpModel.Head.LOGISTIC, s.model().head());
        assertEquals(2, s.model().maxClasses());
        assertEquals(List.of(8, 4), java.util.Arrays.stream(s.model().hidden()).boxed().toList());
        assertEquals(OptimizerKind.ADAMW, s.optimizer().kind());
        assertEquals(0.01, s.optimizer().weightDecay());
        assertEquals(2.0, s.optimizer().clipNorm());
        assertTrue(Double.isNaN(s.optimizer().clipValue()));
        assertTrue(Double.isNaN(s.optimizer().momentum()), "adamw takes no momentum");
        assertEquals(ScheduleKind.COSINE, s.schedule().kind());
        assertTrue(Double.isNaN(s.schedule().totalEpochs()), "the run's length");
        assertEquals(4, s.settings().epochs());
        assertEquals(0.2, s.data().validationFraction());
        assertTrue(s.data().splitsValidation());
        assertEquals(3, s.earlyStopping().patience());
        assertNull(s.lineSearch());
        assertNull(s.schedule().plateau());
    }

    @Test
    void stepsCheckpointsAndTheRunsPlacesComeOutTyped() {
        TrainingSpec s = spec(BASE + "train.step-mode = resident\ntrain.resident.port = 7077\n"
                + "train.resident.connect-seconds = 2.5\ntrain.resident.max-step-bytes = 1000\n"
                + "train.resident.broadcast-bytes = 2000\ntrain.broadcast-threshold-bytes = 3000\n"
                + "train.tree-aggregate-threshold = 16\ntrain.checkpoint.dir = \"hdfs://nn/ckpt\"\n"
                + "train.checkpoint.every = \"10 steps\"\ntrain.checkpoint.keep = 4\n"
                + "output.dir = out/run\nmodel.init-from = runs/earlier\n");
        assertEquals(new StepSpec(StepSpec.StepMode.RESIDENT, 7077, 2500, 1000, 2000, 3000, 16), s.steps());
        assertEquals("resident", s.steps().mode().configName());
        assertEquals(new CheckpointSpec("hdfs://nn/ckpt", new dev.steepest.spark.checkpoint.Every(
                dev.steepest.spark.checkpoint.Every.Unit.STEPS, 10), 4), s.run().checkpoints());
        assertTrue(s.run().checkpoints().explicitDirectory());
        assertEquals(new RunSpec("out/run", "runs/earlier", s.run().checkpoints()), s.run());
        assertEquals(s.run(), RunSpec.of(s.config()), "the CLI's early RunSpec is the spec's");
        // unset: no directory (the run directory's default), no output.dir (--out or runs/...), no warm start
        TrainingSpec plain = spec(BASE + "train.step-mode = jobs\n");
        assertEquals(StepSpec.StepMode.JOBS, plain.steps().mode());
        assertNull(plain.run().checkpoints().directory());
        assertTrue(!plain.run().checkpoints().explicitDirectory());
        assertNull(plain.run().outputDir());
        assertNull(plain.run().initFrom());
    }

    @Test
    void badStepAndCheckpointValuesAreRefusedBeforeSparkWithTheKeysMessage() {
        assertEquals("train.step-mode: 'fast' is not allowed; expected one of auto, jobs, resident",
                refusal("train.step-mode = fast"));
        assertEquals("train.checkpoint.every: 'often' is not 'N steps', 'N epochs', a time ('90 s', '10 minutes', "
                + "'1 h') or 'none'", refusal("train.checkpoint.every = often"));
        assertEquals("train.resident.port: '70000' is not allowed; expected a whole number >= 0 and <= 65535",
                refusal("train.resident.port = 70000"));
        assertEquals("train.checkpoint.keep: '0' is not allowed; expected a whole number >= 1",
                refusal("train.checkpoint.keep = 0"));
    }

    /** The one-line message building the spec of {@link #BASE} with {@code line} gives (no Spark involved). */
    private static String refusal(String line) {
        return assertThrows(InputError.class, () -> spec(BASE + line + "\n")).getMessage();
    }

    @Test
    void planIsComputedOnceWithTheChecksThatNeedTheData() {
        TrainingSpec s = spec(BASE + "train.batch-size = 10\nschedule.name = multistep\nschedule.milestones = [1, 1.2]\n");
        TrainingPlan ok = s.plan(1000); // 100 steps per epoch: milestones at steps 100 and 120
        assertEquals(100, ok.stepsPerEpoch());
        assertEquals("schedule.milestones: [1.0, 1.2] fall on the same step at 2 steps per epoch",
                assertThrows(InputError.class, () -> s.plan(20)).getMessage());
        assertEquals("train.batch-size: 10 is larger than the data set (5 rows); use 'full' for batch gradient descent",
                assertThrows(InputError.class, () -> s.plan(5)).getMessage());
        // once checked, the schedule is a plain function of the plan
        assertEquals(ok.effectiveLr() * 0.1, s.schedule().factory().create(ok).rate(100), 1e-18);
        assertEquals(ok.effectiveLr(), s.schedule().factory().create(ok).rate(99));
    }

    @Test
    void aFloorAboveTheRateIsRefusedBeforeTheDataWhenTheRateIsKnown() {
        String cosine = BASE + "optimizer.lr = 0.01\nschedule.name = cosine\nschedule.min-lr = 0.02\n";
        assertEquals("schedule.min-lr: 0.02 is above the effective learning rate 0.01",
                assertThrows(InputError.class, () -> spec(cosine)).getMessage());
        // full batch with a scaling rule: the rate depends on the rows, so the check waits for the plan
        TrainingSpec s = spec(cosine + "train.batch-size = full\ntrain.lr-scaling = linear\n");
        assertEquals(5.12, s.plan(512 * 256).effectiveLr(), 1e-12);
        assertEquals("schedule.min-lr: 0.02 is above the effective learning rate 0.01",
                assertThrows(InputError.class, () -> s.plan(256)).getMessage());
    }

    @Test
    void declarationsMatchCore() {
        assertEquals(OneCycle.DEFAULT_PCT_START, ScheduleKind.ONE_CYCLE.takes().get("schedule.pct-start"));
        assertEquals(OneCycle.DEFAULT_DIV_FACTOR, ScheduleKind.ONE_CYCLE.takes().get("schedule.div-factor"));
        assertEquals(OneCycle.DEFAULT_FINAL_DIV_FACTOR, ScheduleKind.ONE_CYCLE.takes().get("schedule.final-div-factor"));
    }

    @Test
    void paramDocsNameTheDeclaredDefaults() {
        assertEquals(" Taken by (default): sgd (0.0), momentum (0.9), nesterov (0.9), rmsprop (0.0), lars (0.9).",
                dev.steepest.spark.ml.ConfigParams.declaredDefaults("optimizer.momentum"));
        assertEquals(" Taken by (default): step (required).",
                dev.steepest.spark.ml.ConfigParams.declaredDefaults("schedule.step-epochs"));
        assertEquals(" Taken by (default): polynomial (the run's length), cosine (the run's length), one-cycle (the "
                + "run's length).", dev.steepest.spark.ml.ConfigParams.declaredDefaults("schedule.total-epochs"));
        assertEquals("", dev.steepest.spark.ml.ConfigParams.declaredDefaults("optimizer.lr"));
        assertEquals("", dev.steepest.spark.ml.ConfigParams.declaredDefaults("train.epochs"));
    }

    @Test
    void modelTypesKnowWhatTheyCanBe() {
        assertTrue(ModelType.MLP.classifies() && ModelType.MLP.regresses());
        assertTrue(ModelType.HINGE.classifies() && !ModelType.HINGE.regresses());
        assertTrue(!ModelType.HUBER.classifies() && ModelType.HUBER.regresses());
    }

    @Test
    void configImportsNothingFromCore() throws IOException {
        Path dir = SparkTestSupport.repoRoot().resolve("spark-job/src/main/java/dev/steepest/spark/config");
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                assertTrue(!Files.readString(f).contains("dev.steepest.core"), f + " refers to core");
            }
        }
        Path spec = SparkTestSupport.repoRoot().resolve("spark-job/src/main/java/dev/steepest/spark/spec");
        try (Stream<Path> files = Files.list(spec)) {
            for (Path f : files.toList()) {
                assertTrue(!Files.readString(f).contains("dev.steepest.spark.job"), f + " refers to job (a cycle)");
            }
        }
    }
}
