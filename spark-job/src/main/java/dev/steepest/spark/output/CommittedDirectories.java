package dev.steepest.spark.output;

import dev.steepest.spark.InputError;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;

/**
 * What makes an output directory complete, and the repair of one a killed commit left ({@link RunDirectory} is the
 * commit itself): the {@value RunDirectory#MANIFEST} of a directory where renames are not atomic (written last,
 * checked file by file), copying a directory manifest last, the recovery of {@code .NAME.old-*} siblings after a
 * kill between the commit's steps, and the readers' refusal of an unfinished commit.
 */
final class CommittedDirectories {
    private CommittedDirectories() {
    }

    /** Copies directory {@code from} to {@code to}, {@link RunDirectory#MANIFEST} last (a fresh one if {@code from} has none). */
    static void copyTree(Storage fs, String from, String to) throws IOException {
        List<String> files = fs.files(from);
        boolean hasManifest = files.remove(RunDirectory.MANIFEST);
        files.remove(RunDirectory.OWNER);
        fs.mkdirs(to);
        for (String f : files) fs.copyFile(fs.resolve(from, f), fs.resolve(to, f));
        if (hasManifest) fs.copyFile(fs.child(from, RunDirectory.MANIFEST), fs.child(to, RunDirectory.MANIFEST));
        else writeManifest(fs, to);
    }

    /** Writes {@code dir}'s manifest: every file under it with its size. */
    static void writeManifest(Storage fs, String dir) throws IOException {
        Map<String, Object> files = new LinkedHashMap<>();
        for (String f : fs.files(dir)) {
            if (f.equals(RunDirectory.MANIFEST) || f.equals(RunDirectory.OWNER)) continue;
            files.put(f, Map.of("bytes", fs.length(fs.resolve(dir, f))));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("written_by", "steepest");
        m.put("files", files);
        try (var out = fs.create(fs.child(dir, RunDirectory.MANIFEST))) {
            out.write(Json.bytes(m));
        } catch (IOException e) {
            throw new IOException("cannot write " + fs.child(dir, RunDirectory.MANIFEST) + ": " + e.getMessage(), e);
        }
    }

    /** Whether {@code dir} has a manifest whose files are all there with their sizes. */
    static boolean manifestComplete(Storage fs, String dir) {
        try {
            String m = fs.child(dir, RunDirectory.MANIFEST);
            if (!fs.isFile(m)) return false;
            Map<?, ?> files = (Map<?, ?>) new com.fasterxml.jackson.databind.ObjectMapper()
                    .readValue(fs.read(m), Map.class).get("files");
            if (files == null) return false;
            for (Map.Entry<?, ?> e : files.entrySet()) {
                String f = fs.resolve(dir, (String) e.getKey());
                long want = ((Number) ((Map<?, ?>) e.getValue()).get("bytes")).longValue();
                if (!fs.isFile(f) || fs.length(f) != want) return false;
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static boolean complete(Storage fs, String dir) throws IOException {
        return fs.atomicRename() ? fs.exists(dir) : manifestComplete(fs, dir);
    }

    /** {@link RunDirectory#recover(String, Configuration)} on the qualified {@code abs}. */
    static void recover(Storage fs, String abs) throws IOException {
        String parent = fs.parent(abs);
        if (parent == null || !fs.isDirectory(parent)) return;
        String name = fs.name(abs);
        List<String> siblings = fs.list(parent);
        removeStaleTemps(fs, parent, siblings, "." + name + ".tmp-");
        String prefix = "." + name + ".old-";
        List<String> olds = new ArrayList<>();
        for (String s : siblings) if (s.startsWith(prefix)) olds.add(fs.child(parent, s));
        if (olds.isEmpty()) return;
        // the name is .NAME.old-<millis>-<nanos>: the last by wall-clock time is the newest
        olds.sort(Comparator.comparingLong(o -> millisOf(fs.name(o))));
        if (!complete(fs, abs)) {
            for (int i = olds.size() - 1; i >= 0; i--) {
                String o = olds.get(i);
                if (!complete(fs, o)) continue;
                try {
                    if (fs.atomicRename()) {
                        if (!fs.rename(o, abs)) throw new IOException("rename failed");
                    } else {
                        fs.delete(abs);
                        copyTree(fs, o, abs);
                    }
                } catch (IOException e) {
                    throw new InputError("--out: '" + abs + "' is missing after an interrupted run and its previous "
                            + "contents, in '" + o + "', could not be moved back: " + e.getMessage(), e);
                }
                if (fs.atomicRename()) olds.remove(i); // copied back: the copy is deleted with the others below
                break;
            }
        }
        if (!complete(fs, abs)) return; // never delete what may be the last copy
        for (String o : olds) quietDelete(fs, o);
    }

    /**
     * For readers (resume, predict / evaluate, {@code model.init-from}, report): refuses {@code dir} with one line
     * naming it when its commit is unfinished — missing with a previous output set aside, or, where renames are
     * not atomic, without a complete {@value RunDirectory#MANIFEST}.
     */
    static void requireComplete(String dir, Configuration conf, String what) {
        Storage fs;
        String t;
        try {
            fs = Storage.of(dir, conf);
            t = fs.qualify(dir);
        } catch (IOException | RuntimeException e) {
            return; // the reader reports an unreadable location itself
        }
        try {
            String name = fs.name(t);
            if (name.startsWith(".") && (name.contains(".tmp-") || name.contains(".old-"))) {
                throw new InputError(what + ": '" + dir + "' is a temporary directory of an unfinished commit");
            }
            if (fs.exists(t) && fs.isDirectory(t) && !fs.atomicRename() && !manifestComplete(fs, t)
                    && fs.list(t).stream().anyMatch(OUTPUT_NAMES::contains)) {
                throw new InputError(what + ": '" + dir + "' is not complete: its commit is unfinished (no complete "
                        + RunDirectory.MANIFEST + "; rerun the command that writes it)");
            }
            if (!fs.exists(t) || !complete(fs, t)) {
                String parent = fs.parent(t);
                if (parent == null) return;
                for (String s : fs.list(parent)) {
                    if (s.startsWith("." + name + ".old-")) {
                        throw new InputError(what + ": '" + dir + "' is not complete: its commit is unfinished (the "
                                + "previous output is in " + fs.child(parent, s) + "; any steepest train with --out "
                                + dir + " restores it)");
                    }
                }
            }
        } catch (IOException e) {
            // the reader reports an unreadable location itself
        }
    }

    /** Names that make a directory an output (a run's or a saved model's) rather than, say, of checkpoints. */
    private static final Set<String> OUTPUT_NAMES = Set.of("model.json", "summary.json", "metrics.jsonl",
            "spark-model", "metadata", "data", RunDirectory.MANIFEST);

    /** Deletes the {@code prefix*} siblings under {@code parent} whose writer is gone ({@link TempOwner#isStale}). */
    static void removeStaleTemps(Storage fs, String parent, List<String> siblings, String prefix) {
        for (String s : siblings) {
            if (!s.startsWith(prefix)) continue;
            String t = fs.child(parent, s);
            try {
                String owner = fs.child(t, RunDirectory.OWNER);
                String text = fs.isFile(owner) ? new String(fs.read(owner), java.nio.charset.StandardCharsets.UTF_8)
                        : null;
                if (TempOwner.isStale(text, fs.modified(t))) fs.delete(t);
            } catch (IOException e) {
                // best effort: a leftover hidden directory is harmless
            }
        }
    }

    private static long millisOf(String name) {
        String rest = name.substring(name.lastIndexOf(".old-") + 5);
        try {
            return Long.parseLong(rest.substring(0, rest.indexOf('-')));
        } catch (RuntimeException e) {
            return Long.MIN_VALUE;
        }
    }

    static void quietDelete(Storage fs, String path) {
        try {
            fs.delete(path);
        } catch (IOException | RuntimeException ignored) {
            // best effort: a leftover hidden directory is harmless
        }
    }
}
