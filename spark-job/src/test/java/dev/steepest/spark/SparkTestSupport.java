package dev.steepest.spark;

import dev.steepest.core.data.Block;
import dev.steepest.spark.config.ConfigSchema;
import dev.steepest.spark.config.JobConfig;
import dev.steepest.spark.job.SparkSessions;
import com.typesafe.config.ConfigFactory;
import java.io.File;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Shared helpers: the repository root, configs from text, and Spark sessions configured like a real run. */
public final class SparkTestSupport {
    private SparkTestSupport() {
    }

    public static Path repoRoot() {
        String configured = System.getProperty("steepest.repo.root");
        if (configured != null) return Paths.get(configured).toAbsolutePath().normalize();
        // surefire sets the property; benchmarks run by hand start in the repository root
        Path here = Paths.get("").toAbsolutePath();
        return (java.nio.file.Files.isDirectory(here.resolve("data-samples")) ? here : here.getParent()).normalize();
    }

    public static String sample(String name) {
        return repoRoot().resolve("data-samples").resolve(name).toString();
    }

    /** A validated config from HOCON text. */
    public static JobConfig config(String hocon) {
        return dev.steepest.spark.config.ConfigLoader.loadText(hocon, java.util.List.of());
    }

    /**
     * A session as the CLI would build it (Kryo, registration required), with the UI off. For
     * {@code local-cluster} masters the executors get our classes through spark.executor.extraClassPath.
     */
    public static SparkSession session(String master) {
        return session(master, java.util.Map.of());
    }

    /** {@link #session(String)} with further Spark settings. */
    public static SparkSession session(String master, java.util.Map<String, String> settings) {
        SparkConf conf = SparkSessions.conf(config("data.train = x.csv\nmodel.type = linear\nspark.master = \""
                + master + "\""));
        conf.set("spark.ui.enabled", "false");
        conf.set("spark.sql.shuffle.partitions", "4");
        if (master.startsWith("local-cluster")) {
            conf.set("spark.executor.extraClassPath", String.join(File.pathSeparator, ourClassPath()));
            // start work only once every executor has registered, so tasks really spread over both JVMs
            conf.set("spark.scheduler.minRegisteredResourcesRatio", "1.0");
        }
        settings.forEach(conf::set);
        SparkSession active = SparkSession.getActiveSession().getOrElse(() -> null);
        if (active != null) active.stop();
        return SparkSession.builder().config(conf).getOrCreate();
    }

    /** Where steepest's main classes live (core's and spark-job's target/classes, or jars). */
    public static List<String> ourMainClassPath() {
        return ourClassPath().subList(0, 2);
    }

    /** Where our own classes live (target/classes directories or jars). */
    static List<String> ourClassPath() {
        List<String> cp = new ArrayList<>();
        for (Class<?> c : new Class<?>[] {Block.class, SteepestKryoRegistrator.class, SparkTestSupport.class}) {
            try {
                cp.add(new File(c.getProtectionDomain().getCodeSource().getLocation().toURI()).getAbsolutePath());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return cp;
    }

    /** What one in-process CLI run ({@code Main.run}) returned and printed. */
    public record CliRun(int code, String out, String err) {
    }

    /** Runs the CLI in this JVM with {@code args}, capturing both streams. */
    public static CliRun cli(List<String> args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.nio.charset.Charset utf8 = java.nio.charset.StandardCharsets.UTF_8;
        int code = dev.steepest.spark.cli.Main.run(args.toArray(new String[0]), new java.io.PrintStream(out, true, utf8),
                new java.io.PrintStream(err, true, utf8));
        return new CliRun(code, out.toString(utf8), err.toString(utf8));
    }

    public static CliRun cli(String... args) {
        return cli(List.of(args));
    }
}
