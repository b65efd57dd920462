package dev.steepest.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steepest.spark.output.RunDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM and SIGINT sent by PID to the CLI running in its own JVM, as a scheduler or Ctrl-C would. */
class StopSignalsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private CliProcess longRun(Path out, String... more) throws IOException {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--config", "conf/logistic-csv.conf",
                "--set", "train.epochs=100000", "--set", "train.tolerance.loss-change=null", "--out", out.toString()));
        args.addAll(List.of(more));
        return CliProcess.start(tmp.resolve("logs"), args.toArray(new String[0]));
    }

    private List<String> hiddenSiblings() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
        }
    }

    private static void assertNoStackTrace(String err) {
        assertFalse(err.contains("\tat ") || err.contains("Exception"), err);
    }

    private void stopsAfterTheCurrentStep(String signal, int code, CliProcess p, Path out) throws Exception {
        assertTrue(p.awaitStdout("training logistic", 240), p.out() + p.err());
        Thread.sleep(1500); // some steps
        p.signal(signal);
        assertEquals(code, p.exitCode(60), p.err());
        String err = p.err();
        String stopped = "stopped by SIG" + signal + " after step ";
        assertTrue(err.contains("SIG" + signal + " received: stopping after the current step"), err);
        assertTrue(err.contains(stopped), err);
        assertNoStackTrace(err);
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals("sig" + signal.toLowerCase(), summary.get("stop_reason").asText());
        long iterations = summary.get("iterations").asLong();
        assertTrue(iterations > 0 && iterations < 100000L * 32, "stopped early: " + iterations);
        assertTrue(err.contains(stopped + iterations + " "), err);
        List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
        JsonNode lastStep = null;
        for (String l : lines) {
            JsonNode n = JSON.readTree(l);
            if (n.get("kind").asText().equals("step")) lastStep = n;
        }
        assertEquals(iterations, lastStep.get("iteration").asLong(), "metrics.jsonl ends at the last step");
        assertTrue(JSON.readTree(out.resolve("model.json").toFile()).has("coefficients"));
        assertEquals(List.of(), hiddenSiblings(), "no temporary directory left");
    }

    @Test
    void aSigtermEndsTheRunAfterTheCurrentStepWritesTheModelSoFarAndExits143() throws Exception {
        Path out = tmp.resolve("out");
        CliProcess p = longRun(out);
        try {
            stopsAfterTheCurrentStep("TERM", ExitCode.SIGTERM, p, out);
        } finally {
            p.destroy();
        }
    }

    @Test
    void aSigintUnderLocalClusterStopsWithoutStackTracesFromTheExecutors() throws Exception {
        Path out = tmp.resolve("out");
        CliProcess p = longRun(out, "--set", "spark.master=local-cluster[2,1,1024]",
                "--set", "spark.executor.extraClassPath=" + String.join(java.io.File.pathSeparator,
                        dev.steepest.spark.SparkTestSupport.ourMainClassPath()));
        try {
            stopsAfterTheCurrentStep("INT", ExitCode.SIGINT, p, out);
        } finally {
            p.destroy();
        }
    }

    @Test
    void aSecondSignalExitsAtOnceAndTheNextRunRemovesTheHalfWrittenTemporaryDirectory() throws Exception {
        Path out = tmp.resolve("out");
        CliProcess p = longRun(out);
        try {
            assertTrue(p.awaitStdout("training logistic", 240), p.out() + p.err());
            Thread.sleep(500);
            p.signal("INT");
            // the JVM handles signals on its own threads in any order: send the second once the first was seen
            long seen = System.nanoTime() + 30_000_000_000L;
            while (!p.err().contains("SIGINT received") && System.nanoTime() < seen) Thread.sleep(5);
            p.process.destroy(); // SIGTERM right after, from this JVM
            assertEquals(ExitCode.SIGINT, p.exitCode(30), p.err());
            assertTrue(p.err().contains("second signal (SIGTERM): exiting now"), p.err());
            assertNoStackTrace(p.err());
            assertFalse(Files.exists(out), "nothing under the final name");
            // the first signal's checkpoint may have begun before the second arrived: .out.checkpoints is then
            // the state to resume from, and stays; the temporary output directory is garbage
            List<String> temps = hiddenSiblings().stream().filter(n -> n.startsWith(".out.tmp-")).toList();
            assertEquals(1, temps.size(), "the killed run's temporary directory: " + hiddenSiblings());
            List<String> others = hiddenSiblings().stream().filter(n -> !temps.contains(n)).toList();
            assertTrue(others.isEmpty() || others.equals(List.of(".out.checkpoints")), hiddenSiblings().toString());
            RunDirectory.check(out, false); // what the next run with this --out does first
            assertEquals(others, hiddenSiblings(), "a dead run's temporary directory is removed, its checkpoints kept");
        } finally {
            p.destroy();
        }
    }
}
