package dev.steepest.spark.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.data.Block;
import dev.steepest.core.model.Accumulator;
import dev.steepest.core.model.Model;
import dev.steepest.core.train.LocalGradientSource;
import dev.steepest.core.train.StepPlan;
import dev.steepest.spark.LoaderOptions;
import dev.steepest.spark.SentinelModel;
import dev.steepest.spark.SparkTestSupport;
import dev.steepest.spark.config.JobConfig;
import dev.steepest.spark.data.BlockLoader;
import dev.steepest.spark.data.TrainingData;
import dev.steepest.spark.job.RunComponents;
import dev.steepest.spark.job.TrainJob;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The resident link between executor JVMs and the driver (local-cluster, where it is TCP): strangers at the port
 * during a run leave the run resident and its model bit-identical; with {@code spark.authenticate} the link is
 * authenticated and encrypted and the run says so; a task lost with its executor is named with Spark's reason.
 */
class ResidentLinkClusterTest {
    private static final String LOGISTIC = String.join("\n",
            "data.train = \"" + SparkTestSupport.sample("logistic.csv") + "\"",
            "data.validation-fraction = 0.2",
            "model.type = logistic",
            "optimizer { name = adam, lr = 0.02 }",
            "train { batch-size = 64, epochs = 4, seed = 11, metrics = epoch, resident.connect-seconds = 20 }");

    private static final double SENTINEL = 54321.0;

    private record Run(TrainJob.Outcome outcome, String log) {
    }

    private static Run train(SparkSession spark, String hocon) {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TrainJob.Outcome o = TrainJob.run(spark, SparkTestSupport.config(hocon), null,
                new PrintStream(log, true, StandardCharsets.UTF_8), System.nanoTime());
        return new Run(o, log.toString(StandardCharsets.UTF_8));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * Connects strangers to the port in turn for as long as it runs: one that sends nothing and stays, one that
     * sends random bytes, one that sends a wrong token in clear, one that does the secured handshake with a wrong
     * secret.
     */
    private static final class Strangers implements AutoCloseable {
        private final List<Socket> open = new ArrayList<>();
        private final AtomicInteger connected = new AtomicInteger();
        private final Thread thread;
        private volatile boolean stop;

        Strangers(int port) {
            thread = new Thread(() -> {
                Random random = new Random(3);
                for (int i = 0; !stop; i++) {
                    try {
                        Socket s = new Socket();
                        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                        connected.incrementAndGet();
                        switch (i % 4) {
                            case 0 -> { } // silent
                            case 1 -> {
                                byte[] noise = new byte[2048];
                                random.nextBytes(noise);
                                s.getOutputStream().write(noise);
                            }
                            case 2 -> {
                                byte[] token = new byte[20];
                                random.nextBytes(token);
                                token[16] = token[17] = token[18] = 0;
                                token[19] = 0; // partition 0, a random token
                                s.getOutputStream().write(token);
                            }
                            default -> {
                                s.setSoTimeout(2000);
                                LinkSecurity.clientHandshake(s, "a guessed secret", new ResidentChannel.Limits(8, 8))
                                        .sendHello(random.nextLong(), random.nextLong(), 1);
                            }
                        }
                        synchronized (open) {
                            open.add(s);
                        }
                        Thread.sleep(100);
                    } catch (IOException e) {
                        sleep(30); // not listening yet, or dropped mid-handshake
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "strangers");
            thread.setDaemon(true);
            thread.start();
        }

        private static void sleep(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() throws Exception {
            stop = true;
            thread.interrupt();
            thread.join(5000);
            synchronized (open) {
                for (Socket s : open) s.close();
            }
        }
    }

    private static void assertResidentUndisturbed(SparkSession spark, String link) throws Exception {
        double[] undisturbed = train(spark, LOGISTIC + "\ntrain.step-mode = jobs").outcome().result().params();
        int port = freePort();
        Run run;
        int strangers;
        try (Strangers s = new Strangers(port)) {
            run = train(spark, LOGISTIC + "\ntrain.resident.port = " + port);
            strangers = s.connected.get();
        }
        Map<String, Object> summary = run.outcome().summary();
        assertEquals(List.of(), summary.get("warnings"), run.log());
        assertEquals("resident", summary.get("step_mode"), run.log());
        assertEquals(link, summary.get("resident_link"));
        assertArrayEquals(undisturbed, run.outcome().result().params(), 0.0);
        assertTrue(strangers >= 4, "strangers connected during the run: " + strangers);
    }

    @Test
    void strangersAtTheResidentPortNeitherStallNorBreakTheRunAndALostTaskIsNamed() throws Exception {
        SparkSession cluster = SparkTestSupport.session("local-cluster[2,1,1024]");
        try {
            assertResidentUndisturbed(cluster, "tcp");
            lostExecutorNamesItsCause(cluster);
        } finally {
            cluster.stop();
        }
    }

    @Test
    void withSparkAuthenticationTheLinkIsAuthenticatedAndEncryptedAndTheRunSaysSo() throws Exception {
        SparkSession cluster = SparkTestSupport.session("local-cluster[2,1,1024]", Map.of(
                "spark.authenticate", "true", "spark.authenticate.secret", "resident-link-test-secret",
                "spark.network.crypto.enabled", "true"));
        try {
            assertResidentUndisturbed(cluster, "tcp-aes-gcm");
            Run run = train(cluster, LOGISTIC);
            assertTrue(run.log().contains("authenticated and encrypted (AES-256-GCM, keys from Spark's application "
                    + "secret)"), run.log());
            // a broadcast's handle (larger than this model's parameters) fits the sealed frames, with the same bits
            Run broadcast = train(cluster, LOGISTIC + "\ntrain.resident.broadcast-bytes = 0");
            assertEquals(List.of(), broadcast.outcome().summary().get("warnings"), broadcast.log());
            assertEquals("tcp-aes-gcm", broadcast.outcome().summary().get("resident_link"));
            assertTrue(((String) broadcast.outcome().summary().get("resident_layout")).endsWith(
                    "; parameters by broadcast"), broadcast.log());
            assertArrayEquals(run.outcome().result().params(), broadcast.outcome().result().params(), 0.0);
        } finally {
            cluster.stop();
        }
    }

    /**
     * The executors' JVMs end in the middle of a step (the kernel halts them): the step goes to the fallback, and
     * the reason names the partition and what happened instead of "null".
     */
    private static void lostExecutorNamesItsCause(SparkSession spark) {
        JobConfig cfg = SparkTestSupport.config(LOGISTIC);
        TrainingData data = BlockLoader.loadTraining(spark, "data.train", cfg.trainPath(),
                LoaderOptions.of("csv", "label").binary(true).build());
        try {
            long driver = ProcessHandle.current().pid();
            Model model = new SentinelModel(RunComponents.create(cfg, 4, 2), SENTINEL, () -> {
                if (ProcessHandle.current().pid() != driver) Runtime.getRuntime().halt(7); // an executor's JVM ends
            });
            List<Block> blocks = data.blocks().collect();
            LocalGradientSource local = new LocalGradientSource(blocks, model);
            List<String> warnings = new ArrayList<>();
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            ResidentGradientSource resident = new ResidentGradientSource(jsc, data.blocks(), data.partitionSizes(),
                    model, jsc.getConf().get("spark.driver.host"), null, 0, 30_000);
            try (FallbackGradientSource source = ResidentGradientSource.withFallback(resident, local, warnings::add)) {
                StepPlan plan = new StepPlan(5, 0, new int[] {0, 0}, new int[] {16, 16});
                double[] params = new double[model.numParameters()];
                assertArrayEquals(local.compute(params, plan).gradientSum(), source.compute(params, plan)
                        .gradientSum(), 0.0);
                InetSocketAddress at = resident.listenAddress();
                assertNotNull(at);
                assertFalse(at.getAddress().isAnyLocalAddress(), "listens only where the driver binds: " + at);

                params[0] = SENTINEL;
                Accumulator fallen = source.compute(params, plan);
                assertArrayEquals(local.compute(params, plan).gradientSum(), fallen.gradientSum(), 0.0);
                String reason = source.fallbackReason();
                assertNotNull(reason);
                assertFalse(reason.contains("null"), reason);
                assertTrue(reason.startsWith("lost the resident task of partition "), reason);
                assertEquals(1, warnings.size(), warnings.toString());
                System.out.println("ResidentLinkClusterTest: " + warnings.get(0));
            }
        } finally {
            data.release();
        }
    }
}
