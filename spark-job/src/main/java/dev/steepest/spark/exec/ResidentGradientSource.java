package dev.steepest.spark.exec;

import dev.steepest.core.data.Block;
import dev.steepest.core.model.Accumulator;
import dev.steepest.core.model.Model;
import dev.steepest.core.train.GradientSource;
import dev.steepest.core.train.StepPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The distributed step without a Spark job per step: one Spark job starts long-running tasks
 * ({@link ResidentTask}), each serving the partitions whose blocks its executor caches ({@link ResidentLayout}: as
 * many tasks on an executor as it has task slots, so any number of partitions runs on any number of slots); each
 * task links back to the driver (TCP through a {@link ResidentListener}; under a local
 * master the tasks run in the driver's JVM and attach in memory, {@link InProcessLink}), and from then on the driver
 * streams steps to the tasks over those links ({@link ResidentSession}). A step costs the kernel and two hand-overs
 * instead of a job's scheduling (7-12 ms here, measured in docs/BENCHMARKS.md), which is what bounded small steps.
 *
 * <p>The tasks run the same {@code PartitionStep} on the same cached blocks with the same plans and parameters,
 * return one partial sum per partition, and the driver merges those in partition order, so a run gives the bits the
 * one-job-per-step {@link SparkGradientSource} and the single-process {@code LocalGradientSource} give. Above
 * {@code train.tree-aggregate-threshold} partitions they merge as the job path does, in groups of about sqrt(P)
 * consecutive partitions and then the group sums, and the groups are merged on the tasks ({@link ResidentTree}:
 * the driver receives about sqrt(P) partials a step instead of P), giving the job path's bits at every P.
 *
 * <p>Over TCP (executors in their own JVMs), when the copies a step would send over the links (tasks x 8 x
 * parameters) are above {@code train.resident.broadcast-bytes}, the parameters go out as one Spark broadcast a step,
 * the links carrying only its handle ({@link BroadcastParameters}). Under a local master the tasks share the
 * driver's array and nothing is sent.
 *
 * <p>While the tasks are resident they hold one task slot each, so any other Spark job of this application would
 * wait: the source ends them as soon as Spark's listener bus reports another job ({@link SparkJobWatch}), or at
 * once on {@link #beforeOtherJobs()}; the next step starts them again. Tasks hold no state between steps
 * (everything is in the plan and the parameters), so ending and restarting them loses nothing.
 *
 * <p>A failure (tasks that cannot all connect within the timeout, a failed task, a broken link) throws an
 * {@link UncheckedIOException} that says why; {@link #withFallback} wraps the source so that such a step and every
 * later one go to one Spark job per step instead.
 */
public final class ResidentGradientSource implements GradientSource {
    private final JavaSparkContext jsc;
    private final JavaRDD<Block> blocks;
    private final Model model;
    private final long[] sizes;
    private final String driverHost;
    private final InetAddress bindAddress;
    private final int port;
    private final int connectMillis;
    private final LinkSecurity.Link link;
    private final long broadcastStepBytes;
    private final int treeThreshold;
    private final SparkJobWatch watch = new SparkJobWatch(this::otherJobStarted);
    private final ExecutorService yielder = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "steepest-resident-yield");
        t.setDaemon(true);
        return t;
    });

    private ResidentListener listener;
    private ResidentSession session;
    private String layout;
    private Consumer<String> layoutLog = s -> { };
    private volatile int sessionJob = Integer.MAX_VALUE;
    private int sessions;
    private boolean closed;

    /**
     * @param driverHost    the address tasks connect to ({@code spark.driver.host})
     * @param bindAddress   where the driver listens ({@code spark.driver.bindAddress}, where its RPC binds), or null
     *                      for driverHost
     * @param port          the driver's port for the tasks, 0 for any free one
     * @param connectMillis how long every task has to connect
     * @throws IllegalStateException when Spark's security settings allow no resident link ({@link #linkRefusal})
     */
    public ResidentGradientSource(JavaSparkContext jsc, JavaRDD<Block> blocks, long[] sizes, Model model,
                                  String driverHost, String bindAddress, int port, int connectMillis) {
        this(jsc, blocks, sizes, model, driverHost, bindAddress, port, connectMillis, Long.MAX_VALUE,
                Integer.MAX_VALUE);
    }

    /**
     * As above, with the thresholds: when tasks x 8 x parameters is above {@code broadcastStepBytes} the
     * parameters are broadcast (over TCP); above {@code treeThreshold} partitions partials are merged in the job
     * path's two-level tree, its groups on the tasks. The constructor above never broadcasts and merges flat.
     */
    public ResidentGradientSource(JavaSparkContext jsc, JavaRDD<Block> blocks, long[] sizes, Model model,
                                  String driverHost, String bindAddress, int port, int connectMillis,
                                  long broadcastStepBytes, int treeThreshold) {
        this.broadcastStepBytes = broadcastStepBytes;
        this.treeThreshold = treeThreshold;
        LinkSecurity.Decision decision = LinkSecurity.decide(jsc.isLocal());
        if (decision.link() == null) throw new IllegalStateException(decision.refusal());
        this.link = decision.link();
        this.jsc = jsc;
        this.blocks = blocks;
        this.sizes = sizes.clone();
        this.model = model;
        this.driverHost = driverHost;
        try {
            this.bindAddress = InetAddress.getByName(bindAddress != null ? bindAddress : driverHost);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.port = port;
        this.connectMillis = connectMillis;
        jsc.sc().addSparkListener(watch);
    }

    /** Why Spark's security settings allow no resident link in this application, or null when they allow one. */
    public static String linkRefusal(JavaSparkContext jsc) {
        return LinkSecurity.decide(jsc.isLocal()).refusal();
    }

    /**
     * {@code resident} (this source, or a wrapper of it), falling back to {@code fallback} (one Spark job per step)
     * when it fails, with one warning through {@code warnings}.
     */
    public static FallbackGradientSource withFallback(GradientSource resident, GradientSource fallback,
                                                      Consumer<String> warnings) {
        return new FallbackGradientSource(resident, fallback, reason -> "resident steps stopped (" + reason
                + "); continuing with one Spark job per step (train.step-mode = jobs avoids trying)", warnings);
    }

    @Override
    public long[] partitionSizes() {
        return sizes.clone();
    }

    @Override
    public synchronized Accumulator compute(double[] params, StepPlan plan) {
        try {
            return open().step(plan, params);
        } catch (IOException e) {
            throw broken(e);
        }
    }

    @Override
    public synchronized Accumulator computeAll(double[] params) {
        try {
            return open().all(params);
        } catch (IOException e) {
            throw broken(e);
        }
    }

    /** Ends the resident tasks, freeing their slots for other jobs; the next step starts them again. */
    @Override
    public synchronized void beforeOtherJobs() {
        if (session != null) {
            session.stop();
            session = null;
            sessionJob = Integer.MAX_VALUE;
        }
    }

    /** How the tasks reach the driver: {@code in-process}, {@code tcp} or {@code tcp-aes-gcm}. */
    public String link() {
        return link.id;
    }

    /** The link in words, for the run log. */
    public String linkDescription() {
        return link.description;
    }

    /** Where the driver listens for the tasks, or null when nothing listens (a local master, or no step yet). */
    public synchronized InetSocketAddress listenAddress() {
        return listener == null ? null : listener.address();
    }

    /** Connections the listener dropped: strangers, bad or late hellos. */
    public synchronized int droppedConnections() {
        return listener == null ? 0 : listener.dropped();
    }

    /**
     * The layout of the last start of the tasks in words ({@link ResidentLayout#describe}), or null before the
     * first step.
     */
    public synchronized String layout() {
        return layout;
    }

    /** Where a start of the tasks with a layout other than the last one's says so, in one line. */
    public synchronized void onLayout(Consumer<String> log) {
        this.layoutLog = log;
    }

    /** The layout the tasks would get if they started now (from the block locations and the executors' slots). */
    public String plannedLayout() {
        ResidentTree tree = ResidentTree.of(blocks.getNumPartitions(), treeThreshold);
        return describe(plan(jsc, blocks, tree), tree);
    }

    /** Whether steps to {@code tasks} tasks ship their parameters as a Spark broadcast (over TCP, above the bytes). */
    private boolean broadcasts(int tasks) {
        return link != LinkSecurity.Link.IN_PROCESS && 8.0 * model.numParameters() * tasks > broadcastStepBytes;
    }

    /** The layout in words, with the tree and the broadcast where they are in use. */
    private String describe(ResidentLayout planned, ResidentTree tree) {
        String merged = tree.describe(planned.tasks);
        return planned.describe() + (merged == null ? "" : "; " + merged)
                + (broadcasts(planned.numTasks()) ? "; parameters by broadcast" : "");
    }

    /**
     * The layout for starting the tasks now: the executors that cache each partition's block (Spark's cache
     * locations), and each live executor's task slots (Spark's status store; in local mode the one executor is
     * the driver).
     */
    static ResidentLayout plan(JavaSparkContext jsc, JavaRDD<Block> blocks, ResidentTree tree) {
        int parts = blocks.getNumPartitions();
        java.util.List<java.util.List<String>> holders = new java.util.ArrayList<>();
        java.util.Map<String, Integer> slots = new java.util.LinkedHashMap<>();
        int total = 0;
        try {
            total = jsc.sc().maxNumConcurrentTasks(jsc.sc().resourceProfileManager().defaultResourceProfile());
            java.util.Map<String, Integer> byId = new java.util.HashMap<>();
            for (org.apache.spark.status.api.v1.ExecutorSummary e : scala.jdk.javaapi.CollectionConverters.asJava(
                    jsc.sc().statusStore().executorList(true))) {
                if (e.isActive() && e.maxTasks() > 0) byId.put(e.id(), e.maxTasks());
            }
            for (int p = 0; p < parts; p++) {
                java.util.List<String> h = new java.util.ArrayList<>();
                for (org.apache.spark.scheduler.TaskLocation loc : scala.jdk.javaapi.CollectionConverters.asJava(
                        jsc.sc().getPreferredLocs(blocks.rdd(), p))) {
                    if (loc instanceof org.apache.spark.scheduler.ExecutorCacheTaskLocation c
                            && byId.containsKey(c.executorId())) {
                        h.add(c.toString());
                        slots.putIfAbsent(c.toString(), byId.get(c.executorId()));
                    }
                }
                holders.add(h);
            }
        } catch (RuntimeException | LinkageError e) {
            // internal APIs of Spark's: if they moved, consecutive partitions over the slots (or one task)
            holders.clear();
            slots.clear();
        }
        return tree.twoLevel() ? ResidentLayout.grouped(parts, holders, orderedByExecutor(slots), total, tree.fanIn())
                : ResidentLayout.plan(parts, holders, orderedByExecutor(slots), total);
    }

    /** Executors in the order of their ids (numeric where they are), so that layouts do not depend on map order. */
    private static java.util.Map<String, Integer> orderedByExecutor(java.util.Map<String, Integer> slots) {
        java.util.List<String> keys = new java.util.ArrayList<>(slots.keySet());
        keys.sort(java.util.Comparator.comparing((String k) -> ResidentLayout.executorId(k).length())
                .thenComparing(ResidentLayout::executorId).thenComparing(k -> k));
        java.util.Map<String, Integer> out = new java.util.LinkedHashMap<>();
        for (String k : keys) out.put(k, slots.get(k));
        return out;
    }

    /** How many times tasks were started (one per stretch of steps between other jobs). */
    public synchronized int sessions() {
        return sessions;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        beforeOtherJobs();
        jsc.sc().removeSparkListener(watch);
        yielder.shutdown();
        if (listener != null) {
            listener.close();
            listener = null;
        }
    }

    /** Another job started (reported on the bus's thread): if it started after the tasks, they yield its slots. */
    private void otherJobStarted(int jobId) {
        if (jobId > sessionJob && !closed) {
            try {
                yielder.execute(this::beforeOtherJobs);
            } catch (java.util.concurrent.RejectedExecutionException ignored) {
                // closing: the tasks end anyway
            }
        }
    }

    private UncheckedIOException broken(IOException e) {
        if (session != null) {
            session.kill();
            session = null;
            sessionJob = Integer.MAX_VALUE;
        }
        return new UncheckedIOException(FallbackGradientSource.message(e), e);
    }

    private ResidentSession open() throws IOException {
        if (closed) throw new IOException("the resident source is closed");
        if (session == null) {
            if (listener == null && link != LinkSecurity.Link.IN_PROCESS) {
                listener = new ResidentListener(bindAddress, port, link == LinkSecurity.Link.TCP_AES_GCM
                        ? LinkSecurity.sparkSecret() : null, ResidentSession.limits(model, sizes.length), connectMillis);
            }
            ResidentTree tree = ResidentTree.of(blocks.getNumPartitions(), treeThreshold);
            ResidentLayout planned = plan(jsc, blocks, tree);
            session = ResidentSession.start(jsc, blocks, planned, model, listener, driverHost,
                    link == LinkSecurity.Link.TCP_AES_GCM, connectMillis, watch, tree,
                    broadcasts(planned.numTasks()));
            sessionJob = session.jobId();
            sessions++;
            String described = describe(planned, tree);
            if (layout != null && !layout.equals(described)) layoutLog.accept("resident tasks now: " + described);
            layout = described;
        }
        return session;
    }
}
