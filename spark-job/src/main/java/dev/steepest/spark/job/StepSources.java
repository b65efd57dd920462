package dev.steepest.spark.job;

import dev.steepest.core.data.Block;
import dev.steepest.core.model.Model;
import dev.steepest.core.train.GradientSource;
import dev.steepest.spark.config.JobConfig;
import dev.steepest.spark.exec.ResidentGradientSource;
import dev.steepest.spark.exec.SparkGradientSource;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The gradient source of a run, as {@code train.step-mode} says: one Spark job per step, or resident tasks that
 * the driver streams steps to (with the job path as their fallback).
 */
public final class StepSources {
    private StepSources() {
    }

    /** The mode a run starts in, and why (for the run log). */
    public record Choice(boolean resident, String reason) {
    }

    /**
     * {@code jobs} and {@code resident} are taken as said; {@code auto} is resident when every partition can hold a
     * task slot at once (resident tasks that cannot all run would only wait for the connect timeout), dynamic
     * allocation is off (it may take the executors away that the resident tasks run on), and, with executors in
     * their own JVMs, the driver's traffic per step (the parameters to every task, a gradient back from each) is at
     * most {@code train.resident.max-step-bytes}: above that, one job per step spreads the parameters by broadcast.
     */
    public static Choice choose(JobConfig cfg, JavaSparkContext jsc, int partitions, int numParameters) {
        String mode = cfg.string("train.step-mode");
        if (!"auto".equals(mode)) return new Choice("resident".equals(mode), "train.step-mode = " + mode);
        SparkConf conf = jsc.getConf();
        if (conf.getBoolean("spark.dynamicAllocation.enabled", false)) {
            return new Choice(false, "auto: dynamic allocation is on");
        }
        int slots = taskSlots(jsc);
        if (partitions > slots) {
            return new Choice(false, "auto: " + partitions + " partitions > " + slots + " task slots");
        }
        long stepBytes = 8L * numParameters * partitions;
        long maxStepBytes = cfg.longValue("train.resident.max-step-bytes");
        if (!jsc.isLocal() && stepBytes > maxStepBytes) {
            return new Choice(false, "auto: " + partitions + " partitions x " + numParameters + " parameters = "
                    + stepBytes + " bytes a step > train.resident.max-step-bytes " + maxStepBytes);
        }
        return new Choice(true, "auto: " + partitions + " partitions, " + slots + " task slots");
    }

    /** Tasks the application's executors can run at once now (what Spark's barrier scheduling checks). */
    static int taskSlots(JavaSparkContext jsc) {
        try {
            return jsc.sc().maxNumConcurrentTasks(jsc.sc().resourceProfileManager().defaultResourceProfile());
        } catch (RuntimeException | LinkageError e) {
            return 0; // an internal API of Spark's: if it moved, be safe and take one job per step
        }
    }

    /** A run's gradient source and what the rest of the run needs to know of it. */
    public static final class Steps implements AutoCloseable {
        private final SparkGradientSource jobs;
        private final ResidentGradientSource resident;
        private final Choice choice;

        /** {@code resident} is null when the run takes one job per step from the start. */
        Steps(SparkGradientSource jobs, ResidentGradientSource resident, Choice choice) {
            this.jobs = jobs;
            this.resident = resident;
            this.choice = choice;
        }

        public GradientSource source() {
            return resident != null ? resident : jobs;
        }

        /** Frees the resident tasks' slots: call before any other Spark job of the run. */
        public void beforeOtherJobs() {
            if (resident != null) resident.suspend();
        }

        /** {@code resident} or {@code jobs}: how the steps ran (jobs after a fallback). */
        public String mode() {
            return resident != null && resident.fallbackReason() == null ? "resident" : "jobs";
        }

        /** One line for the run log. */
        public String describe() {
            return "steps: " + (resident != null ? "resident tasks, one per partition, streamed by the driver"
                    : "one Spark job per step") + " (" + choice.reason() + ")";
        }

        /** The fallback warning, if the resident tasks gave way to one job per step. */
        public List<String> warnings() {
            String w = resident == null ? null : resident.fallbackWarning();
            return w == null ? List.of() : List.of(w);
        }

        @Override
        public void close() {
            if (resident != null) resident.close();
        }
    }

    public static Steps create(JobConfig cfg, JavaSparkContext jsc, JavaRDD<Block> blocks, long[] sizes, Model model,
                               Consumer<String> console) {
        SparkGradientSource jobs = new SparkGradientSource(jsc, blocks, sizes, model,
                cfg.longValue("train.broadcast-threshold-bytes"), (int) cfg.longValue("train.tree-aggregate-threshold"));
        Choice choice = choose(cfg, jsc, blocks.getNumPartitions(), model.numParameters());
        if (!choice.resident()) return new Steps(jobs, null, choice);
        SparkConf conf = jsc.getConf();
        String host = conf.get("spark.driver.host", "127.0.0.1");
        ResidentGradientSource resident = new ResidentGradientSource(jsc, blocks, sizes, model, jobs,
                w -> console.accept("warning: " + w), host, conf.get("spark.driver.bindAddress", null), (int) cfg.longValue("train.resident.port"),
                (int) Math.round(1000 * cfg.doubleValue("train.resident.connect-seconds")));
        return new Steps(jobs, resident, choice);
    }
}
