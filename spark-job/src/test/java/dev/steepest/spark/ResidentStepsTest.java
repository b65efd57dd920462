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
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Resident step tasks ({@code train.step-mode = resident}) against one Spark job per step: the same bits, with
 * evaluations between epochs (which must end the resident tasks to get slots), and a fallback to jobs when the
 * tasks cannot all run or a task fails. The local-cluster case (executors in other JVMs) is in
 * {@link ReproducibilityTest}.
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
        assertEquals("resident", train(LOGISTIC).summary().get("step_mode"));
    }

    @Test
    void tooFewTaskSlotsFallBackToJobsWithOneWarning() {
        String fourPartitions = LOGISTIC + "\ndata.partitions = 4\n";
        TrainJob.Outcome fellBack = train(fourPartitions
                + "train { step-mode = resident, resident.connect-seconds = 1 }");
        TrainJob.Outcome jobs = train(fourPartitions + "train.step-mode = jobs");
        assertEquals("jobs", fellBack.summary().get("step_mode"));
        @SuppressWarnings("unchecked")
        List<String> warnings = (List<String>) fellBack.summary().get("warnings");
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("only 2 of 4 partitions' tasks"), warnings.get(0));
        assertArrayEquals(jobs.result().params(), fellBack.result().params(), 0.0);
    }

    @Test
    void autoIsResidentOnlyWhenEveryPartitionHasATaskSlot() {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JobConfig auto = SparkTestSupport.config(LOGISTIC);
        assertTrue(StepSources.choose(auto, jsc, 2, 5).resident());
        // in memory under a local master: the size of a step's parameters does not matter
        assertTrue(StepSources.choose(SparkTestSupport.config(LOGISTIC + "\ntrain.resident.max-step-bytes = 100"),
                jsc, 2, 1_000_000).resident());
        StepSources.Choice three = StepSources.choose(auto, jsc, 3, 5);
        assertFalse(three.resident());
        assertEquals("auto: 3 partitions > 2 task slots", three.reason());
        assertFalse(StepSources.choose(SparkTestSupport.config(LOGISTIC + "\ntrain.step-mode = jobs"), jsc, 1, 5)
                .resident());
        assertTrue(StepSources.choose(SparkTestSupport.config(LOGISTIC + "\ntrain.step-mode = resident"), jsc, 9, 5)
                .resident());
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
