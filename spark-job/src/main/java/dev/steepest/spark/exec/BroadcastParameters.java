package dev.steepest.spark.exec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.broadcast.Broadcast;

/**
 * A step's parameters as a Spark broadcast on a resident link: the driver broadcasts them once (Spark's
 * {@code TorrentBroadcast}: executors fetch the pieces from the driver and from each other, so the driver sends
 * about one copy whatever the number of tasks) and sends each task only the broadcast's handle, Java-serialized as
 * Spark serializes it into a task closure; the task reads {@code value()}.
 *
 * <p>The task reads the value on a thread of its own without a {@code TaskContext}: inside a task Spark keeps the
 * read lock on the broadcast's block until the task ends, and a resident task ends only with its session, so the
 * driver's destroy after each step would wait on every executor for locks that are never released and every
 * step's copy would stay. Outside a task Spark releases the lock at once.
 *
 * <p>The handle is read through a filter that admits only the classes a broadcast handle consists of, so a link
 * cannot be used to make the task deserialize anything else.
 */
final class BroadcastParameters {
    /** The longest handle a task reads (a {@code TorrentBroadcast} of a {@code double[]} is about 1 KB). */
    static final int MAX_HANDLE_BYTES = 1 << 16;

    private static final ObjectInputFilter HANDLE_CLASSES = ObjectInputFilter.Config.createFilter(
            "maxdepth=20;maxrefs=500;maxbytes=" + MAX_HANDLE_BYTES + ";maxarray=100000;"
                    + "org.apache.spark.broadcast.*;org.apache.spark.storage.*;org.apache.spark.util.*;"
                    + "scala.reflect.*;scala.collection.immutable.*;scala.collection.IterableFactory$ToFactory;"
                    + "scala.collection.generic.DefaultSerializationProxy;scala.runtime.ModuleSerializationProxy;"
                    + "scala.Option;scala.None$;scala.Some;java.lang.*;[I;[J;[B;!*");

    private static final ExecutorService READER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "steepest-broadcast-reader");
        t.setDaemon(true);
        return t;
    });

    private BroadcastParameters() {
    }

    /** The handle of {@code b} as bytes for the link. */
    static byte[] encode(Broadcast<double[]> b) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(b);
        }
        return bytes.toByteArray();
    }

    /** The handle the driver encoded. */
    @SuppressWarnings("unchecked")
    static Broadcast<double[]> decode(byte[] handle) throws IOException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(handle))) {
            Class<?>[] rejected = new Class<?>[1];
            in.setObjectInputFilter(info -> {
                ObjectInputFilter.Status status = HANDLE_CLASSES.checkInput(info);
                if (status == ObjectInputFilter.Status.REJECTED && rejected[0] == null) rejected[0] = info.serialClass();
                return status;
            });
            try {
                Object o = in.readObject();
                if (!(o instanceof Broadcast<?> b)) throw new IOException("not a broadcast handle: " + o.getClass());
                return (Broadcast<double[]>) b;
            } catch (java.io.InvalidClassException e) {
                throw new IOException("a broadcast handle with a class no handle has ("
                        + (rejected[0] == null ? "limits exceeded" : rejected[0].getName()) + ")", e);
            }
        } catch (ClassNotFoundException | RuntimeException e) {
            throw new IOException("an unreadable broadcast handle on a resident link: " + e, e);
        }
    }

    /** The broadcast's parameters, read outside any task (see the class comment). */
    static double[] read(Broadcast<double[]> b) throws IOException {
        Future<double[]> value = READER.submit(b::value);
        try {
            return value.get();
        } catch (InterruptedException e) {
            value.cancel(true);
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted reading the step's broadcast parameters");
        } catch (ExecutionException e) {
            throw new IOException("could not read the step's broadcast parameters: " + e.getCause(), e.getCause());
        }
    }
}
