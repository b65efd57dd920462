package dev.steepest.spark.exec;

import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import scala.jdk.javaapi.CollectionConverters;

/**
 * What the resident source learns from Spark's listener bus: that another job of the application started (its
 * tasks would wait for the slots the resident tasks hold, so the source yields them), and why a resident task
 * ended when Spark says so (an executor lost, a task killed), so that a broken link names Spark's reason.
 * Resident jobs carry the local property {@value #PROPERTY}; every other job is another job.
 */
final class SparkJobWatch extends SparkListener {
    static final String PROPERTY = "steepest.resident";

    private final IntConsumer otherJobStarted;
    private final ConcurrentHashMap<Integer, Integer> residentStages = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, String> failures = new ConcurrentHashMap<>();

    /** @param otherJobStarted called with the id of each job that is not a resident job, on the bus's thread */
    SparkJobWatch(IntConsumer otherJobStarted) {
        this.otherJobStarted = otherJobStarted;
    }

    @Override
    public void onJobStart(SparkListenerJobStart e) {
        Properties p = e.properties();
        if (p != null && p.getProperty(PROPERTY) != null) {
            for (Object stage : CollectionConverters.asJava(e.stageIds())) residentStages.put((Integer) stage, e.jobId());
        } else {
            otherJobStarted.accept(e.jobId());
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd e) {
        Integer job = residentStages.get(e.stageId());
        if (job != null && e.reason() instanceof TaskFailedReason r) {
            String why = r.toErrorString();
            failures.putIfAbsent(key(job, e.taskInfo().index()), why.lines().findFirst().orElse(why).strip());
        }
    }

    /** Spark's reason for the failure of resident task {@code task} (its index in the job) in job {@code jobId},
     *  or null. */
    String failure(int jobId, int task) {
        return failures.get(key(jobId, task));
    }

    private static long key(int job, int partition) {
        return ((long) job << 32) | (partition & 0xffffffffL);
    }
}
