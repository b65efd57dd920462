package dev.steepest.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.train.StepRecord;
import dev.steepest.core.train.TrainingListener;
import dev.steepest.spark.job.TrainJob;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkEnv;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A run survives the loss of an executor JVM mid-run, with the default settings ({@code data.truncate-lineage =
 * true}): in local-cluster (two executor JVMs), one executor is killed (SIGKILL, by the PID it reports from a task)
 * after a step; the lost cached block is recomputed from the input, the interrupted step is run again (resident
 * tasks restart as a group), and the run ends with the undisturbed run's model, bit for bit, with the recovery in
 * its warnings. Spark's local-cluster master starts a new executor in place of the killed one.
 */
class LostExecutorTest {
    private static final String RUN = String.join("\n",
            "data.train = \"" + SparkTestSupport.sample("logistic.csv") + "\"",
            "data.validation-fraction = 0.2",
            "model.type = logistic",
            "optimizer { name = adam, lr = 0.02 }",
            "train { batch-size = 64, epochs = 2, seed = 5 }");
    private static final int KILL_AFTER_STEP = 8;

    private static SparkSession cluster;
    /** The undisturbed run, one Spark job per step: resident steps give its bits too (ReproducibilityTest). */
    private static TrainJob.Outcome undisturbed;

    @BeforeAll
    static void start() {
        cluster = SparkTestSupport.session("local-cluster[2,1,1024]");
        undisturbed = train(RUN + "\ntrain.step-mode = jobs", List.of());
        assertEquals(List.of(), undisturbed.summary().get("warnings"));
    }

    @AfterAll
    static void stop() {
        cluster.stop();
    }

    @Test
    void aRunWithOneSparkJobPerStepSurvivesAKilledExecutorWithTheUndisturbedModel() throws Exception {
        assertSurvives("jobs", undisturbed);
    }

    @Test
    void residentTasksRestartAsAGroupAfterAKilledExecutorWithTheUndisturbedModel() throws Exception {
        assertSurvives("resident", undisturbed);
    }

    private static void assertSurvives(String mode, TrainJob.Outcome undisturbed) throws Exception {
        long pid = executorPids().values().iterator().next();
        long[] killedAt = {-1};
        TrainingListener killer = new TrainingListener() {
            @Override
            public void onStep(StepRecord s) {
                if (s.iteration() == KILL_AFTER_STEP) {
                    kill(pid);
                    killedAt[0] = s.iteration();
                }
            }
        };
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TrainJob.Outcome disturbed = train(RUN + "\ntrain.step-mode = " + mode, List.of(killer), log);
        String console = log.toString(StandardCharsets.UTF_8);
        assertEquals(KILL_AFTER_STEP, killedAt[0]);
        assertTrue(ProcessHandle.of(pid).isEmpty() || !ProcessHandle.of(pid).get().isAlive(), "executor " + pid);
        assertEquals(undisturbed.result().iterations(), disturbed.result().iterations());
        assertArrayEquals(undisturbed.result().params(), disturbed.result().params(), 0.0, console);
        assertEquals(undisturbed.summary().get("final_train_loss"), disturbed.summary().get("final_train_loss"));
        @SuppressWarnings("unchecked")
        Map<String, Object> expected = (Map<String, Object>) undisturbed.summary().get("validation");
        @SuppressWarnings("unchecked")
        Map<String, Object> actual = (Map<String, Object>) disturbed.summary().get("validation");
        for (String metric : List.of("rows", "accuracy", "log_loss", "auc")) {
            assertEquals(expected.get(metric), actual.get(metric), metric);
        }
        @SuppressWarnings("unchecked")
        List<String> warnings = (List<String>) disturbed.summary().get("warnings");
        assertTrue(warnings.stream().anyMatch(w -> w.startsWith("lost executor ")
                && w.contains("during step " + (KILL_AFTER_STEP + 1))
                && w.contains("recomputed the cached data.train partitions [")), warnings + "\n" + console);
        assertEquals(mode, disturbed.summary().get("step_mode"), warnings + "\n" + console);
    }

    private static TrainJob.Outcome train(String hocon, List<TrainingListener> extra) {
        return train(hocon, extra, new ByteArrayOutputStream());
    }

    private static TrainJob.Outcome train(String hocon, List<TrainingListener> extra, ByteArrayOutputStream log) {
        return TrainJob.run(cluster, SparkTestSupport.config(hocon), dev.steepest.spark.job.TrainingInputs.FILES,
                null, new PrintStream(log, true, StandardCharsets.UTF_8), System.nanoTime(), extra);
    }

    /** Executor id to the PID of its JVM, as tasks report them (both executors: many small tasks). */
    static Map<String, Long> executorPids() {
        Map<String, Long> pids = new TreeMap<>();
        for (int round = 0; round < 20 && pids.size() < 2; round++) {
            cluster.range(0, 32, 1, 16).javaRDD()
                    .map(i -> SparkEnv.get().executorId() + " " + ProcessHandle.current().pid()).collect()
                    .forEach(s -> pids.put(s.split(" ")[0], Long.parseLong(s.split(" ")[1])));
        }
        assertEquals(2, pids.size(), "two executor JVMs: " + pids);
        assertTrue(!pids.containsValue(ProcessHandle.current().pid()), "tasks ran in the driver JVM");
        return pids;
    }

    /** SIGKILL to one executor JVM by its PID; returns once it is gone. */
    static void kill(long pid) {
        try {
            int rc = new ProcessBuilder("kill", "-KILL", Long.toString(pid)).inheritIO().start().waitFor();
            assertEquals(0, rc, "kill -KILL " + pid);
            ProcessHandle.of(pid).ifPresent(h -> {
                try {
                    h.onExit().get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new AssertionError("executor " + pid + " still alive", e);
                }
            });
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
