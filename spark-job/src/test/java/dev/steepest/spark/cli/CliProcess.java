package dev.steepest.spark.cli;

import dev.steepest.spark.SparkTestSupport;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The steepest CLI in its own JVM, as the launcher starts it (the build's classes and Spark jars, the launcher's JVM
 * flags and log config), so tests can signal it by PID. Its stdout and stderr go to files in {@code logs}.
 */
final class CliProcess {
    final Process process;
    final Path stdout;
    final Path stderr;

    private CliProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static CliProcess start(Path logs, String... args) throws IOException {
        Path root = SparkTestSupport.repoRoot();
        Path target = root.resolve("spark-job/target");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(Files.readString(target.resolve("jvm-flags.txt")).trim().split("\\s+")));
        cmd.add("-Xmx1g");
        cmd.add("-Dlog4j2.configurationFile=" + root.resolve("conf/log4j2.properties"));
        cmd.add("-cp");
        cmd.add(String.join(File.pathSeparator, SparkTestSupport.ourMainClassPath()) + File.pathSeparator
                + Files.readString(target.resolve("classpath.txt")).trim());
        cmd.add("dev.steepest.spark.cli.Main");
        cmd.addAll(List.of(args));
        Files.createDirectories(logs);
        Path out = logs.resolve("stdout.txt");
        Path err = logs.resolve("stderr.txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        return new CliProcess(pb.start(), out, err);
    }

    long pid() {
        return process.pid();
    }

    /** Sends {@code signal} (TERM, INT, KILL) to the process by its PID. */
    void signal(String signal) throws IOException, InterruptedException {
        int rc = new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).inheritIO().start().waitFor();
        if (rc != 0) throw new IllegalStateException("kill -" + signal + " " + pid() + " failed: " + rc);
    }

    /** Waits until stdout has a line containing {@code text}; false on timeout or exit. */
    boolean awaitStdout(String text, long seconds) throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            if (Files.readString(stdout).contains(text)) return true;
            if (!process.isAlive()) return Files.readString(stdout).contains(text);
            Thread.sleep(100);
        }
        return false;
    }

    /** The exit code, killing the process (by PID) if it has not exited within {@code seconds}. */
    int exitCode(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
            throw new AssertionError("the CLI did not exit within " + seconds + " s");
        }
        return process.exitValue();
    }

    String err() throws IOException {
        return Files.readString(stderr);
    }

    String out() throws IOException {
        return Files.readString(stdout);
    }

    /** Kills the process if a test left it running. */
    void destroy() {
        if (process.isAlive()) process.destroyForcibly();
    }
}
