package dev.steepest.spark.exec;

import dev.steepest.core.data.Block;
import dev.steepest.core.model.Accumulator;
import dev.steepest.core.model.Model;
import dev.steepest.core.train.PartitionStep;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Iterator;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.VoidFunction;

/**
 * The executor's side of resident steps: the function a resident task runs. A task serves the partitions its
 * {@link ResidentLayout} gives it (the blocks of its executor, read once when it starts). It attaches to its link
 * (in memory when the task runs in the driver's JVM, else over TCP, through {@link LinkSecurity}'s handshake) and
 * then loops: read a command (the parameters inline, or a broadcast's handle whose value it reads,
 * {@link BroadcastParameters}), run the partition kernel on each of its blocks, send back its pieces (one partial
 * sum per partition, or above the tree threshold one per run of a group's partitions merged here,
 * {@link ResidentTree}; in the layout's order, after all are computed, so a driver busy reading another task's
 * replies never holds up this task's kernels), until the driver says stop or goes away.
 *
 * <p>Everything here is static so that the task closure captures only what {@link #function} names, never the
 * driver's source.
 */
final class ResidentTask {
    private ResidentTask() {
    }

    /** What a task needs to find the driver and prove it belongs to the session. */
    record Target(String host, int port, long tokenHigh, long tokenLow, int connectMillis, boolean secured,
                  ResidentChannel.Limits limits) implements java.io.Serializable {
    }

    /** The function of the job over {@link ResidentGroups}: task {@code t} serves {@code layout[t]}. */
    static VoidFunction<Iterator<Block>> function(Target target, Model model, int[][] layout, ResidentTree tree) {
        return it -> {
            int task = TaskContext.getPartitionId();
            int[] partitions = layout[task];
            Block[] blocks = new Block[partitions.length];
            for (int i = 0; i < blocks.length; i++) blocks[i] = it.next();
            InProcessLink.Session local = InProcessLink.REGISTRY.get(target.tokenHigh());
            if (local != null && local.tokenLow() == target.tokenLow()) {
                InProcessLink link = local.links()[task];
                if (link.attach()) serve(link, model, partitions, blocks, tree);
                return;
            }
            try (ResidentChannel c = connect(target, task)) {
                serve(c, model, partitions, blocks, tree);
            }
        };
    }

    private static ResidentChannel connect(Target target, int task) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(target.host(), target.port()), target.connectMillis());
            socket.setSoTimeout(target.connectMillis()); // the driver answers a handshake at once
            ResidentChannel c = target.secured()
                    ? LinkSecurity.clientHandshake(socket, LinkSecurity.sparkSecret(), target.limits())
                    : ResidentChannel.plain(socket, target.limits());
            c.sendHello(target.tokenHigh(), target.tokenLow(), task);
            socket.setSoTimeout(0); // then steps may be minutes apart (evaluations)
            return c;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** A task's loop: its pieces ({@link ResidentTree#fold}) per command, until STOP or the driver goes away. */
    static void serve(ResidentLink.TaskEnd link, Model model, int[] partitions, Block[] blocks, ResidentTree tree)
            throws IOException {
        double[] buffer = null;
        Accumulator[] acc = new Accumulator[partitions.length];
        int[] runs = tree.pieces(partitions);
        while (true) {
            ResidentLink.Command command = link.next(buffer);
            if (command.op() == ResidentLink.Command.STOP) return;
            double[] params;
            try {
                if (command.handle() != null) {
                    params = BroadcastParameters.read(BroadcastParameters.decode(command.handle()));
                } else {
                    params = command.params();
                    buffer = params;
                }
            } catch (IOException e) {
                link.fail(e.getMessage());
                throw e;
            }
            try {
                for (int i = 0; i < partitions.length; i++) {
                    acc[i] = command.plan() != null
                            ? PartitionStep.run(model, blocks[i], partitions[i], command.plan(), params)
                            : PartitionStep.runAll(model, blocks[i], params);
                }
            } catch (RuntimeException | Error e) {
                link.fail(e.toString());
                throw e;
            }
            for (Accumulator a : ResidentTree.fold(runs, acc, model.numParameters())) link.reply(a);
        }
    }
}
