package dev.steepest.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.steepest.spark.job.TrainJob;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Resident steps above {@code train.tree-aggregate-threshold} (local[2]): the groups of the job path's two-level
 * tree are merged on the resident tasks, the driver merges the group sums, and the model is the job path's bit for
 * bit, at the default threshold (36 partitions: 6 groups of 6) and at a low one (8 partitions: groups of 3). The
 * same with executors in their own JVMs, and with broadcast parameters, is in
 * {@code exec.ResidentBroadcastClusterTest}.
 */
class ResidentTreeStepsTest extends LocalSparkTest {
    private static final String LOGISTIC = String.join("\n",
            "data.train = \"" + SparkTestSupport.sample("logistic.csv") + "\"",
            "data.validation-fraction = 0.2",
            "model.type = logistic",
            "optimizer { name = adam, lr = 0.02 }",
            "train { batch-size = 64, epochs = 3, seed = 11, metrics = epoch }");

    private static void assertSameModel(TrainJob.Outcome jobs, TrainJob.Outcome resident) {
        assertEquals("jobs", jobs.summary().get("step_mode"));
        assertEquals("resident", resident.summary().get("step_mode"), resident.summary().toString());
        assertEquals(List.of(), resident.summary().get("warnings"));
        assertEquals(jobs.result().iterations(), resident.result().iterations());
        assertArrayEquals(jobs.result().params(), resident.result().params(), 0.0);
        assertEquals(jobs.summary().get("final_train_loss"), resident.summary().get("final_train_loss"));
    }

    @Test
    void thirtySixPartitionsMergedInGroupsOnTheTasksGiveTheJobPathsTreeBitForBit() {
        String config = LOGISTIC + "\ndata.partitions = 36\n";
        TrainJob.Outcome jobs = train(config + "train.step-mode = jobs");
        TrainJob.Outcome resident = train(config + "train.step-mode = resident");
        assertSameModel(jobs, resident);
        assertEquals("36 partitions on 2 tasks: 0-17 on executor driver, 18-35 on executor driver; merged on the "
                        + "tasks in 6 groups of 6 partitions, 6 partials a step to the driver",
                resident.summary().get("resident_layout"));
    }

    @Test
    void aLowTreeThresholdGivesTheJobPathsTreeOfThatShapeBitForBit() {
        String config = LOGISTIC + "\ndata.partitions = 8\ntrain.tree-aggregate-threshold = 4\n";
        TrainJob.Outcome jobs = train(config + "train.step-mode = jobs");
        TrainJob.Outcome resident = train(config + "train.step-mode = resident");
        assertSameModel(jobs, resident);
        assertEquals("8 partitions on 2 tasks: 0-2 on executor driver, 3-7 on executor driver; merged on the "
                + "tasks in 3 groups of 3 partitions, 3 partials a step to the driver",
                resident.summary().get("resident_layout"));
        // at or below the threshold nothing is merged on the tasks, and the layout says nothing of a tree
        TrainJob.Outcome flat = train(LOGISTIC + "\ndata.partitions = 8\ntrain.step-mode = resident");
        assertFalse(((String) flat.summary().get("resident_layout")).contains("merged"));
    }
}
