package dev.steepest.spark;

import dev.steepest.spark.spec.TrainingSpec;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.data.Block;
import dev.steepest.core.model.Model;
import dev.steepest.core.train.LocalGradientSource;
import dev.steepest.core.train.TrainingLoop;
import dev.steepest.core.train.TrainingResult;
import dev.steepest.spark.config.JobConfig;
import dev.steepest.spark.data.BlockLoader;
import dev.steepest.spark.data.TrainingData;
import dev.steepest.spark.job.RunComponents;
import dev.steepest.spark.job.StepSources;
import dev.steepest.spark.job.TrainJob;
import dev.steepest.spark.spec.StepSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Same config and seed give bit-identical models; the distributed run gives the model the single-process kernel
 * gives; and a local-cluster run (two executor JVMs, Kryo registration required) gives the local[2] model, with
 * resident step tasks and with one Spark job per step alike, where the Estimators' {@code fit} gives the CLI's bits too.
 */
class ReproducibilityTest {
    private static final String MOMENTUM_LOGISTIC = String.join("\n",
            "data.train = \"" + SparkTestSupport.sample("logistic.csv") + "\"",
            "model { type = logistic, standardize = false }",
            "optimizer { name = nesterov, lr = 0.05 }",
            "train { batch-size = 50, epochs = 3, seed = 7 }");
    private static final String LINEAR_LIBSVM = String.join("\n",
            "data.train = \"" + SparkTestSupport.sample("logistic.libsvm") + "\"",
            "data.num-features = 4",
            "model.type = linear",
            "optimizer { name = momentum, lr = 0.02 }",
            "train { batch-size = 128, epochs = 2, seed = 3, lr-scaling = linear, warmup-epochs = 0.5 }");

    private static double[] train(SparkSession spark, String hocon) {
        return run(spark, hocon).result().params();
    }

    private static TrainJob.Outcome run(SparkSession spark, String hocon) {
        JobConfig cfg = SparkTestSupport.config(hocon);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        return TrainJob.run(spark, cfg, null, quiet, System.nanoTime());
    }

    @Test
    void sameSeedTwiceIsBitIdenticalAndEqualsSingleProcessKernel() {
        SparkSession spark = SparkTestSupport.session("local[2]");
        try {
            double[] first = train(spark, MOMENTUM_LOGISTIC);
            double[] second = train(spark, MOMENTUM_LOGISTIC);
            assertArrayEquals(first, second, 0.0);

            // the single-process reference: same blocks, core loop with the local source
            JobConfig cfg = SparkTestSupport.config(MOMENTUM_LOGISTIC);
            TrainingData data = BlockLoader.loadTraining(spark, "data.train", cfg.trainPath(),
                    LoaderOptions.of("csv", "label").binary(true).build());
            List<Block> blocks = data.blocks().collect();
            data.release();
            Model model = RunComponents.create(cfg, 4, 2);
            TrainingResult local = new TrainingLoop(new LocalGradientSource(blocks, model), model,
                    TrainingSpec.settings(cfg), RunComponents.optimizer(cfg), List.of()).run(RunComponents.initialParameters(cfg, model));
            assertArrayEquals(local.params(), first, 0.0);
            assertEquals(3 * 40, local.iterations());

            double[] other = train(spark, MOMENTUM_LOGISTIC.replace("seed = 7", "seed = 8"));
            assertTrue(Math.abs(other[0] - first[0]) > 1e-9, "a different seed samples other batches");
        } finally {
            spark.stop();
        }
    }

    @Test
    void localClusterMatchesLocal() {
        double[] expectedLogistic;
        double[] expectedLinear;
        double[] expectedLogistic8;
        SparkSession local = SparkTestSupport.session("local[2]");
        try {
            expectedLogistic = train(local, MOMENTUM_LOGISTIC);
            expectedLogistic8 = train(local, MOMENTUM_LOGISTIC + "\ndata.partitions = 8");
            expectedLinear = train(local, LINEAR_LIBSVM);
        } finally {
            local.stop();
        }
        SparkSession cluster = SparkTestSupport.session("local-cluster[2,1,1024]");
        try {
            // two executors in their own JVMs, neither of them this one
            Set<String> pids = cluster.range(0, 8, 1, 4).javaRDD()
                    .map(i -> ManagementFactory.getRuntimeMXBean().getName()).collect()
                    .stream().collect(Collectors.toSet());
            String self = ManagementFactory.getRuntimeMXBean().getName();
            assertTrue(!pids.contains(self), "tasks ran in the driver JVM: " + pids);
            assertEquals(2, pids.size(), "two executor JVMs: " + pids);

            // auto takes resident tasks here (two partitions, two slots): steps stream to the executor JVMs
            double[] logistic = train(cluster, MOMENTUM_LOGISTIC);
            double[] linear = train(cluster, LINEAR_LIBSVM);
            assertClose(expectedLogistic, logistic);
            assertClose(expectedLinear, linear);
            // and one Spark job per step gives the resident tasks' bits
            assertArrayEquals(logistic, train(cluster, MOMENTUM_LOGISTIC + "\ntrain.step-mode = jobs"), 0.0);
            assertArrayEquals(linear, train(cluster, LINEAR_LIBSVM + "\ntrain.step-mode = jobs"), 0.0);
            // over TCP, auto weighs a step's traffic: 2 partitions x 1,000 parameters x 8 bytes > 100 bytes
            org.apache.spark.api.java.JavaSparkContext jsc =
                    org.apache.spark.api.java.JavaSparkContext.fromSparkContext(cluster.sparkContext());
            StepSources.Choice heavy = StepSources.choose(StepSpec.of(SparkTestSupport.config(MOMENTUM_LOGISTIC
                    + "\ntrain.resident.max-step-bytes = 100")), jsc, 2, 1000);
            assertTrue(!heavy.resident(), heavy.reason());
            assertTrue(heavy.reason().contains("16000 bytes a step > train.resident.max-step-bytes 100"),
                    heavy.reason());
            assertTrue(StepSources.choose(StepSpec.of(SparkTestSupport.config(MOMENTUM_LOGISTIC)), jsc, 2, 1000)
                    .resident());
            // 8 partitions on 2 single-slot executors: 2 resident tasks, each serving the 4 partitions its executor
            // caches (or, where the cache placed them unevenly, handed over to balance), the bits of one job per step
            String eight = MOMENTUM_LOGISTIC + "\ndata.partitions = 8";
            TrainJob.Outcome resident8 = run(cluster, eight);
            assertEquals("resident", resident8.summary().get("step_mode"), resident8.summary().toString());
            assertEquals(List.of(), resident8.summary().get("warnings"));
            String layout = (String) resident8.summary().get("resident_layout");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                    "8 partitions on 2 tasks: (\\S+) on executor (\\d+), (\\S+) on executor (\\d+)").matcher(layout);
            assertTrue(m.matches(), layout);
            assertTrue(!m.group(2).equals(m.group(4)), "one task per executor: " + layout);
            assertEquals(4, partitionsIn(m.group(1)), layout);
            assertEquals(4, partitionsIn(m.group(3)), layout);
            assertArrayEquals(train(cluster, eight + "\ntrain.step-mode = jobs"), resident8.result().params(), 0.0);
            assertClose(expectedLogistic8, resident8.result().params());
            // a task that fails on an executor reports it over its connection, and the run falls back
            ResidentStepsTest.failingTaskHandsTheStepToTheFallback(cluster);
            // the Spark ML Estimator's fit and the CLI's path give the same bits here too
            SparkMlEstimatorsTest.theCliAndFitGiveBitIdenticalParameters(cluster);
            // and a model's one-call transform runs in the executor JVMs as Spark ML's own
            OneCallTransformTest.transformsAsSparkMlsOwnIn(cluster, (dev.steepest.spark.ml.SteepestClassificationModel)
                    dev.steepest.spark.ml.SteepestModels.of(dev.steepest.spark.ml.ModelJson.text(
                            run(cluster, MOMENTUM_LOGISTIC).modelJson())));
        } finally {
            cluster.stop();
        }
    }

    /** How many partitions a layout's {@code 0-1,3,5-6} names. */
    private static int partitionsIn(String ranges) {
        int n = 0;
        for (String r : ranges.split(",")) {
            String[] ends = r.split("-");
            n += ends.length == 1 ? 1 : Integer.parseInt(ends[1]) - Integer.parseInt(ends[0]) + 1;
        }
        return n;
    }

    private static void assertClose(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(expected[i] - actual[i]) <= 1e-12 * Math.max(1.0, Math.abs(expected[i])),
                    "parameter " + i + ": " + expected[i] + " vs " + actual[i]);
        }
    }
}
