package dev.steepest.spark.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint store on a plain path (java.nio) and on a Hadoop FileSystem URI ({@code file://}, Hadoop's
 * LocalFileSystem): a checkpoint is read only when its manifest was written and every file matches it, so a kill at
 * any point of a write leaves the previous checkpoint as the newest complete one.
 */
class CheckpointStoreTest {
    @TempDir
    Path tmp;

    private static Map<String, byte[]> files(int seed) {
        Map<String, byte[]> f = new LinkedHashMap<>();
        f.put("state.json", ("{\"seed\": " + seed + "}").getBytes());
        f.put("state.bin", new byte[] {(byte) seed, 1, 2, 3, 4, 5, 6, 7});
        return f;
    }

    private void writesReadsPrunesAndSkipsIncompleteCheckpoints(String location, Path local) throws Exception {
        CheckpointStore store = CheckpointStore.at(location, new Configuration());
        assertEquals(List.of(), store.complete());
        String first = store.write(10, files(1));
        String second = store.write(20, files(2));
        assertEquals(List.of(second, first), store.complete(), "newest first");
        assertArrayEquals(files(2).get("state.bin"), store.read(second).get("state.bin"));

        // a kill before the manifest: the files are there, the checkpoint is not
        Path step30 = local.resolve("step-000000000030");
        Files.createDirectories(step30);
        Files.write(step30.resolve("state.json"), files(3).get("state.json"));
        assertEquals(second, store.complete().get(0), "a checkpoint without a manifest is not complete");

        // a file that does not match its manifest (a torn write, a flipped bit): not read
        String fourth = store.write(40, files(4));
        Files.write(local.resolve("step-000000000040").resolve("state.bin"), new byte[] {9, 9, 9, 9, 9, 9, 9, 9});
        assertNull(store.read(fourth), "CRC32C mismatch");
        Files.write(local.resolve("step-000000000040").resolve("state.bin"), new byte[] {9});
        assertNull(store.read(fourth), "size mismatch");

        store.prune(2);
        List<String> kept = store.complete();
        assertEquals(2, kept.size(), kept.toString());
        assertTrue(kept.get(0).endsWith("step-000000000040") && kept.get(1).endsWith("step-000000000020"), kept.toString());
        assertTrue(!Files.exists(step30), "an incomplete checkpoint older than the kept ones is removed");
        assertTrue(!Files.exists(local.resolve("step-000000000010")));
    }

    @Test
    void aPlainPathStoreWritesTheManifestLastAndReadsOnlyCompleteCheckpoints() throws Exception {
        Path dir = tmp.resolve("plain");
        writesReadsPrunesAndSkipsIncompleteCheckpoints(dir.toString(), dir);
    }

    @Test
    void aHadoopFileSystemUriStoreKeepsTheSameRules() throws Exception {
        Path dir = tmp.resolve("hadoop");
        writesReadsPrunesAndSkipsIncompleteCheckpoints(dir.toUri().toString(), dir);
    }

    @Test
    void resumeFallsBackToTheNewestCheckpointThatIsComplete() throws Exception {
        Path dir = tmp.resolve("uri");
        CheckpointStore store = CheckpointStore.at(dir.toUri().toString(), new Configuration());
        store.write(5, files(5));
        store.write(6, files(6));
        Files.write(dir.resolve("step-000000000006").resolve("state.bin"), new byte[] {0});
        List<String> complete = store.complete();
        assertEquals(2, complete.size(), "both have manifests");
        assertNull(store.read(complete.get(0)));
        assertEquals(5, store.read(complete.get(1)).get("state.bin")[0]);
        assertTrue(store.moveTo(tmp.resolve("moved").toUri().toString()));
        assertTrue(Files.exists(tmp.resolve("moved").resolve("step-000000000005").resolve("MANIFEST.json")));
        assertTrue(!Files.exists(dir));
    }
}
