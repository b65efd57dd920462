package dev.steepest.spark.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.spark.InputError;
import dev.steepest.spark.checkpoint.CheckpointStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Run outputs and checkpoints on Hadoop FileSystems other than a plain path: {@code file://}, Hadoop's
 * {@code RawLocalFileSystem}, and {@link FaultyFileSystem} as an atomic-rename FileSystem and as an object store
 * (renames that copy, so the commit writes a manifest last), killed at every operation of the commit; and a full
 * disk at the commit.
 */
class HadoopOutputsTest {
    @TempDir
    Path tmp;

    @AfterEach
    void resetFaults() {
        FaultyFileSystem.reset();
    }

    /** A FaultyFileSystem under {@code scheme}: an object store, or one whose renames are declared atomic. */
    private static Configuration faulty(String scheme, boolean objectStore) {
        Configuration c = FaultyFileSystem.register(new Configuration(), scheme);
        c.setBoolean("steepest.test.object-store", objectStore);
        if (!objectStore) c.setBoolean("steepest.fs." + scheme + ".atomic-rename", true);
        return c;
    }

    private static String uri(String scheme, Path p) {
        return scheme + "://" + p.toAbsolutePath();
    }

    private static void write(RunDirectory d, String which) throws IOException {
        Files.writeString(d.file("model.json"), which + " model, with a few more bytes than the other one: " + which);
        Files.writeString(d.file("summary.json"), which + " summary");
        Files.writeString(d.file("metrics.jsonl"), (which + " line\n").repeat(20));
        Path nested = Files.createDirectories(d.file("spark-model").resolve("data"));
        Files.writeString(nested.resolve("model.json"), which + " nested");
    }

    /** Every file under {@code dir} (relative path to contents), without the manifest and Hadoop's .crc files. */
    private static Map<String, String> contents(Path dir) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String rel = dir.relativize(p).toString();
                boolean checksum = p.getFileName().toString().startsWith(".") && rel.endsWith(".crc"); // Hadoop's
                if (!rel.equals(RunDirectory.MANIFEST) && !checksum) m.put(rel, Files.readString(p));
            }
        }
        return m;
    }

    private Map<String, String> expected(String which) throws IOException {
        Path p = Files.createDirectories(tmp.resolve("expected-" + which));
        RunDirectory d = RunDirectory.open(p.resolve("x"), true);
        write(d, which);
        d.commit();
        return contents(p.resolve("x"));
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private void commitsAndReplaces(String target, Path local, Configuration conf) throws IOException {
        RunDirectory first = RunDirectory.open(target, false, conf);
        write(first, "old");
        first.commit();
        first.abort();
        assertEquals(expected("old"), contents(local));
        assertThrows(InputError.class, () -> RunDirectory.check(target, false, conf), "an existing output, no --overwrite");
        RunDirectory second = RunDirectory.open(target, true, conf);
        write(second, "new");
        second.commit();
        second.abort();
        assertEquals(expected("new"), contents(local));
        assertEquals(List.of("out"), names(local.getParent()), "nothing but the output is left beside it");
        assertFalse(Files.exists(second.file("")), "the local staging directory is removed");
        RunDirectory.requireComplete(target, conf, "--model");
    }

    @Test
    void aRunDirectoryCommitsThroughAFileUriAndReplacesThePreviousOutputLeavingNothingElse() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("runs")).resolve("out");
        commitsAndReplaces(uri("file", out), out, new Configuration());
        assertFalse(Files.exists(out.resolve(RunDirectory.MANIFEST)), "file:// renames atomically: no manifest");
    }

    @Test
    void aRunDirectoryCommitsThroughHadoopsRawLocalFileSystem() throws IOException {
        Configuration conf = new Configuration();
        conf.set("fs.file.impl", org.apache.hadoop.fs.RawLocalFileSystem.class.getName());
        conf.setBoolean("fs.file.impl.disable.cache", true);
        assertTrue(Storage.of("file:///x", conf) instanceof Storage.Hadoop);
        Path out = Files.createDirectories(tmp.resolve("runs")).resolve("out");
        commitsAndReplaces(uri("file", out), out, conf);
    }

    @Test
    void onAnObjectStoreTheManifestIsWrittenLastAndReadersRefuseADirectoryWithoutIt() throws IOException {
        Configuration conf = faulty("objfs", true);
        Path out = Files.createDirectories(tmp.resolve("runs")).resolve("out");
        String target = uri("objfs", out);
        commitsAndReplaces(target, out, conf);
        String manifest = Files.readString(out.resolve(RunDirectory.MANIFEST));
        for (String f : List.of("model.json", "summary.json", "metrics.jsonl", "spark-model/data/model.json")) {
            assertTrue(manifest.contains("\"" + f + "\""), manifest);
        }
        Files.delete(out.resolve(RunDirectory.MANIFEST));
        InputError e = assertThrows(InputError.class, () -> RunDirectory.requireComplete(target, conf, "--model"));
        assertTrue(e.getMessage().contains(target) && e.getMessage().contains("unfinished"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    @Test
    void theCommitRuleIsChosenByTheSchemeAndAConfigKeyForcesItForOne() throws IOException {
        assertTrue(Storage.of("file:///x", new Configuration()).atomicRename());
        assertTrue(Storage.of("/x", new Configuration()).atomicRename());
        for (String s : List.of("s3a", "s3", "gs", "abfs", "abfss", "wasb", "oss")) {
            assertFalse(Storage.ATOMIC_RENAME.contains(s), s);
        }
        assertTrue(Storage.ATOMIC_RENAME.contains("hdfs"));
        Configuration conf = FaultyFileSystem.register(new Configuration(), "crashfs");
        assertFalse(Storage.of("crashfs:///x", conf).atomicRename(), "a scheme steepest does not know: manifest");
        conf.setBoolean("steepest.fs.crashfs.atomic-rename", true);
        assertTrue(Storage.of("crashfs:///x", conf).atomicRename());
        Configuration file = new Configuration();
        file.setBoolean("steepest.fs.file.atomic-rename", false);
        assertFalse(Storage.of("file:///x", file).atomicRename());
    }

    /**
     * The commit killed at its N-th operation that changes the disk, for every N until it completes: the next
     * reader finds the previous or the new complete output, or (before recovery) refuses the directory in one
     * line — never a partial one — and the next run's check restores a complete one.
     */
    private void crashAtEveryStep(String scheme, boolean objectStore, boolean previous) throws IOException {
        Configuration conf = faulty(scheme, objectStore);
        Map<String, String> oldOutput = expected("old");
        Map<String, String> newOutput = expected("new");
        Set<String> seen = new HashSet<>();
        int n = 1;
        for (; n < 500; n++) {
            Path out = Files.createDirectories(tmp.resolve(scheme + "-" + previous + "-" + n)).resolve("out");
            String target = uri(scheme, out);
            FaultyFileSystem.reset();
            if (previous) {
                RunDirectory first = RunDirectory.open(target, false, conf);
                write(first, "old");
                first.commit();
            }
            RunDirectory d = RunDirectory.open(target, true, conf);
            write(d, "new");
            FaultyFileSystem.reset();
            FaultyFileSystem.crashAt = n;
            boolean finished;
            try {
                d.commit();
                finished = !FaultyFileSystem.crashed();
            } catch (OutputFailure e) {
                assertTrue(FaultyFileSystem.crashed(), e.toString());
                finished = false;
                if (e.kept() != null) new Storage.Local().delete(e.kept());
            }
            FaultyFileSystem.reset();
            if (finished) {
                assertEquals(newOutput, contents(out));
                break;
            }
            // a reader (predict, resume, init-from) before any recovery
            try {
                RunDirectory.requireComplete(target, conf, "--model");
                if (Files.exists(out) && !contents(out).isEmpty()) { // an empty directory has no model to read
                    Map<String, String> c = contents(out);
                    assertTrue(c.equals(oldOutput) || c.equals(newOutput), "crash at " + n + ": a partial output " + c);
                } else {
                    assertFalse(previous, "crash at " + n + ": the previous output is gone without a word");
                }
            } catch (InputError refused) {
                assertTrue(refused.getMessage().contains("unfinished") && !refused.getMessage().contains("\n"),
                        refused.getMessage());
            }
            // the next run with the same --out recovers first
            RunDirectory.check(target, true, conf);
            if (previous) {
                RunDirectory.requireComplete(target, conf, "--model");
                Map<String, String> c = contents(out);
                assertTrue(c.equals(oldOutput) || c.equals(newOutput), "crash at " + n + ": after recovery " + c);
                seen.add(c.equals(oldOutput) ? "old" : "new");
                for (String s : names(out.getParent())) {
                    assertFalse(s.startsWith(".out.old-"), "crash at " + n + ": a replaced copy is left: " + s);
                }
            } else if (Files.exists(out) && !contents(out).isEmpty()) {
                try {
                    RunDirectory.requireComplete(target, conf, "--model");
                    assertEquals(newOutput, contents(out), "crash at " + n);
                    seen.add("new");
                } catch (InputError refused) {
                    assertTrue(objectStore, "crash at " + n + ": " + refused.getMessage());
                    seen.add("refused");
                }
            } else {
                seen.add("none");
            }
        }
        assertTrue(n > 8 && n < 500, "the commit took " + n + " operations");
        if (previous) assertEquals(Set.of("old", "new"), seen, "crashes before and after the switch");
    }

    @Test
    void aCommitKilledAtAnyStepWhereRenamesAreAtomicLeavesThePreviousOrTheNewOutput() throws IOException {
        crashAtEveryStep("crashfs", false, true);
        crashAtEveryStep("crashfs", false, false);
    }

    @Test
    void aCommitKilledAtAnyStepOnAnObjectStoreLeavesThePreviousOrTheNewOutput() throws IOException {
        crashAtEveryStep("objfs", true, true);
        crashAtEveryStep("objfs", true, false);
    }

    @Test
    void aFullDiskAtTheCommitNamesThePathKeepsTheModelAndLeavesThePreviousOutput() throws IOException {
        Configuration conf = FaultyFileSystem.register(new Configuration(), "fullfs");
        Path out = Files.createDirectories(tmp.resolve("runs")).resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("model.json"), "the user's previous model");
        conf.setLong("steepest.test.space-left", 40);
        String target = uri("fullfs", out);
        RunDirectory d = RunDirectory.open(target, true, conf);
        write(d, "new");
        OutputFailure e = assertThrows(OutputFailure.class, d::commit);
        d.abort();
        String m = e.getMessage();
        assertTrue(m.contains("No space left on device") && m.contains("fullfs:" + out.toAbsolutePath())
                && m.contains(e.kept()) && m.contains("was not changed"), m);
        assertFalse(m.contains("\n"), "one line");
        assertNotNull(e.kept());
        Path kept = Path.of(e.kept());
        assertEquals(expected("new"), contents(kept), "the outputs are kept whole");
        assertEquals(Map.of("model.json", "the user's previous model"), contents(out), "the previous output is as it was");
        assertEquals(List.of("out"), names(out.getParent()), "no partial temporary directory is left");
        new Storage.Local().delete(kept.toString());
    }

    private static Map<String, byte[]> checkpoint(String which) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("state.json", ("{\"which\": \"" + which + "\"}").getBytes(StandardCharsets.UTF_8));
        m.put("params.bin", ("parameters of " + which).repeat(10).getBytes(StandardCharsets.UTF_8));
        return m;
    }

    private static void assertSameFiles(Map<String, byte[]> a, Map<String, byte[]> b) {
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) assertEquals(new String(a.get(k)), new String(b.get(k)), k);
    }

    @Test
    void checkpointsAreWrittenAndReadBackThroughAFileUriAndRawLocalFileSystem() throws IOException {
        Configuration raw = new Configuration();
        raw.set("fs.file.impl", org.apache.hadoop.fs.RawLocalFileSystem.class.getName());
        raw.setBoolean("fs.file.impl.disable.cache", true);
        for (Configuration conf : List.of(new Configuration(), raw)) {
            Path dir = Files.createTempDirectory(tmp, "ck");
            CheckpointStore store = CheckpointStore.at(uri("file", dir), conf);
            store.write(7, checkpoint("seven"));
            String newest = store.write(12, checkpoint("twelve"));
            assertEquals(newest, store.complete().get(0));
            assertSameFiles(checkpoint("twelve"), store.read(newest));
            store.prune(1);
            assertEquals(1, store.complete().size());
        }
    }

    @Test
    void aCheckpointKilledAtAnyStepOnAnObjectStoreLeavesTheNewestCompleteOneReadable() throws IOException {
        Configuration conf = faulty("objfs", true);
        int n = 1;
        for (; n < 100; n++) {
            Path dir = Files.createTempDirectory(tmp, "ck");
            FaultyFileSystem.reset();
            CheckpointStore store = CheckpointStore.at(uri("objfs", dir), conf);
            store.write(7, checkpoint("seven"));
            FaultyFileSystem.crashAt = n;
            boolean finished;
            try {
                store.write(12, checkpoint("twelve"));
                finished = !FaultyFileSystem.crashed();
            } catch (IOException e) {
                finished = false;
            }
            FaultyFileSystem.reset();
            CheckpointStore reader = CheckpointStore.at(uri("objfs", dir), conf);
            String newest = reader.complete().get(0);
            Map<String, byte[]> files = reader.read(newest);
            if (files == null) { // a torn newest one: the resume takes the one before (Resumption.locate)
                files = reader.read(reader.complete().get(1));
                assertSameFiles(checkpoint("seven"), files);
            } else {
                assertSameFiles(newest.endsWith("12") ? checkpoint("twelve") : checkpoint("seven"), files);
            }
            if (finished) break;
        }
        assertTrue(n > 3 && n < 100, "the checkpoint took " + n + " operations");
    }
}
