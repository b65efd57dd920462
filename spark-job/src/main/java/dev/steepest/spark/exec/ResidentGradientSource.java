package dev.steepest.spark.exec;

import dev.steepest.core.data.Block;
import dev.steepest.core.model.Accumulator;
import dev.steepest.core.model.Model;
import dev.steepest.core.train.GradientSource;
import dev.steepest.core.train.PartitionStep;
import dev.steepest.core.train.StepPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.Iterator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.VoidFunction;

/**
 * The distributed step without a Spark job per step: one Spark job starts one long-running task per partition,
 * each task connects back to the driver (TCP, {@link ResidentChannel}; under a local master the tasks run in the
 * driver's JVM and attach in memory instead, {@link InProcessLink}), and from then on the driver streams steps to
 * the tasks over those links. A step costs the kernel and two hand-overs instead of a job's scheduling (7-12 ms
 * here, measured in docs/BENCHMARKS.md), which is what bounded small steps.
 *
 * <p>The tasks run the same {@link PartitionStep} on the same cached blocks with the same plans and parameters,
 * and the driver merges their partial sums in partition order, so a run gives the bits the one-job-per-step
 * {@link SparkGradientSource} and the single-process {@code LocalGradientSource} give (up to the two-level tree
 * that the job path uses above {@code train.tree-aggregate-threshold} partitions).
 *
 * <p>While the tasks are resident they hold one task slot each, so any other Spark job of this application must
 * wait: {@link #suspend()} ends them (the next step starts them again), which the caller does before its own jobs
 * (evaluations). Tasks hold no state between steps (everything is in the plan and the parameters), so ending and
 * restarting them loses nothing.
 *
 * <p>If the tasks cannot all connect within the timeout (fewer task slots than partitions, or a firewall between
 * executors and driver), or a connection breaks, the source says so once through {@code warnings} and does every
 * later step with the {@code fallback} source, one Spark job per step; the step that broke is recomputed there.
 */
public final class ResidentGradientSource implements GradientSource, AutoCloseable {
    private final JavaSparkContext jsc;
    private final JavaRDD<Block> blocks;
    private final Model model;
    private final long[] sizes;
    private final GradientSource fallback;
    private final Consumer<String> warnings;
    private final String driverHost;
    private final InetAddress bindAddress;
    private final int port;
    private final int connectMillis;
    private final SecureRandom random = new SecureRandom();

    private ServerSocket server;
    private Session session;
    private String fallbackReason;
    private int sessions;

    /**
     * @param driverHost    the address tasks connect to ({@code spark.driver.host})
     * @param bindAddress   where the driver listens ({@code spark.driver.bindAddress}), or null for driverHost
     * @param port          the driver's port for the tasks, 0 for any free one
     * @param connectMillis how long every task has to connect before the source falls back to one job per step
     */
    public ResidentGradientSource(JavaSparkContext jsc, JavaRDD<Block> blocks, long[] sizes, Model model,
                                  GradientSource fallback, Consumer<String> warnings, String driverHost,
                                  String bindAddress, int port, int connectMillis) {
        this.jsc = jsc;
        this.blocks = blocks;
        this.sizes = sizes.clone();
        this.model = model;
        this.fallback = fallback;
        this.warnings = warnings;
        this.driverHost = driverHost;
        try {
            this.bindAddress = InetAddress.getByName(bindAddress != null ? bindAddress : driverHost);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.port = port;
        this.connectMillis = connectMillis;
    }

    @Override
    public long[] partitionSizes() {
        return sizes.clone();
    }

    @Override
    public Accumulator compute(double[] params, StepPlan plan) {
        if (fallbackReason == null) {
            try {
                return open().step(plan, params);
            } catch (IOException e) {
                fallBack(e);
            }
        }
        return fallback.compute(params, plan);
    }

    @Override
    public Accumulator computeAll(double[] params) {
        if (fallbackReason == null) {
            try {
                return open().all(params);
            } catch (IOException e) {
                fallBack(e);
            }
        }
        return fallback.computeAll(params);
    }

    /** Ends the resident tasks, freeing their slots for other jobs; the next step starts them again. */
    public void suspend() {
        if (session != null) {
            session.stop();
            session = null;
        }
    }

    /** Why the source fell back to one Spark job per step, or null while it is resident. */
    public String fallbackReason() {
        return fallbackReason;
    }

    /** The one-line warning the source gave when it fell back, or null while it is resident. */
    public String fallbackWarning() {
        return fallbackReason == null ? null : "resident steps stopped (" + fallbackReason + "); continuing with one "
                + "Spark job per step (train.step-mode = jobs avoids trying)";
    }

    /** How many times tasks were started (one per stretch of steps between evaluations). */
    public int sessions() {
        return sessions;
    }

    @Override
    public void close() {
        suspend();
        if (server != null) {
            try {
                server.close();
            } catch (IOException ignored) {
                // nothing listens any more either way
            }
            server = null;
        }
    }

    private void fallBack(IOException e) {
        fallbackReason = e.getMessage();
        if (session != null) {
            session.kill();
            session = null;
        }
        close();
        warnings.accept(fallbackWarning());
    }

    private Session open() throws IOException {
        if (session == null) {
            if (server == null && !jsc.isLocal()) { // a local master's tasks attach in memory (InProcessLink)
                server = new ServerSocket();
                server.setReuseAddress(true);
                server.bind(new InetSocketAddress(bindAddress, port), 64);
            }
            session = Session.start(this);
            sessions++;
        }
        return session;
    }

    /** One stretch of resident tasks: the Spark job that runs them and a link to each. */
    private static final class Session {
        private final JavaFutureAction<Void> job;
        private final ResidentLink.DriverEnd[] links;
        private final Accumulator[] partials;
        private final int numParameters;
        private final long tokenHigh;

        private Session(JavaFutureAction<Void> job, ResidentLink.DriverEnd[] links, int numParameters,
                        long tokenHigh) {
            this.job = job;
            this.links = links;
            this.partials = new Accumulator[links.length];
            this.numParameters = numParameters;
            this.tokenHigh = tokenHigh;
        }

        static Session start(ResidentGradientSource src) throws IOException {
            long tokenHigh = src.random.nextLong();
            long tokenLow = src.random.nextLong();
            int parts = src.blocks.getNumPartitions();
            // a local master runs the tasks in this JVM: they attach to links in memory instead of connecting
            JavaFutureAction<?>[] jobRef = new JavaFutureAction<?>[1];
            InProcessLink[] inProcess = null;
            if (src.jsc.isLocal()) {
                inProcess = new InProcessLink[parts];
                for (int p = 0; p < parts; p++) inProcess[p] = new InProcessLink(() -> jobRef[0].isDone());
                InProcessLink.REGISTRY.put(tokenHigh, new InProcessLink.Session(tokenLow, inProcess));
            }
            int port = src.server == null ? -1 : src.server.getLocalPort();
            String previous = src.jsc.getLocalProperty("spark.job.description");
            src.jsc.setLocalProperty("spark.job.description", "steepest: resident step tasks");
            JavaFutureAction<Void> job;
            try {
                job = src.blocks.foreachPartitionAsync(
                        task(src.driverHost, port, tokenHigh, tokenLow, src.connectMillis, src.model));
                jobRef[0] = job;
            } finally {
                src.jsc.setLocalProperty("spark.job.description", previous);
            }
            ResidentLink.DriverEnd[] links = new ResidentLink.DriverEnd[parts];
            try {
                if (inProcess != null) {
                    awaitAttached(inProcess, src.connectMillis, job);
                    System.arraycopy(inProcess, 0, links, 0, parts);
                } else {
                    accept(src.server, links, tokenHigh, tokenLow, src.connectMillis, job);
                }
            } catch (IOException | RuntimeException e) {
                job.cancel(true);
                InProcessLink.REGISTRY.remove(tokenHigh);
                for (ResidentLink.DriverEnd l : links) if (l != null) l.close();
                if (inProcess != null) for (InProcessLink l : inProcess) l.close();
                throw e;
            }
            return new Session(job, links, src.model.numParameters(), tokenHigh);
        }

        private static void awaitAttached(InProcessLink[] links, int connectMillis, JavaFutureAction<Void> job)
                throws IOException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(connectMillis);
            while (true) {
                int attached = 0;
                for (InProcessLink l : links) if (l.attached()) attached++;
                if (attached == links.length) return;
                if (System.nanoTime() > deadline) {
                    throw new IOException("only " + attached + " of " + links.length + " partitions' tasks started "
                            + "within " + connectMillis / 1000.0 + " s");
                }
                if (job.isDone()) throw new IOException("the resident tasks ended before starting: " + cause(job));
                LockSupport.parkNanos(200_000);
            }
        }

        /** Accepts one connection per partition, each with the token, until the deadline. */
        private static void accept(ServerSocket server, ResidentLink.DriverEnd[] links, long tokenHigh,
                                   long tokenLow, int connectMillis, JavaFutureAction<Void> job) throws IOException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(connectMillis);
            int connected = 0;
            while (connected < links.length) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new IOException("only " + connected + " of " + links.length + " partitions' tasks "
                            + "connected to the driver at " + server.getLocalSocketAddress() + " within "
                            + connectMillis / 1000.0 + " s");
                }
                if (job.isDone()) {
                    throw new IOException("the resident tasks ended before connecting: " + cause(job));
                }
                Socket s;
                try {
                    server.setSoTimeout((int) Math.min(left, 200));
                    s = server.accept();
                } catch (SocketTimeoutException e) {
                    continue;
                }
                ResidentChannel c = new ResidentChannel(s);
                try {
                    s.setSoTimeout((int) Math.max(left, 1000));
                    long[] hello = c.readHello();
                    int p = (int) hello[2];
                    if (hello[0] != tokenHigh || hello[1] != tokenLow || p < 0 || p >= links.length
                            || links[p] != null) {
                        c.close(); // a stranger, an older session's task, or a second attempt of a partition
                        continue;
                    }
                    s.setSoTimeout(0);
                    links[p] = c;
                    connected++;
                } catch (IOException e) {
                    c.close();
                }
            }
        }

        Accumulator step(StepPlan plan, double[] params) throws IOException {
            return run(new ResidentLink.Command(ResidentLink.Command.STEP, plan, params));
        }

        Accumulator all(double[] params) throws IOException {
            return run(new ResidentLink.Command(ResidentLink.Command.ALL, null, params));
        }

        /** Sends the command to every task, then reads the partials (tasks compute meanwhile) and merges them in
         *  partition order. */
        private Accumulator run(ResidentLink.Command command) throws IOException {
            try {
                for (ResidentLink.DriverEnd l : links) l.send(command);
                for (int p = 0; p < links.length; p++) partials[p] = links[p].receive();
                return PartitionStep.mergeInOrder(partials, numParameters);
            } catch (IOException e) {
                throw explained(e);
            }
        }

        private IOException explained(IOException e) {
            if (e instanceof ResidentLink.TaskFailed) {
                return new IOException("a resident task failed: " + e.getMessage(), e);
            }
            return new IOException("lost a resident task: " + e.getMessage()
                    + (job.isDone() ? "; " + cause(job) : ""), e);
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

    // The task function is static so that the closure captures only what it names, never this source.

    private static VoidFunction<Iterator<Block>> task(String host, int port, long tokenHigh, long tokenLow,
                                                      int connectMillis, Model model) {
        return it -> {
            int partition = TaskContext.getPartitionId();
            Block block = it.next();
            InProcessLink.Session local = InProcessLink.REGISTRY.get(tokenHigh);
            if (local != null && local.tokenLow() == tokenLow) {
                InProcessLink link = local.links()[partition];
                if (link.attach()) serve(link, model, partition, block);
                return;
            }
            Socket socket = new Socket();
            try (ResidentChannel c = connect(socket, host, port, connectMillis)) {
                c.sendHello(tokenHigh, tokenLow, partition);
                serve(c, model, partition, block);
            }
        };
    }

    private static ResidentChannel connect(Socket socket, String host, int port, int connectMillis)
            throws IOException {
        try {
            socket.connect(new InetSocketAddress(host, port), connectMillis);
            return new ResidentChannel(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** A task's loop: one partial sum per command, until STOP or the driver goes away. */
    static void serve(ResidentLink.TaskEnd link, Model model, int partition, Block block) throws IOException {
        double[] params = null;
        while (true) {
            ResidentLink.Command command = link.next(params);
            if (command.op() == ResidentLink.Command.STOP) return;
            params = command.params();
            Accumulator acc;
            try {
                acc = command.plan() != null ? PartitionStep.run(model, block, partition, command.plan(), params)
                        : PartitionStep.runAll(model, block, params);
            } catch (RuntimeException | Error e) {
                link.fail(e.toString());
                throw e;
            }
            link.reply(acc);
        }
    }
}
