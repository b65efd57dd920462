package dev.steepest.spark.exec;

import dev.steepest.core.model.Accumulator;
import dev.steepest.spark.exec.ResidentLink.Command;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A resident task's link when it runs in the driver's JVM (a local master): commands and partial sums are handed
 * over in memory, so a step copies and serializes nothing (over TCP, the Fashion-MNIST MLP's 1.9 MB of parameters
 * go out and its 1.9 MB gradient comes back per task and step).
 *
 * <p>The driver registers one link per task under the session's token before starting the tasks; a task
 * that finds its token in {@link #REGISTRY} is in the driver's JVM and attaches here instead of connecting.
 * Parameters are shared, not copied: tasks read them only while the driver waits for their partial sums.
 */
final class InProcessLink implements ResidentLink.DriverEnd, ResidentLink.TaskEnd {
    /** The links of the running sessions of this JVM, by the session token's high half. */
    static final ConcurrentHashMap<Long, Session> REGISTRY = new ConcurrentHashMap<>();

    /** One session's links, one per task, and the token's other half. */
    record Session(long tokenLow, InProcessLink[] links) {
    }

    private static final Object FAILED = new Object();

    private final BlockingQueue<Command> commands = new ArrayBlockingQueue<>(2);
    private final BlockingQueue<Object> replies;
    private final BooleanSupplier tasksGone;
    private volatile String failure;
    private volatile boolean attached;

    /**
     * @param partitions how many partitions the task serves (the partial sums of one command)
     * @param tasksGone  true once the Spark job that runs the tasks has ended (so no reply can come any more)
     */
    InProcessLink(int partitions, BooleanSupplier tasksGone) {
        this.replies = new ArrayBlockingQueue<>(partitions + 1);
        this.tasksGone = tasksGone;
    }

    /** Called by a task: this link is now served by it, unless another attempt of the task came first. */
    synchronized boolean attach() {
        if (attached) return false;
        attached = true;
        return true;
    }

    boolean attached() {
        return attached;
    }

    // ------------------------------------------------------------------ driver side

    @Override
    public void send(Command command) throws IOException {
        if (!commands.offer(command)) throw new IOException("a resident task is not taking commands");
    }

    @Override
    public Accumulator receive() throws IOException {
        try {
            while (true) {
                Object r = replies.poll(100, TimeUnit.MILLISECONDS);
                if (r == FAILED) throw new ResidentLink.TaskFailed(failure);
                if (r != null) return (Accumulator) r;
                if (tasksGone.getAsBoolean()) throw new IOException("a resident task ended without a reply");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for a resident task");
        }
    }

    @Override
    public void close() {
        commands.clear();
        commands.offer(Command.STOP_COMMAND);
    }

    // ------------------------------------------------------------------ task side

    @Override
    public Command next(double[] reuse) throws IOException {
        try {
            return commands.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("resident task interrupted");
        }
    }

    @Override
    public void reply(Accumulator partial) {
        replies.offer(partial);
    }

    @Override
    public void fail(String message) {
        failure = message;
        replies.offer(FAILED);
    }
}
