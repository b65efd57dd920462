package dev.steepest.spark.exec;

import dev.steepest.core.data.Block;
import dev.steepest.core.model.Accumulator;
import dev.steepest.core.model.Model;
import dev.steepest.core.train.StepPlan;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.SecureRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The driver's side of one start of the resident tasks: the Spark job that runs one {@link ResidentTask} per task of
 * a {@link ResidentLayout} (over {@link ResidentGroups}, so each task holds the blocks of its partitions), a link to
 * each, and the steps sent over them. A step sends the command to every task, then reads each task's pieces (the
 * tasks compute meanwhile: a partial per partition, or per run of a group merged on the task) and merges them as
 * the {@link ResidentTree} says, whatever the layout.
 *
 * <p>With {@code broadcast} set, a step's parameters go out as one Spark broadcast, each task getting only its
 * handle ({@link BroadcastParameters}), and the broadcast is destroyed once every task has replied; else they go
 * over every link (in memory under a local master, where the tasks share the driver's array).
 */
final class ResidentSession {
    /** How long a broken link waits for Spark to say why the task ended. */
    private static final long EXPLAIN_MILLIS = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JavaFutureAction<Void> job;
    private final int jobId;
    private final ResidentLink.DriverEnd[] links;
    private final ResidentLayout layout;
    private final Accumulator[] partials;
    private final int numParameters;
    private final long tokenHigh;
    private final SparkJobWatch watch;
    private final ResidentTree tree;
    private final int[][] pieces;
    private final JavaSparkContext broadcast;

    private ResidentSession(JavaFutureAction<Void> job, ResidentLink.DriverEnd[] links, ResidentLayout layout,
                            int numParameters, long tokenHigh, SparkJobWatch watch, ResidentTree tree,
                            JavaSparkContext broadcast) {
        this.job = job;
        this.jobId = job.jobIds().isEmpty() ? -1 : job.jobIds().get(0);
        this.links = links;
        this.layout = layout;
        this.partials = new Accumulator[layout.numPartitions()];
        this.numParameters = numParameters;
        this.tokenHigh = tokenHigh;
        this.watch = watch;
        this.tree = tree;
        this.pieces = new int[layout.numTasks()][];
        for (int t = 0; t < pieces.length; t++) pieces[t] = tree.pieces(layout.tasks[t]);
        this.broadcast = broadcast;
    }

    /**
     * Starts the tasks and waits until each is linked: in memory when {@code listener} is null (a local master,
     * whose tasks run in this JVM), else through the listener's hellos. {@code broadcast}: ship each step's
     * parameters as a Spark broadcast.
     */
    static ResidentSession start(JavaSparkContext jsc, JavaRDD<Block> blocks, ResidentLayout layout, Model model,
                                 ResidentListener listener, String driverHost, boolean secured, int connectMillis,
                                 SparkJobWatch watch, ResidentTree tree, boolean broadcast) throws IOException {
        long tokenHigh = RANDOM.nextLong();
        long tokenLow = RANDOM.nextLong();
        int parts = blocks.getNumPartitions();
        int tasks = layout.numTasks();
        JavaFutureAction<?>[] jobRef = new JavaFutureAction<?>[1];
        InProcessLink[] inProcess = null;
        ResidentListener.Admission admission = null;
        if (listener == null) {
            inProcess = new InProcessLink[tasks];
            for (int t = 0; t < tasks; t++) {
                inProcess[t] = new InProcessLink(layout.tasks[t].length, () -> jobRef[0].isDone());
            }
            InProcessLink.REGISTRY.put(tokenHigh, new InProcessLink.Session(tokenLow, inProcess));
        } else {
            admission = new ResidentListener.Admission(tokenHigh, tokenLow, tasks);
            listener.admit(admission);
        }
        ResidentTask.Target target = new ResidentTask.Target(driverHost, listener == null ? -1
                : listener.address().getPort(), tokenHigh, tokenLow, connectMillis, secured, limits(model, parts));
        String previous = jsc.getLocalProperty("spark.job.description");
        jsc.setLocalProperty("spark.job.description", "steepest: resident step tasks");
        jsc.setLocalProperty(SparkJobWatch.PROPERTY, "true");
        JavaFutureAction<Void> job;
        try {
            job = new JavaRDD<>(new ResidentGroups(blocks.rdd(), layout), blocks.classTag())
                    .foreachPartitionAsync(ResidentTask.function(target, model, layout.tasks, tree));
            jobRef[0] = job;
        } finally {
            jsc.setLocalProperty("spark.job.description", previous);
            jsc.setLocalProperty(SparkJobWatch.PROPERTY, null);
        }
        ResidentLink.DriverEnd[] links = new ResidentLink.DriverEnd[tasks];
        try {
            if (inProcess != null) {
                awaitAttached(inProcess, connectMillis, job);
                System.arraycopy(inProcess, 0, links, 0, tasks);
            } else {
                awaitConnected(admission, listener, connectMillis, job);
                System.arraycopy(admission.links(), 0, links, 0, tasks);
                listener.closeAdmission(admission);
            }
        } catch (IOException | RuntimeException e) {
            job.cancel(true);
            InProcessLink.REGISTRY.remove(tokenHigh);
            if (admission != null) {
                listener.closeAdmission(admission);
                admission.abandon();
            }
            if (inProcess != null) for (InProcessLink l : inProcess) l.close();
            throw e;
        }
        return new ResidentSession(job, links, layout, model.numParameters(), tokenHigh, watch, tree,
                broadcast ? jsc : null);
    }

    static ResidentChannel.Limits limits(Model model, int partitions) {
        return new ResidentChannel.Limits(model.numParameters(), partitions);
    }

    private static void awaitAttached(InProcessLink[] links, int connectMillis, JavaFutureAction<Void> job)
            throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(connectMillis);
        while (true) {
            int attached = 0;
            for (InProcessLink l : links) if (l.attached()) attached++;
            if (attached == links.length) return;
            if (System.nanoTime() > deadline) {
                throw new IOException("only " + attached + " of " + links.length + " resident tasks started "
                        + "within " + connectMillis / 1000.0 + " s");
            }
            if (job.isDone()) throw new IOException("the resident tasks ended before starting: " + cause(job));
            LockSupport.parkNanos(200_000);
        }
    }

    private static void awaitConnected(ResidentListener.Admission admission, ResidentListener listener,
                                       int connectMillis, JavaFutureAction<Void> job) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(connectMillis);
        try {
            while (!admission.await(Math.min(200, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())))) {
                if (System.nanoTime() >= deadline) {
                    throw new IOException("only " + admission.connected() + " of " + admission.links().length
                            + " resident tasks connected to the driver at " + listener.address() + " within "
                            + connectMillis / 1000.0 + " s");
                }
                if (job.isDone()) throw new IOException("the resident tasks ended before connecting: " + cause(job));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for the resident tasks");
        }
    }

    /** The Spark job's id (jobs with a higher id started after it). */
    int jobId() {
        return jobId;
    }

    Accumulator step(StepPlan plan, double[] params) throws IOException {
        return run(ResidentLink.Command.STEP, plan, params);
    }

    Accumulator all(double[] params) throws IOException {
        return run(ResidentLink.Command.ALL, null, params);
    }

    /** Whether steps ship their parameters as a Spark broadcast. */
    boolean broadcasts() {
        return broadcast != null;
    }

    /** The layout the tasks of this start serve. */
    ResidentLayout layout() {
        return layout;
    }

    private Accumulator run(byte op, StepPlan plan, double[] params) throws IOException {
        Broadcast<double[]> shared = broadcast == null ? null : broadcast.broadcast(params);
        int t = 0;
        try {
            ResidentLink.Command command = new ResidentLink.Command(op, plan, shared == null ? params : null,
                    shared == null ? null : BroadcastParameters.encode(shared));
            for (; t < links.length; t++) links[t].send(command);
            java.util.Arrays.fill(partials, null);
            for (t = 0; t < links.length; t++) {
                int[] parts = layout.tasks[t];
                int i = 0;
                for (int run : pieces[t]) {
                    partials[parts[i]] = links[t].receive();
                    i += run;
                }
            }
            return tree.merge(partials, numParameters);
        } catch (IOException e) {
            throw explained(t, e);
        } finally {
            if (shared != null) shared.destroy(false); // non-blocking: executors drop their copies meanwhile
        }
    }

    /** Why the link of {@code task} broke, with Spark's reason for the task's end where Spark gives one. */
    private IOException explained(int task, IOException e) {
        if (e instanceof ResidentLink.TaskFailed) {
            return new IOException("a resident task failed: " + e.getMessage(), e);
        }
        String link = e instanceof EOFException ? "its connection closed" : FallbackGradientSource.message(e);
        String spark = null;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(EXPLAIN_MILLIS);
        while (watch != null && (spark = watch.failure(jobId, task)) == null && !job.isDone()
                && System.nanoTime() < deadline) {
            LockSupport.parkNanos(10_000_000);
        }
        if (spark == null && watch != null) spark = watch.failure(jobId, task);
        if (spark == null && job.isDone()) spark = cause(job);
        int[] served = layout.tasks[task];
        return new IOException("lost the resident task of partition" + (served.length == 1 ? " " : "s ")
                + ResidentLayout.ranges(served) + ": " + link
                + (spark == null ? " (Spark reports no task failure yet)" : "; Spark: " + spark), e);
    }

    /** Asks every task to end, and waits for the job to finish. */
    void stop() {
        for (ResidentLink.DriverEnd l : links) {
            try {
                l.send(ResidentLink.Command.STOP_COMMAND);
            } catch (IOException ignored) {
                // a task that is gone needs no stop
            }
        }
        try {
            job.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            job.cancel(true);
        }
        release();
    }

    /** Ends the tasks without asking: after a broken link. */
    void kill() {
        job.cancel(true);
        release();
    }

    private void release() {
        InProcessLink.REGISTRY.remove(tokenHigh);
        for (ResidentLink.DriverEnd l : links) l.close();
    }

    private static String cause(JavaFutureAction<Void> job) {
        try {
            job.get(0, TimeUnit.MILLISECONDS);
            return "the job finished";
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            return c == null ? e.toString() : c.getMessage() == null ? c.toString() : c.getMessage().lines()
                    .findFirst().orElse(c.toString());
        } catch (Exception e) {
            return e.toString();
        }
    }
}
