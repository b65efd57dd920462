package dev.steepest.spark.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steepest.spark.SparkTestSupport;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Spark standalone cluster on 127.0.0.1 — a master and two workers of one core each, started from the build's
 * Maven jars (target/spark-home) with {@code setsid} and stopped by PID, worker first — and the thin application jar
 * submitted with {@code SparkSubmit} exactly as the README's "On a cluster: spark-submit" section says. One run
 * trains undisturbed; a second has one executor JVM (a child process of a worker, found by the worker's PID) killed
 * mid-run and must end with the same model, bit for bit, its summary.json warnings recording the recovery.
 *
 * <p>An integration test ({@code mvn verify}, failsafe): the application jar exists only after {@code package}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    private static Path sparkHome;
    private static List<String> javaAndFlags;
    private static Process master;
    private static final List<Process> workers = new ArrayList<>();
    private static int masterPort;

    @BeforeAll
    static void startCluster() throws Exception {
        Path target = SparkTestSupport.repoRoot().resolve("spark-job/target");
        sparkHome = System.getenv("SPARK_HOME") != null ? Path.of(System.getenv("SPARK_HOME"))
                : target.resolve("spark-home");
        javaAndFlags = new ArrayList<>();
        javaAndFlags.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        javaAndFlags.addAll(List.of(Files.readString(target.resolve("jvm-flags.txt")).trim().split("\\s+")));
        masterPort = freePort();
        int masterUi = freePort();
        master = daemon("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                "--port", Integer.toString(masterPort), "--webui-port", Integer.toString(masterUi));
        for (int w = 0; w < 2; w++) {
            Path work = Files.createDirectories(tmp.resolve("work-" + w));
            workers.add(daemon("worker-" + w, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                    "--port", "0", "--webui-port", Integer.toString(freePort()), "--cores", "1", "--memory", "1g",
                    "--work-dir", work.toString(), "spark://127.0.0.1:" + masterPort));
        }
        awaitAliveWorkers(masterUi, 2, 60);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        for (Process w : workers) stop(w);
        if (master != null) stop(master);
    }

    @Test
    @Order(1)
    void aSubmittedRunTrainsOnTheClusterAndSurvivesAKilledExecutorWithTheSameModel() throws Exception {
        Path config = config();
        Path first = tmp.resolve("run-1");
        Submitted undisturbed = submit(config, first);
        assertEquals(0, undisturbed.exitCode(240), undisturbed.log());
        JsonNode summary = JSON.readTree(first.resolve("summary.json").toFile());
        assertEquals("epochs", summary.get("stop_reason").asText());
        assertEquals("resident", summary.get("step_mode").asText(), undisturbed.log());
        assertEquals("tcp", summary.get("resident_link").asText());
        assertEquals(0, summary.get("warnings").size(), summary.toString());
        assertTrue(summary.get("validation").get("accuracy").asDouble() > 0.7, summary.toString());
        JsonNode model = JSON.readTree(first.resolve("model.json").toFile());
        assertEquals("logistic", model.get("type").asText());
        assertTrue(Files.isDirectory(first.resolve("spark-model")));
        assertTrue(Files.exists(first.resolve("metrics.jsonl")));

        Path second = tmp.resolve("run-2");
        Submitted disturbed = submit(config, second);
        assertTrue(disturbed.awaitLog("epoch 2/8", 180), disturbed.log());
        List<ProcessHandle> executors = new ArrayList<>();
        for (Process w : workers) executors.addAll(w.toHandle().children().toList());
        assertEquals(2, executors.size(), "one executor JVM per worker: " + executors);
        ProcessHandle victim = executors.get(0);
        int rc = new ProcessBuilder("kill", "-KILL", Long.toString(victim.pid())).inheritIO().start().waitFor();
        assertEquals(0, rc);
        assertEquals(0, disturbed.exitCode(240), disturbed.log());
        JsonNode recovered = JSON.readTree(second.resolve("summary.json").toFile());
        String warnings = recovered.get("warnings").toString();
        assertTrue(warnings.contains("lost executor "), warnings + "\n" + disturbed.log());
        assertEquals(summary.get("iterations"), recovered.get("iterations"));
        JsonNode recoveredModel = JSON.readTree(second.resolve("model.json").toFile());
        // Jackson reads doubles back exactly, so equal trees are equal bits
        assertEquals(model.get("coefficients"), recoveredModel.get("coefficients"));
        assertEquals(model.get("intercepts"), recoveredModel.get("intercepts"));
        assertEquals(summary.get("final_train_loss"), recovered.get("final_train_loss"));
    }

    private static Path config() throws IOException {
        Path config = tmp.resolve("job.conf");
        if (!Files.exists(config)) writeConfig(config);
        return config;
    }

    private static void writeConfig(Path config) throws IOException {
        Files.writeString(config, String.join("\n",
                "data.train = \"" + SparkTestSupport.sample("logistic.csv") + "\"",
                "data.validation-fraction = 0.2",
                "model.type = logistic",
                "optimizer { name = adam, lr = 0.01 }",
                "train { batch-size = 32, epochs = 8, seed = 3, progress-seconds = 0.2 }",
                "spark.ui.enabled = false",
                "spark.executor.memory = 512m"));
    }

    /**
     * Cluster deploy mode: the driver runs inside a worker (no terminal, no working directory of ours), the outputs
     * go to a {@code file://} URI through the staging-and-upload commit, and the model is the client-mode run's.
     */
    @Test
    @Order(2)
    void inClusterDeployModeTheDriverRunsInAWorkerAndCommitsToAFileUri() throws Exception {
        Path out = tmp.resolve("run-cluster");
        Submitted s = submit(config(), "file://" + out, out.getFileName().toString(), "--deploy-mode", "cluster",
                "--driver-memory", "512m", "--conf", "spark.standalone.submit.waitAppCompletion=true",
                // a standalone worker starts the driver without Java 17's module options (README)
                "--conf", "spark.driver.extraJavaOptions=" + String.join(" ", javaAndFlags.subList(1, javaAndFlags.size())));
        assertEquals(0, s.exitCode(300), s.log() + driverLogs());
        assertTrue(Files.exists(out.resolve("summary.json")), s.log() + driverLogs());
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals("epochs", summary.get("stop_reason").asText(), summary.toString());
        JsonNode model = JSON.readTree(out.resolve("model.json").toFile());
        JsonNode client = JSON.readTree(tmp.resolve("run-1").resolve("model.json").toFile());
        assertEquals(client.get("coefficients"), model.get("coefficients"));
        assertEquals(client.get("intercepts"), model.get("intercepts"));
        assertTrue(Files.isDirectory(out.resolve("spark-model")));
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertEquals(List.of(), siblings.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(".run-cluster")).toList(), "nothing left beside the output");
        }
    }


    /** The stderr of every driver a worker ran (cluster deploy mode), for failure messages. */
    private static String driverLogs() throws IOException {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> all = Files.walk(tmp)) {
            for (Path p : all.filter(p -> p.getFileName().toString().equals("stderr")
                    && p.getParent().getFileName().toString().startsWith("driver-")).toList()) {
                b.append("\n--- ").append(p).append('\n').append(Files.readString(p));
            }
        }
        return b.toString();
    }

    /** A spark-submit of the app jar in client mode, its output in a log file. */
    private record Submitted(Process process, Path logFile) {
        String log() throws IOException {
            return Files.readString(logFile);
        }

        boolean awaitLog(String text, long seconds) throws Exception {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < end && process.isAlive()) {
                if (log().contains(text)) return true;
                Thread.sleep(100);
            }
            return log().contains(text);
        }

        int exitCode(long seconds) throws Exception {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("spark-submit did not end within " + seconds + " s:\n" + log());
            }
            return process.exitValue();
        }
    }

    private static Submitted submit(Path config, Path out) throws IOException {
        return submit(config, out.toString(), out.getFileName().toString());
    }

    /** {@code options}: more spark-submit options, before the application jar. */
    private static Submitted submit(Path config, String out, String logName, String... options) throws IOException {
        Path jar;
        try (Stream<Path> s = Files.list(SparkTestSupport.repoRoot().resolve("spark-job/target"))) {
            jar = s.filter(p -> p.getFileName().toString().endsWith("-app.jar")).findFirst().orElse(null);
        }
        assertNotNull(jar, "the application jar (mvn package) is missing");
        List<String> cmd = new ArrayList<>(javaAndFlags);
        cmd.addAll(List.of("-cp", classPath(), "org.apache.spark.deploy.SparkSubmit",
                "--master", "spark://127.0.0.1:" + masterPort,
                "--class", "dev.steepest.spark.cli.Main"));
        cmd.addAll(List.of(options));
        cmd.addAll(List.of(jar.toString(), "train", "--config", config.toString(), "--out", out));
        Path log = tmp.resolve(logName + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        environment(pb.environment());
        return new Submitted(pb.start(), log);
    }

    private static Process daemon(String name, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("setsid"));
        cmd.addAll(javaAndFlags);
        cmd.addAll(List.of("-Xmx512m", "-cp", classPath(), mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve(name + ".log").toFile());
        environment(pb.environment());
        return pb.start();
    }

    private static void environment(Map<String, String> env) {
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("SPARK_SCALA_VERSION", "2.13");
    }

    private static String classPath() {
        return sparkHome.resolve("conf") + File.pathSeparator + sparkHome.resolve("jars") + File.separator + "*";
    }

    /** SIGTERM by PID, then SIGKILL if it does not end within 10 s. */
    private static void stop(Process p) throws Exception {
        if (!p.isAlive()) return;
        new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).inheritIO().start().waitFor();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            new ProcessBuilder("kill", "-KILL", Long.toString(p.pid())).inheritIO().start().waitFor();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void awaitAliveWorkers(int masterUi, int n, long seconds) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String last = "";
        while (System.nanoTime() < end) {
            try {
                last = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + masterUi + "/json/"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
                if (JSON.readTree(last).path("aliveworkers").asInt() >= n) return;
            } catch (IOException notYet) {
                // the master's UI is not up yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError(n + " workers did not register within " + seconds + " s: " + last);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
