package dev.steepest.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steepest.spark.SparkTestSupport;
import dev.steepest.spark.SparkTestSupport.CliRun;
import dev.steepest.spark.output.FaultyFileSystem;
import dev.steepest.spark.output.RunDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --out} as a Hadoop URI through the CLI: a run to {@code file:///...} writes, resumes and scores there; a run
 * to an object store (a FaultyFileSystem registered with {@code spark.hadoop.fs.SCHEME.impl}) commits with a
 * manifest and predict refuses it without one; a full disk at the commit exits 4 naming the path and where the
 * model was kept, and the previous output is untouched.
 */
class HadoopOutputsCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @AfterEach
    void resetFaults() {
        FaultyFileSystem.reset();
    }

    private static CliRun cli(List<String> args) {
        return SparkTestSupport.cli(args);
    }

    private Path config() throws IOException {
        Path c = tmp.resolve("logistic.conf");
        if (!Files.exists(c)) {
            Files.writeString(c, String.join("\n",
                    "data.train = \"" + SparkTestSupport.sample("logistic.csv") + "\"",
                    "data.test = \"" + SparkTestSupport.sample("logistic-test.csv") + "\"",
                    "data.label = label", "model.type = logistic", "train.seed = 42", "train.batch-size = 16",
                    "train.tolerance.loss-change = null", "train.progress-seconds = 1000",
                    "spark.master = \"local[2]\"", "spark.ui.enabled = false", ""));
        }
        return c;
    }

    private List<String> train(String out, int epochs, String... more) throws IOException {
        List<String> a = new ArrayList<>(List.of("train", "--config", config().toString(), "--out", out,
                "--set", "train.epochs=" + epochs));
        a.addAll(List.of(more));
        return a;
    }

    /** The settings that put a FaultyFileSystem under {@code scheme}. */
    private static List<String> faulty(String scheme, String... hadoop) {
        List<String> a = new ArrayList<>(List.of("--set", "spark.hadoop.fs." + scheme + ".impl="
                + FaultyFileSystem.class.getName(), "--set", "spark.hadoop.fs." + scheme + ".impl.disable.cache=true"));
        for (String h : hadoop) a.addAll(List.of("--set", "spark.hadoop." + h));
        return a;
    }

    private static String[] concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all.toArray(new String[0]);
    }

    private static JsonNode parameters(Path run) throws IOException {
        ObjectNode m = (ObjectNode) JSON.readTree(run.resolve("model.json").toFile());
        m.remove("config");
        return m;
    }

    @Test
    void aRunWithOutAsAFileUriWritesResumesAndScoresThere() throws Exception {
        Path full = tmp.resolve("full");
        CliRun r = cli(train("file://" + full, 2, "--set", "train.checkpoint.every=20 steps",
                "--set", "train.checkpoint.keep=100"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("outputs: file:" + full), r.out());
        for (String f : List.of("model.json", "summary.json", "metrics.jsonl", "spark-model/data/model.json",
                "spark-model/metadata/part-00000")) {
            assertTrue(Files.isRegularFile(full.resolve(f)), f);
        }
        List<Path> checkpoints;
        try (Stream<Path> s = Files.list(full.resolve("checkpoints"))) {
            checkpoints = s.filter(p -> p.getFileName().toString().startsWith("step-")).sorted().toList();
        }
        assertTrue(checkpoints.size() >= 3, checkpoints.toString());
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of("full", "logistic.conf"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        // resumed through the URI from a checkpoint in the middle: the same model as the uninterrupted run
        Path middle = checkpoints.get(checkpoints.size() / 2);
        Path resumed = tmp.resolve("resumed");
        CliRun rr = cli(List.of("train", "--resume", "file://" + middle, "--out", "file://" + resumed));
        assertEquals(0, rr.code(), rr.err());
        assertTrue(rr.out().contains("resuming from "), rr.out());
        assertEquals(parameters(full), parameters(resumed));
        // scored through the URI
        Path evaluation = tmp.resolve("evaluation.json");
        CliRun e = cli(List.of("evaluate", "--model", "file://" + full, "--data",
                SparkTestSupport.sample("logistic-test.csv"), "--out", evaluation.toString()));
        assertEquals(0, e.code(), e.err());
        assertTrue(Files.isRegularFile(evaluation));
    }

    @Test
    void aRunToAnObjectStoreCommitsWithAManifestAndScoringRefusesItWithoutOne() throws Exception {
        Path out = tmp.resolve("store").resolve("run");
        String uri = "objfs://" + out;
        List<String> fs = faulty("objfs", "steepest.test.object-store=true");
        CliRun r = cli(List.of(concat(train(uri, 1), fs)));
        assertEquals(0, r.code(), r.err());
        String manifest = Files.readString(out.resolve(RunDirectory.MANIFEST));
        for (String f : List.of("model.json", "summary.json", "metrics.jsonl", "spark-model/data/model.json")) {
            assertTrue(manifest.contains("\"" + f + "\""), manifest);
        }
        List<String> evaluate = List.of("evaluate", "--model", uri, "--data",
                SparkTestSupport.sample("logistic-test.csv"), "--out", tmp.resolve("evaluation.json").toString());
        CliRun e = cli(List.of(concat(evaluate, fs)));
        assertEquals(0, e.code(), e.err());
        Files.delete(out.resolve(RunDirectory.MANIFEST));
        CliRun refused = cli(List.of(concat(evaluate, fs)));
        assertEquals(ExitCode.INPUT, refused.code(), refused.err());
        assertEquals(1, refused.err().strip().lines().count(), refused.err());
        assertTrue(refused.err().contains(uri) && refused.err().contains("unfinished"), refused.err());
    }

    @Test
    void aFullDiskAtTheCommitExitsWithFourNamingThePathAndWhereTheModelIsKept() throws Exception {
        Path out = tmp.resolve("run");
        CliRun first = cli(train(out.toString(), 1));
        assertEquals(0, first.code(), first.err());
        byte[] previous = Files.readAllBytes(out.resolve("model.json"));
        CliRun full = cli(List.of(concat(train("fullfs://" + out, 2, "--overwrite"),
                faulty("fullfs", "steepest.test.space-left=2000"))));
        assertEquals(ExitCode.OUTPUT, full.code(), full.err());
        String line = full.err().strip();
        assertEquals(1, line.lines().count(), full.err());
        assertTrue(line.contains("No space left on device") && line.contains("fullfs:" + out)
                && line.contains("cannot write fullfs:" + tmp + "/.run.tmp-"), line);
        String kept = line.substring(line.indexOf("kept in ") + "kept in ".length()).strip();
        JsonNode model = JSON.readTree(Path.of(kept, "model.json").toFile());
        assertEquals("logistic", model.path("config").path("model.type").asText(), model.toString());
        assertFalse(JSON.readTree(previous).equals(model), "the kept model is the new run's");
        assertTrue(java.util.Arrays.equals(previous, Files.readAllBytes(out.resolve("model.json"))),
                "the previous output is untouched");
        try (Stream<Path> s = Files.list(tmp)) { // the run's checkpoints stay, for a resume, as after any failure
            assertEquals(List.of("logistic.conf", "run"), s.map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals(".run.checkpoints")).sorted().toList(), "no partial output is left");
        }
        System.out.println("full disk: " + line);
        new dev.steepest.spark.output.Storage.Local().delete(kept);
    }
}
