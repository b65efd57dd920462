package dev.steepest.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steepest.spark.SparkTestSupport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints and {@code steepest train --resume}: a run resumed from any checkpoint — one written every few
 * steps, one written on SIGTERM, the newest one after a SIGKILL of the driver — ends with the bit-identical model
 * of the uninterrupted run, and its metrics.jsonl holds every step exactly once, as that run's does. A resume that
 * would not be the same run (another setting, other data) is refused with one line.
 */
class CheckpointResumeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Adam with warmup, a cosine schedule, Polyak averaging and per-epoch validation: state in every part. */
    private static final List<String> SETTINGS = List.of("--set", "optimizer.name=adam", "--set", "optimizer.lr=0.02",
            "--set", "train.batch-size=16", "--set", "train.warmup-epochs=0.5", "--set", "schedule.name=cosine",
            "--set", "train.averaging=polyak", "--set", "train.averaging-start-epoch=1",
            "--set", "data.validation-fraction=0.2", "--set", "train.tolerance.loss-change=null",
            "--set", "train.progress-seconds=1000");

    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {
    }

    private static Run cli(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args.toArray(new String[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** conf/logistic-csv.conf with absolute data paths (the in-process runs' working directory is spark-job/). */
    private Path config() throws IOException {
        Path c = tmp.resolve("logistic.conf");
        if (!Files.exists(c)) {
            Files.writeString(c, String.join("\n",
                    "data.train = \"" + SparkTestSupport.sample("logistic.csv") + "\"",
                    "data.test = \"" + SparkTestSupport.sample("logistic-test.csv") + "\"",
                    "data.label = label", "model.type = logistic", "train.seed = 42",
                    "spark.master = \"local[2]\"", ""));
        }
        return c;
    }

    private List<String> train(Path out, int epochs, String every, String... more) throws IOException {
        List<String> a = new ArrayList<>(List.of("train", "--config", config().toString(), "--out", out.toString(),
                "--set", "train.epochs=" + epochs, "--set", "train.checkpoint.every=" + every,
                "--set", "train.checkpoint.keep=1000"));
        a.addAll(SETTINGS);
        a.addAll(List.of(more));
        return a;
    }

    private static List<String> resume(Path from, Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--resume", from.toString(), "--out", out.toString()));
        a.addAll(List.of(more));
        return a;
    }

    /** model.json's parameters (bit for bit as JSON prints doubles), without the config that names the paths. */
    private static JsonNode parameters(Path run) throws IOException {
        ObjectNode m = (ObjectNode) JSON.readTree(run.resolve("model.json").toFile());
        m.remove("config");
        return m;
    }

    /** metrics.jsonl without the wall-clock fields. */
    private static List<JsonNode> metrics(Path run) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            ObjectNode n = (ObjectNode) JSON.readTree(line);
            n.remove("elapsed_seconds");
            out.add(n);
        }
        return out;
    }

    private static List<Path> checkpoints(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.exists(p.resolve("MANIFEST.json"))).sorted().toList();
        }
    }

    /** metrics.jsonl continues without gaps or repeats: line by line (a failure names the first that differs). */
    private static void assertSameLines(List<JsonNode> expected, List<JsonNode> actual) {
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            assertEquals(expected.get(i), actual.get(i), "metrics.jsonl line " + (i + 1));
        }
        assertEquals(expected.size(), actual.size(), "metrics.jsonl lines");
    }

    private static void assertSameRun(Path expected, Path resumed, long after) throws IOException {
        assertEquals(parameters(expected), parameters(resumed), "the resumed run's model");
        assertSameLines(metrics(expected), metrics(resumed));
        JsonNode a = JSON.readTree(expected.resolve("summary.json").toFile());
        JsonNode b = JSON.readTree(resumed.resolve("summary.json").toFile());
        assertEquals(a.get("iterations"), b.get("iterations"));
        assertEquals(a.get("stop_reason"), b.get("stop_reason"));
        assertEquals(a.get("final_train_loss"), b.get("final_train_loss"));
        assertEquals(a.get("test"), b.get("test"));
        assertEquals(after, b.get("checkpoints").get("resumed_after_step").asLong(), b.toString());
    }

    @Test
    void aRunResumedFromAnyOfItsCheckpointsEndsWithTheModelAndTheMetricsOfTheUninterruptedRun() throws Exception {
        Path full = tmp.resolve("full");
        Run r = cli(train(full, 3, "7 steps"));
        assertEquals(0, r.code(), r.err());
        List<Path> all = checkpoints(full.resolve("checkpoints"));
        assertTrue(all.size() >= 10, "a checkpoint every 7 steps of 300 and one at the end: " + all);
        assertFalse(Files.exists(tmp.resolve(".full.checkpoints")), "the checkpoints moved into the run's output");
        JsonNode summary = JSON.readTree(full.resolve("summary.json").toFile());
        assertEquals(all.size(), summary.get("checkpoints").get("written").asInt(), summary.toString());
        assertEquals(full.resolve("checkpoints").toAbsolutePath().toString(),
                summary.get("checkpoints").get("directory").asText());
        // an early one, one in the middle of an epoch and the last one before the end
        for (Path c : List.of(all.get(0), all.get(all.size() / 2), all.get(all.size() - 2))) {
            long step = Long.parseLong(c.getFileName().toString().substring(5));
            Path resumed = tmp.resolve("resumed-" + step);
            Run rr = cli(resume(c, resumed));
            assertEquals(0, rr.code(), rr.err());
            assertTrue(rr.out().contains("resuming from ") && rr.out().contains(c.getFileName() + " after step " + step),
                    rr.out());
            assertSameRun(full, resumed, step);
        }
    }

    @Test
    void aResumedRunCanGoOnForMoreEpochsAsIfItHadBeenLongerFromTheStart() throws Exception {
        // the cosine schedule spans the run unless its length is fixed: a longer resume needs it fixed
        Path cosine = tmp.resolve("cosine");
        assertEquals(0, cli(train(cosine, 1, "none")).code());
        Run refused = cli(resume(cosine, cosine, "--set", "train.epochs=2"));
        assertEquals(2, refused.code(), refused.err());
        assertTrue(refused.err().contains("train.epochs changed: 1 in the checkpoint, 2 now, but the cosine schedule "
                + "spans the run's length"), refused.err());

        Path longer = tmp.resolve("longer");
        assertEquals(0, cli(train(longer, 3, "none", "--set", "schedule.total-epochs=3")).code());
        Path shorter = tmp.resolve("shorter");
        assertEquals(0, cli(train(shorter, 2, "none", "--set", "schedule.total-epochs=3")).code());
        Run r = cli(resume(shorter, shorter, "--set", "train.epochs=3"));
        assertEquals(0, r.code(), r.err());
        assertEquals(parameters(longer), parameters(shorter));
        assertSameLines(metrics(longer), metrics(shorter));
    }

    @Test
    void aDriverKilledWithSigkillResumesFromItsNewestCheckpointToTheUninterruptedModel() throws Exception {
        Path expected = tmp.resolve("expected");
        assertEquals(0, cli(train(expected, 12, "none")).code());
        Path out = tmp.resolve("killed");
        CliProcess p = CliProcess.start(tmp.resolve("logs-kill"), train(out, 12, "5 steps").toArray(new String[0]));
        Path live = tmp.resolve(".killed.checkpoints");
        try {
            assertTrue(p.awaitStdout("training logistic", 240), p.out() + p.err());
            long end = System.nanoTime() + 120_000_000_000L;
            while (checkpoints(live).size() < 3 && p.process.isAlive() && System.nanoTime() < end) Thread.sleep(20);
            assertTrue(p.process.isAlive(), "the run ended before it could be killed: " + p.out());
            p.signal("KILL");
            p.process.waitFor();
        } finally {
            p.destroy();
        }
        assertFalse(Files.exists(out), "a killed run commits nothing");
        Run fresh = cli(train(out, 12, "5 steps"));
        assertEquals(2, fresh.code(), fresh.err());
        assertTrue(fresh.err().contains("holds the checkpoints of an interrupted run: resume it with 'steepest train "
                + "--resume " + out + "'"), fresh.err());
        assertEquals(1, fresh.err().strip().lines().count(), fresh.err());

        Run r = cli(List.of("train", "--resume", out.toString()));
        assertEquals(0, r.code(), r.err());
        long after = JSON.readTree(out.resolve("summary.json").toFile()).get("checkpoints").get("resumed_after_step")
                .asLong();
        assertTrue(after >= 15, "resumed from the newest checkpoint: " + after);
        assertSameRun(expected, out, after);
        assertFalse(Files.exists(live), "the checkpoints moved into the run's output");
    }

    @Test
    void aSigtermWritesACheckpointSaysHowToGoOnAndTheResumedRunEndsWithTheUninterruptedModel() throws Exception {
        Path expected = tmp.resolve("expected");
        assertEquals(0, cli(train(expected, 100, "none")).code());
        Path out = tmp.resolve("stopped");
        CliProcess p = CliProcess.start(tmp.resolve("logs-term"), train(out, 100, "none").toArray(new String[0]));
        try {
            assertTrue(p.awaitStdout("training logistic", 240), p.out() + p.err());
            Thread.sleep(1500);
            p.signal("TERM");
            assertEquals(ExitCode.SIGTERM, p.exitCode(60), p.err());
        } finally {
            p.destroy();
        }
        assertTrue(p.err().contains("go on with: steepest train --resume " + out), p.err());
        JsonNode stopped = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals("sigterm", stopped.get("stop_reason").asText());
        long at = stopped.get("iterations").asLong();
        List<Path> saved = checkpoints(out.resolve("checkpoints"));
        assertEquals(1, saved.size(), "with every = none, the one checkpoint is the signal's: " + saved);
        assertEquals(String.format("step-%012d", at), saved.get(0).getFileName().toString());

        Run r = cli(List.of("train", "--resume", out.toString()));
        assertEquals(0, r.code(), r.err());
        assertSameRun(expected, out, at);
    }

    @Test
    void aResumeWithAnotherSettingOrOtherDataIsRefusedNamingWhatChanged() throws Exception {
        Path data = tmp.resolve("train.csv");
        Files.copy(Path.of(SparkTestSupport.sample("logistic.csv")), data);
        Path run = tmp.resolve("run");
        assertEquals(0, cli(train(run, 1, "none", "--set", "data.train=" + data)).code());

        Run lr = cli(resume(run, run, "--set", "optimizer.lr=0.5"));
        assertEquals(2, lr.code(), lr.err());
        assertTrue(lr.err().contains("optimizer.lr changed: 0.02 in the checkpoint, 0.5 now"), lr.err());
        assertEquals(1, lr.err().strip().lines().count(), lr.err());

        List<String> lines = new ArrayList<>(Files.readAllLines(data));
        lines.add(lines.get(1));
        Files.write(data, lines);
        Run other = cli(resume(run, run));
        assertEquals(2, other.code(), other.err());
        assertTrue(other.err().contains("the training data changed: "), other.err());
        assertEquals(1, other.err().strip().lines().count(), other.err());

        Run none = cli(List.of("train", "--resume", tmp.resolve("nothing-here").toString()));
        assertEquals(2, none.code(), none.err());
        assertTrue(none.err().contains("--resume: no complete checkpoint in "), none.err());
        assertNotNull(JSON.readTree(run.resolve("model.json").toFile()), "the refused resumes left the run as it was");
    }
}
