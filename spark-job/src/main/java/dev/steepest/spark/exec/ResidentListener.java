package dev.steepest.spark.exec;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The driver's TCP endpoint for resident tasks (executors in their own JVMs). It listens only where the driver's
 * own RPC binds, accepts on a thread of its own for as long as the source lives, and reads each connection's hello
 * (the handshake of a secured link, then token and task index) on a thread of that connection with its own
 * deadline: a client that sends nothing, garbage or a wrong token is dropped after at most that deadline and holds
 * up nobody else. At most {@value #MAX_PENDING} hellos are read at once (each holds two 64 KiB buffers); further
 * connections are closed at once until one ends, which bounds what strangers can make the driver allocate.
 *
 * <p>A hello that names the current {@link Admission}'s token and a task not yet connected becomes that
 * task's link; any other is dropped (a stranger, a task of an earlier start, a second attempt of a task).
 */
final class ResidentListener implements Closeable {
    static final int MAX_PENDING = 64;
    static final int HELLO_MILLIS = 5000;

    private final ServerSocket server;
    private final String secret;
    private final ResidentChannel.Limits limits;
    private final int helloMillis;
    private final ThreadPoolExecutor hellos;
    private final ScheduledExecutorService deadlines;
    private final AtomicInteger dropped = new AtomicInteger();
    private volatile Admission admission;

    /** @param secret the application secret for a secured link, or null for a link in clear */
    ResidentListener(InetAddress bind, int port, String secret, ResidentChannel.Limits limits, int connectMillis)
            throws IOException {
        this.secret = secret;
        this.limits = limits;
        this.helloMillis = Math.max(1, Math.min(connectMillis, HELLO_MILLIS));
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(bind, port), 64);
        hellos = new ThreadPoolExecutor(0, MAX_PENDING, 10, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> daemon(r, "steepest-resident-hello"));
        deadlines = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "steepest-resident-deadline"));
        daemon(this::acceptLoop, "steepest-resident-accept").start();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /** Connections dropped so far: strangers, bad or late hellos, connections over the limit. */
    int dropped() {
        return dropped.get();
    }

    /** From now on, hellos with this admission's token fill its links. */
    void admit(Admission a) {
        admission = a;
    }

    /** No more links for {@code a} (it is complete or abandoned). */
    void closeAdmission(Admission a) {
        if (admission == a) admission = null;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (server.isClosed()) return;
                continue;
            }
            try {
                hellos.execute(() -> hello(s));
            } catch (RejectedExecutionException e) {
                drop(s);
            }
        }
    }

    private void hello(Socket s) {
        ScheduledFuture<?> deadline = deadlines.schedule(() -> quietClose(s), helloMillis, TimeUnit.MILLISECONDS);
        ResidentChannel c = null;
        try {
            s.setSoTimeout(helloMillis);
            c = secret == null ? ResidentChannel.plain(s, limits) : LinkSecurity.serverHandshake(s, secret, limits);
            long[] hello = c.readHello();
            if (!deadline.cancel(false)) throw new IOException("hello after the deadline");
            s.setSoTimeout(0);
            Admission a = admission;
            if (a != null && a.offer(hello[0], hello[1], (int) hello[2], c)) return;
        } catch (IOException | RuntimeException e) {
            // a stranger, garbage, a wrong key, or too slow: dropped below
        }
        deadline.cancel(false);
        if (c != null) c.close();
        drop(s);
    }

    private void drop(Socket s) {
        dropped.incrementAndGet();
        quietClose(s);
    }

    private static void quietClose(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing is best effort: the peer sees end of stream either way
        }
    }

    @Override
    public void close() {
        admission = null;
        try {
            server.close();
        } catch (IOException ignored) {
            // nothing listens any more either way
        }
        hellos.shutdownNow();
        deadlines.shutdownNow();
    }

    /** One start of the tasks: its token, and a link per task as the tasks' hellos arrive. */
    static final class Admission {
        private final long tokenHigh;
        private final long tokenLow;
        private final ResidentLink.DriverEnd[] links;
        private int connected;
        private boolean abandoned;

        Admission(long tokenHigh, long tokenLow, int tasks) {
            this.tokenHigh = tokenHigh;
            this.tokenLow = tokenLow;
            this.links = new ResidentLink.DriverEnd[tasks];
        }

        synchronized boolean offer(long high, long low, int task, ResidentChannel c) {
            boolean token = ((high ^ tokenHigh) | (low ^ tokenLow)) == 0; // no early exit on the first wrong bit
            if (abandoned || !token || task < 0 || task >= links.length || links[task] != null) return false;
            links[task] = c;
            connected++;
            notifyAll();
            return true;
        }

        synchronized int connected() {
            return connected;
        }

        /** Waits up to {@code millis} for a change; true when every task is connected. */
        synchronized boolean await(long millis) throws InterruptedException {
            if (connected < links.length && millis > 0) wait(millis);
            return connected == links.length;
        }

        synchronized ResidentLink.DriverEnd[] links() {
            return links.clone();
        }

        /** Closes the links that came and refuses any later hello. */
        synchronized void abandon() {
            abandoned = true;
            for (ResidentLink.DriverEnd l : links) if (l != null) l.close();
        }
    }
}
