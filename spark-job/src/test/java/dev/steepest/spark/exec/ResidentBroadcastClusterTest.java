package dev.steepest.spark.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.model.Accumulator;
import dev.steepest.core.model.Model;
import dev.steepest.core.train.LocalGradientSource;
import dev.steepest.core.train.StepPlan;
import dev.steepest.spark.LoaderOptions;
import dev.steepest.spark.SparkTestSupport;
import dev.steepest.spark.config.JobConfig;
import dev.steepest.spark.data.BlockLoader;
import dev.steepest.spark.data.TrainingData;
import dev.steepest.spark.job.RunComponents;
import dev.steepest.spark.job.TrainJob;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.BlockId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Broadcast parameters and the executor-side tree with executors in their own JVMs (local-cluster[2,1,1024], TCP
 * links, Kryo registration required): a run whose parameters go out as a Spark broadcast a step gives the model of
 * the plain resident run and of one job per step bit for bit; so does a run whose partials are merged in the job
 * path's tree on the executors; and the step broadcasts leave no copies behind on the executors.
 */
class ResidentBroadcastClusterTest {
    private static final String LOGISTIC = String.join("\n",
            "data.train = \"" + SparkTestSupport.sample("logistic.csv") + "\"",
            "data.validation-fraction = 0.2",
            "model.type = logistic",
            "optimizer { name = adam, lr = 0.02 }",
            "train { batch-size = 64, epochs = 3, seed = 11, metrics = epoch, resident.connect-seconds = 20 }");
    /** Every parameter vector is broadcast / none is. */
    private static final String BROADCAST = "\ntrain.resident.broadcast-bytes = 0\n";
    private static final String PLAIN = "\ntrain.resident.broadcast-bytes = 100000000000\n";

    private static SparkSession cluster;

    @BeforeAll
    static void start() {
        cluster = SparkTestSupport.session("local-cluster[2,1,1024]");
    }

    @AfterAll
    static void stop() {
        cluster.stop();
    }

    private static TrainJob.Outcome train(String hocon) {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TrainJob.Outcome o = TrainJob.run(cluster, SparkTestSupport.config(hocon), null,
                new PrintStream(log, true, StandardCharsets.UTF_8), System.nanoTime());
        assertEquals(List.of(), o.summary().get("warnings"), log.toString(StandardCharsets.UTF_8));
        return o;
    }

    private static void assertSameModel(TrainJob.Outcome expected, TrainJob.Outcome actual) {
        assertEquals(expected.result().iterations(), actual.result().iterations());
        assertArrayEquals(expected.result().params(), actual.result().params(), 0.0);
        assertEquals(expected.summary().get("final_train_loss"), actual.summary().get("final_train_loss"));
    }

    @Test
    void broadcastParametersGiveTheModelOfThePlainResidentRunAndOfOneJobPerStep() {
        TrainJob.Outcome jobs = train(LOGISTIC + "\ntrain.step-mode = jobs");
        TrainJob.Outcome plain = train(LOGISTIC + PLAIN + "train.step-mode = resident");
        TrainJob.Outcome broadcast = train(LOGISTIC + BROADCAST + "train.step-mode = resident");
        assertEquals("resident", broadcast.summary().get("step_mode"));
        assertEquals("tcp", broadcast.summary().get("resident_link"));
        String layout = (String) broadcast.summary().get("resident_layout");
        assertTrue(layout.endsWith("; parameters by broadcast"), layout);
        assertFalse(((String) plain.summary().get("resident_layout")).contains("broadcast"));
        assertSameModel(jobs, plain);
        assertSameModel(jobs, broadcast);
    }

    @Test
    void theTreeOnTheExecutorsWithBroadcastParametersGivesTheJobPathsTreeBitForBit() {
        String config = LOGISTIC + BROADCAST + "data.partitions = 8\ntrain.tree-aggregate-threshold = 4\n";
        TrainJob.Outcome jobs = train(config + "train.step-mode = jobs");
        TrainJob.Outcome resident = train(config + "train.step-mode = resident");
        assertEquals("resident", resident.summary().get("step_mode"));
        String layout = (String) resident.summary().get("resident_layout");
        assertTrue(layout.contains("; merged on the tasks in 3 groups of 3 partitions, 3 partials a step to the "
                + "driver; parameters by broadcast"), layout);
        assertSameModel(jobs, resident);
    }

    /** The block filter, sent to the executors (so serializable). */
    private static final class IsBroadcast extends scala.runtime.AbstractFunction1<BlockId, Object>
            implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Object apply(BlockId id) {
            return id.isBroadcast();
        }
    }

    /** Broadcast ids that some block manager (the driver's or an executor's) holds a block of. */
    private static Set<Long> broadcastsHeld(JavaSparkContext jsc) {
        Set<Long> ids = new HashSet<>();
        for (BlockId b : scala.jdk.javaapi.CollectionConverters.asJava(
                jsc.sc().env().blockManager().master().getMatchingBlockIds(new IsBroadcast(), true))) {
            String name = b.name(); // broadcast_<id> or broadcast_<id>_piece<n>
            int end = name.indexOf('_', "broadcast_".length());
            ids.add(Long.parseLong(name.substring("broadcast_".length(), end < 0 ? name.length() : end)));
        }
        return ids;
    }

    /**
     * Each step's broadcast is destroyed after the step: after 30 steps, with the tasks still running, the block
     * managers hold at most two new broadcasts, the resident job's own task binary (Spark's, freed when it is
     * collected) and the last step's while its destroy is under way. (The tasks read the value outside the task,
     * {@link BroadcastParameters}, because inside one Spark keeps the read lock of a broadcast it finds in the
     * executor's block manager until the task ends; with one task per executor, as here, the pieces come from
     * other block managers and that path is not taken, so this test does not tell the two reads apart.)
     */
    @Test
    void thirtyBroadcastStepsLeaveNoCopiesOnTheExecutors() throws Exception {
        JobConfig cfg = SparkTestSupport.config(LOGISTIC);
        TrainingData data = BlockLoader.loadTraining(cluster, "data.train", cfg.trainPath(),
                LoaderOptions.of("csv", "label").binary(true).build());
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(cluster.sparkContext());
        try {
            Model model = RunComponents.create(cfg, 4, 2);
            LocalGradientSource local = new LocalGradientSource(data.blocks().collect(), model);
            Set<Long> before = broadcastsHeld(jsc);
            try (ResidentGradientSource resident = new ResidentGradientSource(jsc, data.blocks(),
                    data.partitionSizes(), model, jsc.getConf().get("spark.driver.host"), null, 0, 20_000, 0, 32)) {
                double[] params = new double[model.numParameters()];
                for (int step = 0; step < 30; step++) {
                    StepPlan plan = new StepPlan(5 + step, 0, new int[] {0, 0}, new int[] {16, 16});
                    params[1] = 0.01 * step;
                    Accumulator a = resident.compute(params, plan);
                    assertArrayEquals(local.compute(params, plan).gradientSum(), a.gradientSum(), 0.0);
                }
                assertTrue(resident.layout().endsWith("; parameters by broadcast"), resident.layout());
                assertEquals(1, resident.sessions());
                // while the tasks still run: destroys are asynchronous, so wait for them a while
                Set<Long> left = broadcastsHeld(jsc);
                left.removeAll(before);
                long deadline = System.nanoTime() + 15_000_000_000L;
                while (left.size() > 2 && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                    left = broadcastsHeld(jsc);
                    left.removeAll(before);
                }
                assertTrue(left.size() <= 2, "broadcasts held after 30 steps, with the tasks running: " + left);
            }
        } finally {
            data.release();
        }
    }
}
