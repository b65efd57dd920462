package dev.steepest.spark.bench;

import dev.steepest.core.model.Accumulator;
import dev.steepest.core.optim.GradientTransformation;
import dev.steepest.core.optim.LearningRateSchedule;
import dev.steepest.core.optim.OptState;
import dev.steepest.core.optim.Optimizers;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The driver's share of one resident step as a function of the partition count P and the parameter count d,
 * measured with synthetic partials (docs/SCALING.md): per partition the driver decodes a gradient from the link's
 * bytes (little-endian float64, as {@code ResidentChannel} reads them) and merges it in partition order
 * ({@link Accumulator#merge}); per step it runs the optimizer (Adam, the costliest common one: two moments) and
 * sends the parameters once per task (timed through a loopback socket). Partials are drawn from a pool of distinct
 * arrays larger than the CPU caches, so a merge reads memory as the real one does. Not a test; run by hand:
 * <pre>
 *   java -Xmx12g $(cat spark-job/target/jvm-flags.txt) -cp spark-job/target/test-classes:spark-job/target/classes:\
 *     core/target/classes:$(cat spark-job/target/classpath.txt) dev.steepest.spark.bench.DriverCostBenchmark
 * </pre>
 */
public final class DriverCostBenchmark {
    private static final int[] PARTITIONS = {2, 8, 32, 100, 316, 1000};
    private static final int[] SIZES = {100_000, 235_146, 1_000_000, 10_000_000};

    public static void main(String[] args) throws Exception {
        System.out.println("| d | decode ns/value | merge ns/value | adam step ms | adam ns/param | send ns/byte (loopback) |");
        System.out.println("|---|---|---|---|---|---|");
        for (int d : SIZES) {
            int pool = (int) Math.max(2, Math.min(16, 64_000_000L / (8L * d)));
            byte[][] wire = new byte[pool][];
            Random rnd = new Random(d);
            for (int k = 0; k < pool; k++) {
                ByteBuffer b = ByteBuffer.allocate(8 * d).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < d; i++) b.putDouble(rnd.nextGaussian());
                wire[k] = b.array();
            }
            int reps = Math.max(8, 40_000_000 / d);
            double decode = median(5, () -> {
                double[] g = new double[d];
                long t = System.nanoTime();
                for (int r = 0; r < reps; r++) decode(wire[r % pool], g);
                return (System.nanoTime() - t) / ((double) reps * d);
            });
            Accumulator[] partials = new Accumulator[pool];
            for (int k = 0; k < pool; k++) {
                double[] g = new double[d];
                decode(wire[k], g);
                partials[k] = Accumulator.restore(1.0, 1.0, 1, g);
            }
            double merge = median(5, () -> {
                Accumulator sum = new Accumulator(d);
                long t = System.nanoTime();
                for (int r = 0; r < reps; r++) sum.merge(partials[r % pool]);
                return (System.nanoTime() - t) / ((double) reps * d);
            });
            GradientTransformation adam = Optimizers.adam(LearningRateSchedule.constant(1e-3), 0.9, 0.999, 1e-8,
                    false, 0.0, List.of());
            double[] params = new double[d];
            double[] grad = partials[0].gradientSum();
            int steps = Math.max(3, 20_000_000 / d);
            double adamMs = median(5, () -> {
                OptState s = adam.init(params);
                long t = System.nanoTime();
                for (int r = 0; r < steps; r++) {
                    GradientTransformation.Update u = adam.update(grad, s, params);
                    s = u.state();
                    double[] up = u.updates();
                    for (int i = 0; i < d; i++) params[i] += up[i];
                }
                return (System.nanoTime() - t) / 1e6 / steps;
            });
            double send = sendNsPerByte(wire[0], Math.max(4, 200_000_000 / wire[0].length));
            System.out.printf(Locale.ROOT, "| %,d | %.3f | %.3f | %.3f | %.3f | %.3f |%n", d, decode, merge, adamMs,
                    adamMs * 1e6 / d, send);
        }
        int d = 235_146;
        System.out.println();
        System.out.println("Driver receive + merge per step at d = 235,146 (Fashion-MNIST MLP), P partials:");
        System.out.println("| P | decode + merge ms | per partition ms |");
        System.out.println("|---|---|---|");
        int pool = 16;
        byte[][] wire = new byte[pool][];
        Random rnd = new Random(7);
        for (int k = 0; k < pool; k++) {
            ByteBuffer b = ByteBuffer.allocate(8 * d).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < d; i++) b.putDouble(rnd.nextGaussian());
            wire[k] = b.array();
        }
        for (int p : PARTITIONS) {
            double ms = median(5, () -> {
                double[] g = new double[d];
                Accumulator sum = new Accumulator(d);
                long t = System.nanoTime();
                for (int k = 0; k < p; k++) {
                    decode(wire[k % pool], g);
                    sum.merge(Accumulator.restore(1.0, 1.0, 1, g));
                }
                return (System.nanoTime() - t) / 1e6;
            });
            System.out.printf(Locale.ROOT, "| %d | %.2f | %.3f |%n", p, ms, ms / p);
        }
    }

    private static void decode(byte[] bytes, double[] into) {
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(into);
    }

    /** Loopback TCP: the driver writes {@code bytes} {@code times}, a reader thread drains them. */
    private static double sendNsPerByte(byte[] bytes, int times) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread reader = new Thread(() -> {
                try (Socket s = server.accept(); InputStream in = new DataInputStream(s.getInputStream())) {
                    byte[] buf = new byte[1 << 16];
                    while (in.read(buf) >= 0) {
                        // drain
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            reader.start();
            double[] rounds = new double[3];
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                 OutputStream out = new DataOutputStream(s.getOutputStream())) {
                s.setTcpNoDelay(true);
                for (int r = 0; r < 3; r++) {
                    long t = System.nanoTime();
                    for (int k = 0; k < times; k++) out.write(bytes);
                    out.flush();
                    rounds[r] = (System.nanoTime() - t) / ((double) times * bytes.length);
                }
            }
            reader.join();
            Arrays.sort(rounds);
            return rounds[1];
        }
    }

    private interface Timed {
        double run() throws Exception;
    }

    private static double median(int n, Timed t) throws Exception {
        t.run(); // warm-up
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = t.run();
        Arrays.sort(v);
        return v[n / 2];
    }
}
