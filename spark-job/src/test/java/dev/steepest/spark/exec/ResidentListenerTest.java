package dev.steepest.spark.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The driver's endpoint for resident tasks, without Spark: strangers (silent, garbage, a wrong token, a wrong
 * secret) are dropped without holding up the tasks, and at most {@link ResidentListener#MAX_PENDING} hellos are
 * read at once.
 */
class ResidentListenerTest {
    private static final ResidentChannel.Limits LIMITS = new ResidentChannel.Limits(3, 2);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private static Socket connect(ResidentListener l) throws IOException {
        Socket s = new Socket();
        s.connect(l.address(), 5000);
        return s;
    }

    private static void send(Socket s, long high, long low, int partition) throws IOException {
        DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(s.getOutputStream()));
        out.writeLong(high);
        out.writeLong(low);
        out.writeInt(partition);
        out.flush();
    }

    /** True when the driver closed the connection within {@code millis}. */
    private static boolean closedWithin(Socket s, int millis) throws IOException {
        s.setSoTimeout(millis);
        InputStream in = s.getInputStream();
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by the driver
        }
    }

    @Test
    void silentGarbageAndWrongTokenClientsAreDroppedWithoutHoldingUpTheTasks() throws Exception {
        try (ResidentListener listener = new ResidentListener(LOOPBACK, 0, null, LIMITS, 30_000)) {
            assertEquals(LOOPBACK, listener.address().getAddress(), "binds where it is told, not on every interface");
            ResidentListener.Admission admission = new ResidentListener.Admission(1L, 2L, 2);
            listener.admit(admission);
            List<Socket> sockets = new ArrayList<>();
            try {
                Socket silent = connect(listener);
                sockets.add(silent);
                Socket garbage = connect(listener);
                sockets.add(garbage);
                byte[] noise = new byte[4096];
                new Random(1).nextBytes(noise);
                garbage.getOutputStream().write(noise);
                Socket wrongToken = connect(listener);
                sockets.add(wrongToken);
                send(wrongToken, 1L, 3L, 0);

                long start = System.nanoTime();
                Socket task0 = connect(listener);
                Socket task1 = connect(listener);
                sockets.add(task0);
                sockets.add(task1);
                send(task1, 1L, 2L, 1);
                send(task0, 1L, 2L, 0);
                while (!admission.await(100) && System.nanoTime() - start < 4_000_000_000L) {
                    // waiting for both tasks
                }
                assertEquals(2, admission.connected(), "both tasks got in while a silent client was still waiting");
                assertTrue(closedWithin(wrongToken, 2000), "a wrong token is dropped at once");
                assertTrue(closedWithin(garbage, 2000), "garbage is dropped at once");
                Socket second = connect(listener);
                sockets.add(second);
                send(second, 1L, 2L, 0);
                assertTrue(closedWithin(second, 2000), "a second task for a connected partition is dropped");
                assertTrue(closedWithin(silent, ResidentListener.HELLO_MILLIS + 3000),
                        "a silent client is dropped at its hello deadline");
                long counted = System.nanoTime();
                while (listener.dropped() < 4 && System.nanoTime() - counted < 2_000_000_000L) Thread.sleep(10);
                assertEquals(4, listener.dropped());
                assertTrue(!closedWithin(task0, 200), "the tasks' links stay open");
            } finally {
                for (Socket s : sockets) s.close();
                admission.abandon();
            }
        }
    }

    @Test
    void atMostMaxPendingHellosAreReadAtOnce() throws Exception {
        try (ResidentListener listener = new ResidentListener(LOOPBACK, 0, null, LIMITS, 30_000)) {
            List<Socket> silent = new ArrayList<>();
            try {
                for (int i = 0; i < ResidentListener.MAX_PENDING + 8; i++) silent.add(connect(listener));
                int closedAtOnce = 0;
                for (Socket s : silent) if (closedWithin(s, 50)) closedAtOnce++;
                assertTrue(closedAtOnce >= 8, closedAtOnce + " of the connections over the limit were closed");
                assertTrue(closedAtOnce < silent.size(), "connections within the limit wait for their hello");
            } finally {
                for (Socket s : silent) s.close();
            }
        }
    }

    @Test
    void aSecuredListenerAdmitsOnlyTasksThatHoldTheSecret() throws Exception {
        String secret = "the application secret";
        try (ResidentListener listener = new ResidentListener(LOOPBACK, 0, secret, LIMITS, 30_000)) {
            ResidentListener.Admission admission = new ResidentListener.Admission(5L, 6L, 1);
            listener.admit(admission);
            try (Socket wrongSecret = connect(listener); Socket clearHello = connect(listener);
                 Socket task = connect(listener)) {
                LinkSecurity.clientHandshake(wrongSecret, "a guessed secret", LIMITS).sendHello(5L, 6L, 0);
                send(clearHello, 5L, 6L, 0);
                assertTrue(closedWithin(wrongSecret, 2000), "a wrong secret is dropped");
                assertTrue(closedWithin(clearHello, 2000), "a hello in clear is dropped");
                assertEquals(0, admission.connected());

                ResidentChannel taskEnd = LinkSecurity.clientHandshake(task, secret, LIMITS);
                taskEnd.sendHello(5L, 6L, 0);
                long start = System.nanoTime();
                while (!admission.await(100) && System.nanoTime() - start < 4_000_000_000L) {
                    // waiting for the task
                }
                assertEquals(1, admission.connected());
                double[] params = {1.5, -2.25, Math.E};
                admission.links()[0].send(new ResidentLink.Command(ResidentLink.Command.ALL, null, params, null));
                assertArrayEquals(params, taskEnd.next(null).params(), 0.0);
                long counted = System.nanoTime();
                while (listener.dropped() < 2 && System.nanoTime() - counted < 2_000_000_000L) Thread.sleep(10);
                assertEquals(2, listener.dropped());
            } finally {
                admission.abandon();
            }
        }
    }

    @Test
    void aVectorLongerThanTheLimitsEndsTheLink() throws Exception {
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0, 1, LOOPBACK); Socket peer = new Socket()) {
            peer.connect(new InetSocketAddress(LOOPBACK, ss.getLocalPort()));
            Socket driverSide = ss.accept();
            ResidentChannel driver = ResidentChannel.plain(driverSide, LIMITS);
            DataOutputStream out = new DataOutputStream(peer.getOutputStream());
            out.writeByte(ResidentChannel.OK);
            out.writeDouble(0);
            out.writeDouble(0);
            out.writeLong(0);
            out.writeInt(Integer.MAX_VALUE); // a gradient of 2^31 doubles: refused, not allocated
            out.flush();
            IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, driver::receive);
            assertTrue(e.getMessage().contains("at most 3"), e.getMessage());
            driver.close();
        }
    }
}
