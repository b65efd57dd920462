package dev.steepest.spark.exec;

import dev.steepest.core.model.Accumulator;
import dev.steepest.core.train.StepPlan;
import dev.steepest.spark.exec.ResidentLink.Command;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One resident task's connection to the driver, and the wire format both ends speak. Doubles travel as their raw
 * IEEE bits (little-endian, bulk-copied), so a partial sum arrives with exactly the bits the task computed and the
 * driver's merge gives what the one-job-per-step path gives.
 *
 * <pre>
 * task -> driver, once:   long tokenHigh, long tokenLow, int task (its index in the session's layout)
 * driver -> task:         byte STOP
 *                       | byte STEP, long seed, long epoch, int P, int[P] offsets, int[P] counts, parameters
 *                       | byte ALL, parameters
 * parameters:             byte INLINE, doubles params
 *                       | byte BROADCAST, int n, n bytes (a broadcast's handle, {@link BroadcastParameters})
 * task -> driver:         per piece of the task ({@link ResidentTree#pieces}: a partition, or a run of them
 *                         merged on the task), in order:
 *                         byte OK, double lossSum, double weightSum, long count, doubles gradientSum
 *                       | byte FAILED, UTF message (instead of all of them)
 * doubles:                int n, n x 8 bytes
 * </pre>
 *
 * <p>On a secured link ({@link LinkSecurity}) the same bytes travel inside {@link SealedFrames}, one frame per
 * message. Either way a reader allocates no more than its {@link Limits} allow: a length beyond them ends the link.
 */
final class ResidentChannel implements Closeable, ResidentLink.DriverEnd, ResidentLink.TaskEnd {
    static final byte OK = 0;
    static final byte FAILED = 1;
    static final byte INLINE = 0;
    static final byte BROADCAST = 1;

    /** The most a message may carry: the model's parameters, and the partitions of a plan. */
    record Limits(int doubles, int partitions) implements Serializable {
        /**
         * The longest sealed frame: a step command (its parameters inline or a broadcast's handle) or a reply, with
         * room for the fixed fields and the tag.
         */
        int frameBytes() {
            return (int) Math.min(Integer.MAX_VALUE - 64, 64 + Math.max(8L * doubles, BroadcastParameters
                    .MAX_HANDLE_BYTES + 8L) + 8L * partitions + SealedFrames.TAG_BYTES);
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final Limits limits;
    private byte[] scratch = new byte[0];

    /** A channel over {@code in} and {@code out}: the socket's own streams, or sealed ones. */
    ResidentChannel(Socket socket, InputStream in, OutputStream out, Limits limits) throws IOException {
        this.socket = socket;
        socket.setTcpNoDelay(true);
        socket.setKeepAlive(true);
        this.in = new DataInputStream(in);
        this.out = new DataOutputStream(out);
        this.limits = limits;
    }

    /** A channel in clear over the socket. */
    static ResidentChannel plain(Socket socket, Limits limits) throws IOException {
        return new ResidentChannel(socket, new BufferedInputStream(socket.getInputStream(), 1 << 16),
                new BufferedOutputStream(socket.getOutputStream(), 1 << 16), limits);
    }

    // ------------------------------------------------------------------ task side

    void sendHello(long tokenHigh, long tokenLow, int task) throws IOException {
        out.writeLong(tokenHigh);
        out.writeLong(tokenLow);
        out.writeInt(task);
        out.flush();
    }

    @Override
    public Command next(double[] reuse) throws IOException {
        byte op = in.readByte();
        if (op == Command.STOP) return Command.STOP_COMMAND;
        StepPlan plan = op == Command.STEP ? readPlan() : null;
        byte carrier = in.readByte();
        if (carrier == INLINE) return new Command(op, plan, readDoubles(reuse), null);
        if (carrier != BROADCAST) throw new IOException("unexpected parameters " + carrier + " on a resident link");
        int n = in.readInt();
        if (n < 0 || n > BroadcastParameters.MAX_HANDLE_BYTES) {
            throw new IOException("a broadcast handle of " + n + " bytes on a resident link");
        }
        byte[] handle = new byte[n];
        in.readFully(handle);
        return new Command(op, plan, null, handle);
    }

    private StepPlan readPlan() throws IOException {
        long seed = in.readLong();
        long epoch = in.readLong();
        int parts = in.readInt();
        if (parts < 0 || parts > limits.partitions()) throw new IOException("a plan of " + parts + " partitions");
        int[] offsets = new int[parts];
        int[] counts = new int[parts];
        for (int p = 0; p < parts; p++) offsets[p] = in.readInt();
        for (int p = 0; p < parts; p++) counts[p] = in.readInt();
        return new StepPlan(seed, epoch, offsets, counts);
    }

    /** Reads a vector into {@code reuse} when it has the right length (the task's buffer), else anew. */
    private double[] readDoubles(double[] reuse) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > limits.doubles()) {
            throw new IOException("a vector of " + n + " doubles on a resident link (at most " + limits.doubles() + ")");
        }
        double[] a = reuse != null && reuse.length == n ? reuse : new double[n];
        int bytes = 8 * n;
        in.readFully(scratch(bytes), 0, bytes);
        ByteBuffer.wrap(scratch, 0, bytes).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(a);
        return a;
    }

    @Override
    public void reply(Accumulator acc) throws IOException {
        out.writeByte(OK);
        out.writeDouble(acc.lossSum());
        out.writeDouble(acc.weightSum());
        out.writeLong(acc.count());
        writeDoubles(acc.gradientSum());
        out.flush();
    }

    @Override
    public void fail(String message) throws IOException {
        out.writeByte(FAILED);
        out.writeUTF(message.length() > 8000 ? message.substring(0, 8000) : message);
        out.flush();
    }

    // ------------------------------------------------------------------ driver side

    long[] readHello() throws IOException {
        return new long[] {in.readLong(), in.readLong(), in.readInt()};
    }

    @Override
    public void send(Command command) throws IOException {
        out.writeByte(command.op());
        if (command.op() == Command.STEP) writePlan(command.plan());
        if (command.op() != Command.STOP) {
            if (command.handle() != null) {
                out.writeByte(BROADCAST);
                out.writeInt(command.handle().length);
                out.write(command.handle());
            } else {
                out.writeByte(INLINE);
                writeDoubles(command.params());
            }
        }
        out.flush();
    }

    private void writePlan(StepPlan plan) throws IOException {
        out.writeLong(plan.seed());
        out.writeLong(plan.epoch());
        int parts = plan.numPartitions();
        out.writeInt(parts);
        for (int p = 0; p < parts; p++) out.writeInt(plan.offset(p));
        for (int p = 0; p < parts; p++) out.writeInt(plan.count(p));
    }

    /** The task's partial sums, or a {@link ResidentLink.TaskFailed} with the task's message. */
    @Override
    public Accumulator receive() throws IOException {
        byte status = in.readByte();
        if (status == FAILED) {
            throw new ResidentLink.TaskFailed(in.readUTF());
        }
        if (status != OK) {
            throw new IOException("unexpected reply " + status + " from a resident task");
        }
        double lossSum = in.readDouble();
        double weightSum = in.readDouble();
        long count = in.readLong();
        return Accumulator.restore(lossSum, weightSum, count, readDoubles(null));
    }

    // ------------------------------------------------------------------

    private void writeDoubles(double[] a) throws IOException {
        int bytes = 8 * a.length;
        ByteBuffer.wrap(scratch(bytes), 0, bytes).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().put(a);
        out.writeInt(a.length);
        out.write(scratch, 0, bytes);
    }

    private byte[] scratch(int bytes) {
        if (scratch.length < bytes) scratch = new byte[bytes];
        return scratch;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is best effort: the peer sees end of stream either way
        }
    }
}
