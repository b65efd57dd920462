package dev.steepest.spark.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steepest.spark.output.Storage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.apache.hadoop.conf.Configuration;

/**
 * A directory of checkpoints on any Hadoop FileSystem ({@code file://}, {@code hdfs://}, {@code s3a://} ...) or a
 * plain local path: each checkpoint is a sub-directory {@code step-NNNNNNNNNNNN} whose files are written first and
 * whose {@value #MANIFEST} — every file's name, size and CRC32C — is written last. A checkpoint without a manifest,
 * or whose files do not match it, is incomplete (a kill while writing) and is never read, so no rename is needed
 * and the rule holds where renames are not atomic (S3). {@link #prune} keeps the newest complete ones.
 *
 * <p>A plain path (no scheme) is written with java.nio: Hadoop's local FileSystem forks a {@code chmod} per file
 * and directory where its native library is missing, which made a checkpoint of a few KiB take 200-300 ms here;
 * through java.nio it takes about a millisecond. A URI goes through its Hadoop FileSystem.
 */
public final class CheckpointStore {
    static final String MANIFEST = "MANIFEST.json";
    private static final String PREFIX = "step-";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Storage fs;
    private final String dir;

    private CheckpointStore(Storage fs, String dir) {
        this.fs = fs;
        this.dir = dir;
    }

    public static CheckpointStore at(String location, Configuration conf) {
        try {
            Storage s = Storage.of(location, conf);
            return new CheckpointStore(s, s.qualify(location));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open checkpoint directory " + location + ": " + e.getMessage(), e);
        }
    }

    public String uri() {
        return dir;
    }

    /** Writes checkpoint {@code iteration} with these files (name to bytes), the manifest last; returns its path. */
    public String write(long iteration, Map<String, byte[]> files) throws IOException {
        String c = fs.child(dir, String.format("%s%012d", PREFIX, iteration));
        if (fs.exists(c)) fs.delete(c); // an incomplete earlier try at the same step
        fs.mkdirs(c);
        Map<String, Object> manifest = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            fs.write(fs.child(c, f.getKey()), f.getValue());
            manifest.put(f.getKey(), Map.of("bytes", f.getValue().length, "crc32c", crc(f.getValue())));
        }
        fs.write(fs.child(c, MANIFEST), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(Map.of("files", manifest)));
        return c;
    }

    /** The complete checkpoints, newest first (by step). */
    public List<String> complete() throws IOException {
        List<String> steps = new ArrayList<>();
        for (String name : fs.list(dir)) {
            String c = fs.child(dir, name);
            if (name.startsWith(PREFIX) && fs.exists(fs.child(c, MANIFEST))) steps.add(c);
        }
        steps.sort(Comparator.reverseOrder());
        return steps;
    }

    /** The files of checkpoint {@code path}, checked against its manifest; null when it is incomplete. */
    public Map<String, byte[]> read(String path) throws IOException {
        Map<?, ?> manifest;
        try {
            manifest = (Map<?, ?>) JSON.readValue(fs.read(fs.child(path, MANIFEST)), Map.class).get("files");
        } catch (IOException | RuntimeException e) {
            return null;
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : manifest.entrySet()) {
            String f = fs.child(path, (String) e.getKey());
            if (!fs.exists(f)) return null;
            byte[] bytes;
            try {
                bytes = fs.read(f);
            } catch (IOException unreadable) { // e.g. Hadoop's own checksum caught a torn or flipped file
                return null;
            }
            Map<?, ?> want = (Map<?, ?>) e.getValue();
            if (((Number) want.get("bytes")).longValue() != bytes.length
                    || ((Number) want.get("crc32c")).longValue() != crc(bytes)) {
                return null;
            }
            files.put((String) e.getKey(), bytes);
        }
        return files;
    }

    /**
     * Deletes all but the newest {@code keep} complete checkpoints, and incomplete ones (killed writes) older than
     * the newest complete one.
     */
    public void prune(int keep) throws IOException {
        List<String> done = complete();
        for (int i = keep; i < done.size(); i++) fs.delete(done.get(i));
        if (done.isEmpty()) return;
        String newest = done.get(0);
        for (String name : fs.list(dir)) {
            String c = fs.child(dir, name);
            if (name.startsWith(PREFIX) && c.compareTo(newest) < 0 && !fs.exists(fs.child(c, MANIFEST))) {
                fs.delete(c);
            }
        }
    }

    /** Moves this directory to {@code target} (a run's commit takes its checkpoints along); false if it cannot. */
    public boolean moveTo(String target) throws IOException {
        if (!fs.exists(dir)) return false;
        String t = fs.qualify(target);
        if (fs.exists(t)) fs.delete(t);
        return fs.rename(dir, t);
    }

    /** Whether this directory holds a complete checkpoint. */
    public boolean exists() throws IOException {
        return !complete().isEmpty();
    }

    public void delete() throws IOException {
        if (fs.exists(dir)) fs.delete(dir);
    }

    static long crc(byte[] bytes) {
        CRC32C c = new CRC32C();
        c.update(bytes);
        return c.getValue();
    }
}
