package dev.steepest.spark.exec;

import dev.steepest.core.model.Accumulator;
import dev.steepest.core.train.StepPlan;
import java.io.IOException;

/**
 * The two ends of a resident task's link to the driver: over TCP ({@link ResidentChannel}) when the task runs in
 * an executor JVM, in memory ({@link InProcessLink}) when it runs in the driver's own JVM (a local master).
 */
final class ResidentLink {
    private ResidentLink() {
    }

    /**
     * What the driver asks of a task: a step ({@code plan} set), a pass over all rows, or to stop. The parameters
     * come either as {@code params} or, when they are broadcast, as the broadcast's {@code handle}
     * ({@link BroadcastParameters}); the other is null.
     */
    record Command(byte op, StepPlan plan, double[] params, byte[] handle) {
        static final byte STOP = 0;
        static final byte STEP = 1;
        static final byte ALL = 2;
        static final Command STOP_COMMAND = new Command(STOP, null, null, null);
    }

    /** The driver's end. */
    interface DriverEnd {
        void send(Command command) throws IOException;

        /** The task's partial sums, or an {@link IOException} when the task failed or is gone. */
        Accumulator receive() throws IOException;

        /** Ends the link; a task waiting for a command sees a stop or the end of its stream. */
        void close();
    }

    /** The task's end. */
    interface TaskEnd {
        /** The next command; {@code reuse} may receive the parameters when it has the right length. */
        Command next(double[] reuse) throws IOException;

        void reply(Accumulator partial) throws IOException;

        void fail(String message) throws IOException;
    }

    /** A resident task reported that its kernel failed. */
    static final class TaskFailed extends IOException {
        private static final long serialVersionUID = 1L;

        TaskFailed(String message) {
            super(message);
        }
    }
}
