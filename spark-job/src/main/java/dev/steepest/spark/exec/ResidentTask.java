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
 * The executor's side of resident steps: the function a resident task runs. It attaches to its link (in memory
 * when the task runs in the driver's JVM, else over TCP, through {@link LinkSecurity}'s handshake) and then loops:
 * read a command, run the partition kernel on the task's cached block, send back the partial sums, until the
 * driver says stop or goes away.
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

    static VoidFunction<Iterator<Block>> function(Target target, Model model) {
        return it -> {
            int partition = TaskContext.getPartitionId();
            Block block = it.next();
            InProcessLink.Session local = InProcessLink.REGISTRY.get(target.tokenHigh());
            if (local != null && local.tokenLow() == target.tokenLow()) {
                InProcessLink link = local.links()[partition];
                if (link.attach()) serve(link, model, partition, block);
                return;
            }
            try (ResidentChannel c = connect(target, partition)) {
                serve(c, model, partition, block);
            }
        };
    }

    private static ResidentChannel connect(Target target, int partition) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(target.host(), target.port()), target.connectMillis());
            socket.setSoTimeout(target.connectMillis()); // the driver answers a handshake at once
            ResidentChannel c = target.secured()
                    ? LinkSecurity.clientHandshake(socket, LinkSecurity.sparkSecret(), target.limits())
                    : ResidentChannel.plain(socket, target.limits());
            c.sendHello(target.tokenHigh(), target.tokenLow(), partition);
            socket.setSoTimeout(0); // then steps may be minutes apart (evaluations)
            return c;
        } catch (IOException | RuntimeException e) {
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
