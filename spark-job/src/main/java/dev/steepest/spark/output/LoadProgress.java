package dev.steepest.spark.output;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;

/**
 * A progress line for a long load (reading, staging and caching a data set, which are Spark jobs): from Spark's
 * listener bus, the stage that runs (its call site, unless that is one of Spark's own lambdas), its tasks done of
 * all, the rows its finished tasks read (input or shuffle records, as Spark counts them when a task ends) and
 * rows/s, and an ETA where the total is known: by bytes, while a stage reads input files of a known total size,
 * else by tasks once one has finished ("?" before). A line at most every {@code intervalSeconds}, none for a load shorter than that, and one
 * last line with the load's time when there was any. {@link #line} formats a line from plain numbers.
 */
public final class LoadProgress extends SparkListener implements AutoCloseable {
    private static final class Stage {
        final String name;
        final int tasks;
        final long startNanos = System.nanoTime();
        volatile int done;
        volatile long rows;
        volatile long bytes;

        Stage(String name, int tasks) {
            this.name = name;
            this.tasks = tasks;
        }
    }

    private final SparkContext sc;
    private final String what;
    private final long totalBytes;
    private final double intervalSeconds;
    private final PrintStream out;
    private final long startNanos = System.nanoTime();
    private final Map<Integer, Stage> stages = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker;
    private volatile int current = -1;
    private volatile boolean printed;
    private double lastPrinted;

    private LoadProgress(SparkContext sc, String what, long totalBytes, double intervalSeconds, PrintStream out) {
        this.sc = sc;
        this.what = what;
        this.totalBytes = totalBytes;
        this.intervalSeconds = intervalSeconds;
        this.out = out;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "steepest-load-progress");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Watches the Spark jobs of loading {@code what} (e.g. {@code data.train}) until {@link #close()}.
     * {@code totalBytes}: the input files' total size, 0 when not known.
     */
    public static LoadProgress start(SparkContext sc, String what, long totalBytes, double intervalSeconds,
                                     PrintStream out) {
        LoadProgress p = new LoadProgress(sc, what, totalBytes, intervalSeconds, out);
        sc.addSparkListener(p);
        long period = Math.max(100, Math.min(1000, (long) (intervalSeconds * 1000)));
        p.ticker.scheduleAtFixedRate(p::tick, period, period, TimeUnit.MILLISECONDS);
        return p;
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted e) {
        StageInfo i = e.stageInfo();
        stages.put(i.stageId(), new Stage(i.name(), i.numTasks()));
        current = i.stageId();
    }

    @Override
    public void onStageCompleted(SparkListenerStageCompleted e) {
        if (current == e.stageInfo().stageId()) current = -1;
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd e) {
        Stage s = stages.get(e.stageId());
        if (s == null) return;
        TaskMetrics m = e.taskMetrics();
        synchronized (s) {
            s.done++;
            if (m != null) {
                s.rows += Math.max(m.inputMetrics().recordsRead(), m.shuffleReadMetrics().recordsRead());
                s.bytes += m.inputMetrics().bytesRead();
            }
        }
    }

    private synchronized void tick() {
        double now = (System.nanoTime() - startNanos) / 1e9;
        if (now < intervalSeconds || now - lastPrinted < intervalSeconds) return;
        int id = current;
        Stage s = id < 0 ? null : stages.get(id);
        if (s == null) return; // between stages: the driver's own work
        long rows;
        long bytes;
        int done;
        synchronized (s) {
            rows = s.rows;
            bytes = s.bytes;
            done = s.done;
        }
        lastPrinted = now;
        printed = true;
        out.println(line(what, now, id, s.name, done, s.tasks, rows, (System.nanoTime() - s.startNanos) / 1e9, bytes,
                totalBytes));
    }

    /**
     * One line: {@code loading data.train 12s: stage 3 (count at X.java:88) 1/4 tasks, 41.2k rows (5.1k rows/s),
     * 12.0 of 20.4 MiB, ETA 6s}. The ETA is by bytes when the stage has read some of a known total, else by tasks
     * when one has finished, else {@code ?}.
     */
    static String line(String what, double seconds, int stage, String name, int done, int tasks, long rows,
                       double stageSeconds, long bytes, long totalBytes) {
        boolean named = name != null && !name.isBlank() && !name.startsWith("$anonfun");
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "loading %s %s: stage %d%s %d/%d tasks", what,
                ProgressReporter.duration(seconds), stage, named ? " (" + name + ")" : "", done, tasks));
        if (done > 0) s.append(", ").append(ProgressReporter.human(rows)).append(" rows");
        if (done > 0 && stageSeconds > 0 && rows > 0) {
            s.append(" (").append(ProgressReporter.human(rows / stageSeconds)).append(" rows/s)");
        }
        String eta = "?";
        if (totalBytes > 0 && bytes > 0) {
            s.append(String.format(Locale.ROOT, ", %.1f of %.1f MiB", bytes / 1048576.0, totalBytes / 1048576.0));
            eta = ProgressReporter.duration(Math.max(0, stageSeconds * (totalBytes - bytes) / bytes));
        } else if (done > 0) {
            eta = ProgressReporter.duration(stageSeconds * (tasks - done) / done);
        }
        return s.append(", ETA ").append(eta).toString();
    }

    /** Stops watching; with any line printed, one more with the load's time. */
    @Override
    public void close() {
        ticker.shutdownNow();
        sc.removeSparkListener(this);
        synchronized (this) {
            if (printed) {
                out.println(String.format(Locale.ROOT, "loaded %s in %s", what,
                        ProgressReporter.duration((System.nanoTime() - startNanos) / 1e9)));
            }
        }
    }
}
