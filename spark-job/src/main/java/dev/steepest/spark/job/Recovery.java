package dev.steepest.spark.job;

import dev.steepest.core.model.Accumulator;
import dev.steepest.core.train.GradientSource;
import dev.steepest.core.train.StepPlan;
import dev.steepest.core.train.StepRecord;
import dev.steepest.core.train.TrainingListener;
import dev.steepest.spark.data.CachedBlocks;
import dev.steepest.spark.data.LostBlockException;
import dev.steepest.spark.data.TrainingData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;

/**
 * A run's answer to a lost executor. Spark's listener bus reports the executor's removal; a step (or a full pass,
 * or a validation) that failed meanwhile — a job aborted because a task found its cached block gone
 * ({@link LostBlockException}), or a resident task's link broken with its executor — is run again, after the
 * lost blocks of every cached data set of the run are recomputed from the input ({@link CachedBlocks#restoreLost},
 * exactly those partitions). The step's plan and parameters are the same, and the partial sums are merged in
 * partition order, so the step gives the bits it would have given: the run's trajectory does not change.
 *
 * <p>Resident tasks restart as a group: a broken link ends the resident job (all its tasks), and the retried step
 * starts a new one with a task for every partition. Each recovery adds one line to the run's warnings
 * (summary.json {@code warnings}). A failure that is not an executor's loss, or a step that still fails after
 * {@value #MAX_ATTEMPTS} recoveries, is rethrown (for resident steps: to the fallback to one job per step).
 */
final class Recovery extends SparkListener implements TrainingListener {
    static final int MAX_ATTEMPTS = 4;
    /** How long a failure that looks like a lost executor waits for Spark to report the executor's removal. */
    private static final long REMOVAL_WAIT_MILLIS = 15_000;

    private final SparkContext sc;
    private final Map<String, TrainingData> data = new LinkedHashMap<>();
    private final ConcurrentLinkedQueue<String> removed = new ConcurrentLinkedQueue<>();
    private final java.util.Set<String> removedIds = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final List<String> warnings = new ArrayList<>();
    private final Consumer<String> console;
    private volatile long lastStep;

    Recovery(SparkContext sc, Consumer<String> console) {
        this.sc = sc;
        this.console = console;
        sc.addSparkListener(this);
    }

    /** A cached data set of the run whose lost blocks are recomputed on recovery ({@code name}: its config key). */
    synchronized void track(String name, TrainingData d) {
        if (d != null) data.put(name, d);
    }

    /** The recoveries so far, one line each. */
    synchronized List<String> warnings() {
        return List.copyOf(warnings);
    }

    void close() {
        sc.removeSparkListener(this);
    }

    @Override
    public void onExecutorRemoved(SparkListenerExecutorRemoved e) {
        removedIds.add(e.executorId());
        removed.add("executor " + e.executorId() + " (" + firstLine(e.reason()) + ")");
    }

    @Override
    public void onStep(StepRecord step) {
        lastStep = step.iteration();
    }

    /** {@code source}, each of whose computations is run again after a lost executor. */
    GradientSource recovering(GradientSource source, String mode) {
        return new GradientSource() {
            @Override
            public long[] partitionSizes() {
                return source.partitionSizes();
            }

            @Override
            public Accumulator compute(double[] params, StepPlan plan) {
                return call(() -> "step " + (lastStep + 1) + " (" + mode + ")", () -> source.compute(params, plan));
            }

            @Override
            public Accumulator computeAll(double[] params) {
                return call(() -> "a full pass over the training data (" + mode + ")", () -> source.computeAll(params));
            }

            @Override
            public void beforeOtherJobs() {
                source.beforeOtherJobs();
            }

            @Override
            public void close() {
                source.close();
            }
        };
    }

    /** Runs {@code work}, again after each lost executor (at most {@value #MAX_ATTEMPTS} times in all). */
    <T> T call(Supplier<String> what, Supplier<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return work.get();
            } catch (Exception e) { // Spark's SparkException is checked, and thrown through Scala undeclared
                if (attempt >= MAX_ATTEMPTS || !lostExecutor(e)) throw Recovery.<RuntimeException>rethrow(e);
                recover(what.get(), e);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Exception> E rethrow(Exception e) throws E {
        throw (E) e;
    }

    /**
     * Whether {@code e} came from a lost executor: Spark reported a removal not yet recovered from, or the failure
     * names a lost block or executor (then Spark's report of the removal is awaited, so that its blocks are known
     * to be gone).
     */
    private boolean lostExecutor(Exception e) {
        if (!removed.isEmpty()) return true;
        if (!LostBlockException.in(e) && !mentions(e, "ExecutorLostFailure")) return false;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REMOVAL_WAIT_MILLIS);
        while (removed.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private synchronized void recover(String what, Exception e) {
        long t0 = System.nanoTime();
        List<String> lost = new ArrayList<>();
        for (String s; (s = removed.poll()) != null; ) lost.add(s);
        List<String> restored = new ArrayList<>();
        // the block manager may list a removed executor's blocks a moment longer: those count as lost
        for (Map.Entry<String, TrainingData> d : data.entrySet()) {
            int[] parts = CachedBlocks.restoreLost(d.getValue().blocks(), removedIds);
            if (parts.length > 0) restored.add(d.getKey() + " partitions " + java.util.Arrays.toString(parts));
        }
        String line = String.format(Locale.ROOT, "lost %s during %s: %s in %.2f s; the step was run again%s",
                lost.isEmpty() ? "an executor" : String.join(", ", lost), what,
                restored.isEmpty() ? "no cached block was lost" : "recomputed the cached " + String.join(", ", restored)
                        + " from the input",
                (System.nanoTime() - t0) / 1e9, what.contains("resident") ? " on restarted resident tasks" : "");
        if (lost.isEmpty()) line += " (" + firstLine(rootMessage(e)) + ")";
        warnings.add(line);
        console.accept("warning: " + line);
    }

    private static boolean mentions(Throwable e, String text) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(text)) return true;
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse(s).strip();
    }
}
