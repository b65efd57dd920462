package dev.steepest.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.data.Block;
import dev.steepest.core.model.Accumulator;
import dev.steepest.core.model.Model;
import dev.steepest.core.train.LocalGradientSource;
import dev.steepest.core.train.StepPlan;
import dev.steepest.spark.config.JobConfig;
import dev.steepest.spark.data.BlockLoader;
import dev.steepest.spark.data.TrainingData;
import dev.steepest.spark.exec.FallbackGradientSource;
import dev.steepest.spark.exec.ResidentGradientSource;
import dev.steepest.spark.job.RunComponents;
import dev.steepest.spark.job.StepSources;
import dev.steepest.spark.job.TrainJob;
import dev.steepest.spark.spec.StepSpec;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Resident step tasks ({@code train.step-mode = resident}) against one Spark job per step: the same bits, with
 * evaluations between epochs (which must end the resident tasks to get slots) and with more partitions than task
 * slots (a task serves several partitions), and a fallback to jobs when the tasks cannot all start or a task
 * fails. The local-cluster case (executors in other JVMs) is in {@link ReproducibilityTest}.
 */
class ResidentStepsTest extends LocalSparkTest {
    private static final String LOGISTIC = String.join("\n",
            "data.train = \"" + SparkTestSupport.sample("logistic.csv") + "\"",
            "data.validation-fraction = 0.2",
            "model.type = logistic",
            "optimizer { name = adam, lr = 0.02 }",
            "train { batch-size = 64, epochs = 4, seed = 11, metrics = epoch }");


    @Test
    void residentStepsGiveTheJobPathsBitsWithValidationBetweenEpochs() {
        TrainJob.Outcome resident = train(LOGISTIC + "\ntrain.step-mode = resident");
        TrainJob.Outcome jobs = train(LOGISTIC + "\ntrain.step-mode = jobs");
        assertEquals("resident", resident.summary().get("step_mode"));
        assertEquals("jobs", jobs.summary().get("step_mode"));
        assertEquals(List.of(), resident.summary().get("warnings"));
        assertEquals(jobs.result().iterations(), resident.result().iterations());
        assertArrayEquals(jobs.result().params(), resident.result().params(), 0.0);
        assertEquals(jobs.summary().get("final_train_loss"), resident.summary().get("final_train_loss"));
        // and auto takes the resident path here: two partitions, two task slots
        TrainJob.Outcome auto = train(LOGISTIC);
        assertEquals("resident", auto.summary().get("step_mode"));
        assertEquals("2 partitions on 2 tasks: 0 on executor driver, 1 on executor driver",
                auto.summary().get("resident_layout"));
        assertNull(jobs.summary().get("resident_layout"));
    }

    @Test
    void eightPartitionsOnTwoSlotsGiveTheBitsOfOneJobPerStep() {
        String eight = LOGISTIC + "\ndata.partitions = 8\n";
        TrainJob.Outcome auto = train(eight);
        TrainJob.Outcome jobs = train(eight + "train.step-mode = jobs");
        assertEquals("resident", auto.summary().get("step_mode"), auto.summary().toString());
        assertEquals(List.of(), auto.summary().get("warnings"));
        assertEquals("8 partitions on 2 tasks: 0-3 on executor driver, 4-7 on executor driver",
                auto.summary().get("resident_layout"));
        assertEquals("jobs", jobs.summary().get("step_mode"));
        assertEquals(jobs.result().iterations(), auto.result().iterations());
        assertArrayEquals(jobs.result().params(), auto.result().params(), 0.0);
        assertEquals(jobs.summary().get("final_train_loss"), auto.summary().get("final_train_loss"));
    }

    @Test
    void tasksThatCannotStartInTimeFallBackToJobsWithOneWarning() throws Exception {
        JobConfig cfg = SparkTestSupport.config(LOGISTIC);
        TrainingData data = BlockLoader.loadTraining(spark, "data.train", cfg.trainPath(),
                LoaderOptions.of("csv", "label").binary(true).build());
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Model model = RunComponents.create(cfg, 4, 2);
        LocalGradientSource local = new LocalGradientSource(data.blocks().collect(), model);
        Blocker.release = new java.util.concurrent.CountDownLatch(1);
        Blocker.running = new java.util.concurrent.CountDownLatch(2);
        // another job holds both task slots, started before the resident tasks (so they do not yield to it)
        org.apache.spark.api.java.JavaFutureAction<Void> blocker = jsc.parallelize(List.of(1, 2), 2)
                .foreachPartitionAsync(it -> Blocker.hold());
        try {
            assertTrue(Blocker.running.await(30, java.util.concurrent.TimeUnit.SECONDS));
            List<String> warnings = new ArrayList<>();
            ResidentGradientSource resident = new ResidentGradientSource(jsc, data.blocks(), data.partitionSizes(),
                    model, jsc.getConf().get("spark.driver.host"), null, 0, 1000);
            try (FallbackGradientSource source = ResidentGradientSource.withFallback(resident, local, warnings::add)) {
                StepPlan plan = new StepPlan(5, 0, new int[] {0, 0}, new int[] {16, 16});
                double[] params = new double[model.numParameters()];
                params[1] = 0.25;
                Accumulator step = source.compute(params, plan);
                assertArrayEquals(local.compute(params, plan).gradientSum(), step.gradientSum(), 0.0);
                assertEquals(1, warnings.size(), warnings.toString());
                assertTrue(warnings.get(0).contains("only 0 of 2 resident tasks started within 1.0 s"),
                        warnings.get(0));
                assertFalse(source.onPrimary());
            }
        } finally {
            Blocker.release.countDown();
            blocker.get(30, java.util.concurrent.TimeUnit.SECONDS);
            data.release();
        }
    }

    /** Tasks that hold their slots until released (they run in this JVM under a local master). */
    static final class Blocker {
        static volatile java.util.concurrent.CountDownLatch running;
        static volatile java.util.concurrent.CountDownLatch release;

        private Blocker() {
        }

        static void hold() throws InterruptedException {
            running.countDown();
            release.await(60, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void autoIsResidentForAnyPartitionCount() {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JobConfig auto = SparkTestSupport.config(LOGISTIC);
        assertTrue(StepSources.choose(StepSpec.of(auto), jsc, 2, 5).resident());
        // in memory under a local master: the size of a step's parameters does not matter
        assertTrue(StepSources.choose(StepSpec.of(SparkTestSupport.config(LOGISTIC
                + "\ntrain.resident.max-step-bytes = 100")), jsc, 2, 1_000_000).resident());
        // more partitions than task slots: tasks serve several partitions each
        StepSources.Choice three = StepSources.choose(StepSpec.of(auto), jsc, 3, 5);
        assertTrue(three.resident());
        assertEquals("auto: 3 partitions, 2 task slots", three.reason());
        assertTrue(StepSources.choose(StepSpec.of(auto), jsc, 80, 5).resident());
        assertFalse(StepSources.choose(StepSpec.of(SparkTestSupport.config(LOGISTIC + "\ntrain.step-mode = jobs")), jsc,
                1, 5).resident());
        assertTrue(StepSources.choose(StepSpec.of(SparkTestSupport.config(LOGISTIC + "\ntrain.step-mode = resident")),
                jsc, 9, 5).resident());
    }

    @Test
    void aFailingTaskHandsTheStepToTheFallbackAndStaysThere() {
        failingTaskHandsTheStepToTheFallback(spark);
    }

    /**
     * A task whose kernel throws: the step goes to the fallback (here the single-process source, which throws too),
     * the source says why once and stays on the fallback, and the task slots are free again. Under a local master the
     * failure comes back in memory; {@link ReproducibilityTest} runs this in local-cluster, over TCP.
     */
    static void failingTaskHandsTheStepToTheFallback(SparkSession spark) {
        JobConfig cfg = SparkTestSupport.config(LOGISTIC);
        TrainingData data = BlockLoader.loadTraining(spark, "data.train", cfg.trainPath(),
                LoaderOptions.of("csv", "label").binary(true).build());
        try {
            Model model = FailsAtSentinel.wrap(RunComponents.create(cfg, 4, 2));
            List<Block> blocks = data.blocks().collect();
            LocalGradientSource local = new LocalGradientSource(blocks, model);
            List<String> warnings = new ArrayList<>();
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            long[] sizes = data.partitionSizes();
            ResidentGradientSource resident = new ResidentGradientSource(jsc, data.blocks(), sizes, model,
                    jsc.getConf().get("spark.driver.host"), null, 0, 30_000);
            try (FallbackGradientSource source = ResidentGradientSource.withFallback(resident, local, warnings::add)) {
                StepPlan plan = new StepPlan(5, 0, new int[] {0, 0}, new int[] {16, 16});
                double[] params = new double[model.numParameters()];
                params[1] = 0.25;
                Accumulator first = source.compute(params, plan);
                assertEquals(local.compute(params, plan).lossSum(), first.lossSum(), 0.0);
                assertArrayEquals(local.compute(params, plan).gradientSum(), first.gradientSum(), 0.0);
                assertNull(source.fallbackReason());

                // the tasks fail at the sentinel: the local fallback computes the step (and fails differently)
                params[0] = FailsAtSentinel.SENTINEL;
                IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                        () -> source.compute(params, plan));
                assertTrue(e.getMessage().contains("sentinel"), e.getMessage());
                assertNotNull(source.fallbackReason());
                assertTrue(source.fallbackReason().contains("a resident task failed"), source.fallbackReason());
                assertEquals(1, warnings.size(), warnings.toString());

                params[0] = 0.0;
                assertArrayEquals(local.compute(params, plan).gradientSum(), source.compute(params, plan)
                        .gradientSum(), 0.0);
                assertEquals(1, resident.sessions(), "no new resident tasks after a fallback");
            }
            // the slots are free again: an ordinary job runs
            assertEquals(2L, spark.range(0, 2, 1, 2).count());
        } finally {
            data.release();
        }
    }

    /** A model whose kernel throws when the first parameter is the sentinel (wherever it runs). */
    static final class FailsAtSentinel {
        static final double SENTINEL = 12345.0;

        private FailsAtSentinel() {
        }

        static Model wrap(Model inner) {
            return new SentinelModel(inner, SENTINEL, () -> {
                throw new IllegalStateException("sentinel reached");
            });
        }
    }
}
