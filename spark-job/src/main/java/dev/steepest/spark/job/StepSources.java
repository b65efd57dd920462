package dev.steepest.spark.job;

import dev.steepest.core.data.Block;
import dev.steepest.core.model.Model;
import dev.steepest.core.train.GradientSource;
import dev.steepest.spark.exec.FallbackGradientSource;
import dev.steepest.spark.exec.ResidentGradientSource;
import dev.steepest.spark.exec.SparkGradientSource;
import dev.steepest.spark.spec.StepSpec;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The gradient source of a run, as its {@link StepSpec} ({@code train.step-mode}, ...) says: one Spark job per
 * step, or resident tasks that the driver streams steps to (with the job path as their fallback).
 */
public final class StepSources {
    private StepSources() {
    }

    /**
     * Why the run cannot go on with these Spark settings, in one line, or null. {@code spark.speculation = true} is
     * refused: a step is deterministic, so a speculative copy of its task could only repeat its work, and resident
     * tasks (which run for the whole run) would always look slow enough to be copied. Dynamic allocation is refused
     * with {@code train.step-mode = resident} (it may start too few executors for every task, or take executors
     * away); with one job per step it is fine: Spark keeps the executors that hold cached blocks
     * ({@code spark.dynamicAllocation.cachedExecutorIdleTimeout}), and a removed one's blocks are recomputed as a
     * lost executor's are ({@link Recovery}). {@code auto} takes one job per step under dynamic allocation.
     */
    public static String refusal(StepSpec steps, SparkConf conf) {
        if (conf.getBoolean("spark.speculation", false)) {
            return "spark.speculation = true: steepest's steps are deterministic, so speculative task copies would only"
                    + " repeat their work (and resident tasks always look slow); set spark.speculation = false";
        }
        if (steps.mode() == StepSpec.StepMode.RESIDENT
                && conf.getBoolean("spark.dynamicAllocation.enabled", false)) {
            return "train.step-mode = resident: refused with spark.dynamicAllocation.enabled = true (it may start too"
                    + " few executors for the resident tasks, or take theirs away); use train.step-mode = auto or jobs";
        }
        return null;
    }

    /** The mode a run starts in, and why (for the run log). */
    public record Choice(boolean resident, String reason) {
    }

    /**
     * {@code jobs} and {@code resident} are taken as said; {@code auto} is resident for any number of partitions
     * (a resident task serves several partitions when there are more partitions than task slots), when dynamic
     * allocation is off (it may take the executors away that the resident tasks run on), and, with executors in
     * their own JVMs, the driver's traffic per step (a gradient back for every partition) is at most
     * {@code train.resident.max-step-bytes}: above that, one job per step spreads the parameters by broadcast.
     * Before it counts the task slots (for the run log) it waits for executors to register as Spark's own
     * scheduler does ({@link #awaitExecutors}). Either way, a resident choice becomes one job per step where
     * Spark's security settings allow no resident link ({@link ResidentGradientSource#linkRefusal}); the reason
     * says so.
     */
    public static Choice choose(StepSpec steps, JavaSparkContext jsc, int partitions, int numParameters) {
        Choice c = chooseMode(steps, jsc, partitions, numParameters);
        String refusal = c.resident() ? ResidentGradientSource.linkRefusal(jsc) : null;
        return refusal == null ? c : new Choice(false, c.reason() + ", but " + refusal);
    }

    /** The choice before Spark's security settings have their say ({@link ResidentGradientSource#linkRefusal}). */
    private static Choice chooseMode(StepSpec steps, JavaSparkContext jsc, int partitions, int numParameters) {
        StepSpec.StepMode mode = steps.mode();
        if (mode == StepSpec.StepMode.JOBS) return new Choice(false, "train.step-mode = jobs");
        if (mode != StepSpec.StepMode.AUTO) {
            return new Choice(true, "train.step-mode = " + mode.configName() + awaitExecutors(jsc));
        }
        SparkConf conf = jsc.getConf();
        if (conf.getBoolean("spark.dynamicAllocation.enabled", false)) {
            return new Choice(false, "auto: dynamic allocation is on");
        }
        String waited = awaitExecutors(jsc);
        int slots = taskSlots(jsc);
        int partials = driverPartials(partitions, steps.treeAggregateThreshold(), slots);
        long stepBytes = 8L * numParameters * partials;
        long maxStepBytes = steps.maxStepBytes();
        if (!jsc.isLocal() && stepBytes > maxStepBytes) {
            return new Choice(false, "auto: " + partials + (partials == partitions ? " partitions" : " partition groups")
                    + " x " + numParameters + " parameters = " + stepBytes + " bytes a step > "
                    + "train.resident.max-step-bytes " + maxStepBytes);
        }
        return new Choice(true, "auto: " + partitions + " partitions, " + slots + " task slots" + waited);
    }

    /**
     * The partials the driver receives a resident step: one per partition up to {@code treeThreshold} partitions;
     * above it one per group of {@code ceil(sqrt(P))} consecutive partitions (merged on the tasks) when there are at
     * least as many groups as task slots (else the layout goes by partition, and up to one per partition).
     */
    static int driverPartials(int partitions, int treeThreshold, int slots) {
        if (partitions <= treeThreshold) return partitions;
        int fanIn = (int) Math.ceil(Math.sqrt(partitions));
        int groups = (partitions + fanIn - 1) / fanIn;
        return groups >= slots ? groups : partitions;
    }

    /**
     * Waits until Spark's scheduler backend counts enough executors registered: the share of the expected
     * resources {@code spark.scheduler.minRegisteredResourcesRatio} says, or until
     * {@code spark.scheduler.maxRegisteredResourcesWaitingTime} has passed since the backend started (Spark's own
     * rule, {@code SchedulerBackend.isReady}, which Spark applies once when the context starts; here it is asked
     * again before the slots are counted). Returns what it waited, for the run log ("" when it did not wait).
     */
    static String awaitExecutors(JavaSparkContext jsc) {
        long maxMillis = jsc.getConf().getTimeAsMs("spark.scheduler.maxRegisteredResourcesWaitingTime", "30s");
        java.util.function.BooleanSupplier ready;
        try {
            org.apache.spark.scheduler.SchedulerBackend backend = jsc.sc().schedulerBackend();
            ready = backend::isReady;
        } catch (RuntimeException | LinkageError e) {
            return ""; // an internal API of Spark's: if it moved, count the slots as they are
        }
        return awaitReady(ready, maxMillis, jsc.getConf().get("spark.scheduler.minRegisteredResourcesRatio", null));
    }

    /** {@link #awaitExecutors} on any readiness test, polled every 50 ms for at most {@code maxMillis}. */
    static String awaitReady(java.util.function.BooleanSupplier ready, long maxMillis, String ratio) {
        long t0 = System.nanoTime();
        long deadline = t0 + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(maxMillis);
        boolean was = ready.getAsBoolean();
        boolean is = was;
        while (!is && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            is = ready.getAsBoolean();
        }
        if (was) return "";
        return String.format(java.util.Locale.ROOT, " (after %.1f s waiting for executors to register%s%s)",
                (System.nanoTime() - t0) / 1e9, ratio == null ? "" : ", spark.scheduler.minRegisteredResourcesRatio = "
                        + ratio, is ? "" : "; gave up at spark.scheduler.maxRegisteredResourcesWaitingTime");
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
        private final GradientSource jobs;
        private final ResidentGradientSource resident;
        private final FallbackGradientSource withFallback;
        private final Choice choice;

        /**
         * {@code resident} is null when the run takes one job per step from the start; {@code jobs} and
         * {@code residentSteps} are what the run calls (the sources themselves, or wrapped by a {@link Recovery}).
         */
        Steps(GradientSource jobs, ResidentGradientSource resident, GradientSource residentSteps,
              Consumer<String> warnings, Choice choice) {
            this.jobs = jobs;
            this.resident = resident;
            this.withFallback = resident == null ? null
                    : ResidentGradientSource.withFallback(residentSteps, jobs, warnings);
            this.choice = choice;
        }

        /** The run's source; resident tasks yield their slots to any other Spark job by themselves. */
        public GradientSource source() {
            return withFallback != null ? withFallback : jobs;
        }

        /** {@code resident} or {@code jobs}: how the steps ran (jobs after a fallback). */
        public String mode() {
            return withFallback != null && withFallback.onPrimary() ? "resident" : "jobs";
        }

        /** How the resident tasks reached the driver ({@code in-process}, {@code tcp}, {@code tcp-aes-gcm}), or
         *  null when the run took one Spark job per step from the start. */
        public String link() {
            return resident == null ? null : resident.link();
        }

        /**
         * How the partitions were mapped to resident tasks ({@code 8 partitions on 2 tasks: 0-3 on executor 0,
         * ...}): the last start's layout, or the planned one before the first step; null without resident tasks.
         */
        public String layout() {
            if (resident == null) return null;
            String l = resident.layout();
            return l != null ? l : resident.plannedLayout();
        }

        /** The layout of the last start of the resident tasks, or null when none started (summary.json). */
        public String ranLayout() {
            return resident == null ? null : resident.layout();
        }

        /** One line for the run log. */
        public String describe() {
            return "steps: " + (resident != null ? "resident tasks streamed by the driver " + resident.linkDescription()
                    + ", " + layout() : "one Spark job per step") + " (" + choice.reason() + ")";
        }

        /** The fallback warning, if the resident tasks gave way to one job per step. */
        public List<String> warnings() {
            String w = withFallback == null ? null : withFallback.fallbackWarning();
            return w == null ? List.of() : List.of(w);
        }

        @Override
        public void close() {
            source().close();
        }
    }

    public static Steps create(StepSpec spec, JavaSparkContext jsc, JavaRDD<Block> blocks, long[] sizes, Model model,
                               Consumer<String> console) {
        return create(spec, jsc, blocks, sizes, model, console, null);
    }

    /**
     * As above; with a {@code recovery} (not null), a step that a lost executor broke is run again after the lost
     * blocks are recomputed, resident tasks restarted as a group ({@link Recovery}).
     */
    static Steps create(StepSpec spec, JavaSparkContext jsc, JavaRDD<Block> blocks, long[] sizes, Model model,
                        Consumer<String> console, Recovery recovery) {
        SparkGradientSource plain = new SparkGradientSource(jsc, blocks, sizes, model,
                spec.broadcastThresholdBytes(), spec.treeAggregateThreshold());
        GradientSource jobs = recovery == null ? plain : recovery.recovering(plain, "one Spark job per step");
        Choice choice = choose(spec, jsc, blocks.getNumPartitions(), model.numParameters());
        if (!choice.resident()) return new Steps(jobs, null, null, null, choice);
        SparkConf conf = jsc.getConf();
        String host = conf.get("spark.driver.host", "127.0.0.1");
        ResidentGradientSource resident = new ResidentGradientSource(jsc, blocks, sizes, model, host,
                conf.get("spark.driver.bindAddress", null), spec.residentPort(), spec.connectMillis(),
                spec.residentBroadcastBytes(), spec.treeAggregateThreshold());
        resident.onLayout(console);
        return new Steps(jobs, resident, recovery == null ? resident : recovery.recovering(resident, "resident tasks"),
                w -> console.accept("warning: " + w), choice);
    }
}
