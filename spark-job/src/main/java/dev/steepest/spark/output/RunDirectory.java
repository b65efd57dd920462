package dev.steepest.spark.output;

import static dev.steepest.spark.output.OutputFailure.keptLine;
import static dev.steepest.spark.output.OutputFailure.message;
import static dev.steepest.spark.output.OutputFailure.time;

import dev.steepest.spark.InputError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;

/**
 * The output directory of a run, on a plain local path or any Hadoop FileSystem URI ({@link Storage}). Nothing is
 * written under the final name before {@link #commit()}, so an interrupted run never leaves half a model there. An
 * existing non-empty directory is refused unless {@code overwrite}; with it, the old directory is only removed
 * once the new one is in place. A run that fails, diverges before committing or is killed never modifies or
 * deletes a pre-existing output directory: only {@link #commit()} touches the target.
 *
 * <p><b>Where the files are written before the commit.</b> For a plain path, into the hidden temporary sibling
 * {@code .NAME.tmp-*} itself. For a URI, into a local staging directory ({@code java.io.tmpdir}), which the commit
 * uploads to the hidden sibling {@code .NAME.tmp-*} on the target's FileSystem before it touches NAME: a write
 * that fails there (a full disk, a quota) leaves NAME as it was, and the staging directory is kept as
 * {@code steepest-NAME.failed-TIME} and named in the message ({@link OutputFailure}).
 *
 * <p><b>Crash safety of {@code --overwrite} where renames are atomic</b> (local disks, {@code file://}, HDFS).
 * Java (and POSIX {@code rename}) cannot atomically exchange two directories, so {@link #commit()} takes three
 * steps, each an atomic rename or a delete:
 * <ol>
 *   <li>{@link #moveOldAside()}: {@code NAME -> .NAME.old-T} (only when NAME exists);</li>
 *   <li>{@link #moveNewIn()}: {@code .NAME.tmp-* -> NAME};</li>
 *   <li>{@link #deleteOld()}: delete {@code .NAME.old-T}.</li>
 * </ol>
 * Killed before step 1, NAME is the previous output (the temporary sibling is garbage). Killed after step 2, NAME
 * is the new complete output. Killed between 1 and 2 — the only window in which NAME is absent — the previous
 * complete output exists as {@code .NAME.old-T}; {@link #recover(Path)}, which {@link #check} and {@link #open}
 * run first, renames it back to NAME. Recovery also deletes {@code .NAME.old-*} left by a kill during step 3, but
 * only while NAME exists, so it never deletes the last complete copy. Hence after a kill at any moment, the next
 * {@code check}/{@code open} of NAME (any steepest run with the same {@code --out}) finds either the previous or
 * the new complete output under NAME, never neither and never a partial one.
 *
 * <p><b>Where renames are not atomic</b> (object stores: {@code s3a://}, {@code gs://}, {@code abfs://} ...;
 * {@link Storage#atomicRename()}), a directory is complete only when its {@value #MANIFEST} — written last — lists
 * files that are all there with their sizes. The same three steps copy instead of rename: step 1 copies NAME to
 * {@code .NAME.old-T} (its manifest last), then deletes NAME's manifest and NAME; step 2 copies
 * {@code .NAME.tmp-*} to NAME, the manifest last; step 3 deletes {@code .NAME.old-T} and {@code .NAME.tmp-*}.
 * Recovery: while NAME is not complete and a complete {@code .NAME.old-*} exists, NAME is rebuilt from the newest
 * one; incomplete or replaced {@code .NAME.old-*} are deleted only while NAME is complete. So the guarantee above
 * holds there too. Readers ({@link #requireComplete}) refuse a directory whose commit is unfinished.
 */
public final class RunDirectory {
    /** On a FileSystem without atomic renames: what a complete directory holds, written last. */
    public static final String MANIFEST = "_MANIFEST.json";
    /** In a temporary directory: who writes it ({@link TempOwner}); removed just before the commit's rename. */
    static final String OWNER = ".owner";

    private final Storage fs;
    private final String target;
    /** Where the files are written: the temporary sibling (plain path) or the local staging directory (URI). */
    private final Path temp;
    /** Whether {@link #temp} is the temporary sibling itself (a plain path). */
    private final boolean direct;
    private final String what;
    /** The temporary sibling on the target's FileSystem. */
    private String sibling;
    private boolean committed;
    private String old;

    private RunDirectory(Storage fs, String target, Path temp, boolean direct, String what) {
        this.fs = fs;
        this.target = target;
        this.temp = temp;
        this.direct = direct;
        this.what = what;
        this.sibling = direct ? temp.toString() : null;
    }

    /**
     * Checks {@code dir} (nothing is created; an interrupted commit is first recovered, see the class comment):
     * call before Spark starts so a bad --out fails fast.
     */
    public static void check(Path dir, boolean overwrite) {
        check(dir.toString(), overwrite, new Configuration());
    }

    /** {@link #check(Path, boolean)} for a plain path or a Hadoop URI; {@code conf} reaches its FileSystem. */
    public static void check(String dir, boolean overwrite, Configuration conf) {
        Storage fs = storage(dir, conf, "--out");
        String t = qualify(fs, dir, "--out");
        try {
            CommittedDirectories.recover(fs, t);
            if (fs.isFile(t)) throw new InputError("--out: '" + dir + "' is a file, not a directory");
            if (!overwrite && fs.isDirectory(t) && !fs.list(t).isEmpty()) {
                throw new InputError("--out: '" + dir + "' exists and is not empty; pass --overwrite to replace it "
                        + "or choose another directory");
            }
        } catch (IOException e) {
            throw new InputError("--out: cannot read '" + dir + "': " + e.getMessage(), e);
        }
    }

    public static RunDirectory open(Path dir, boolean overwrite) {
        return open(dir.toString(), overwrite, new Configuration());
    }

    public static RunDirectory open(String dir, boolean overwrite, Configuration conf) {
        return open(dir, overwrite, conf, "--out");
    }

    /** {@code what} names the setting in messages ({@code --out}, a model's path). */
    public static RunDirectory open(String dir, boolean overwrite, Configuration conf, String what) {
        if (what.equals("--out")) check(dir, overwrite, conf);
        else recover(dir, conf);
        Storage fs = storage(dir, conf, what);
        String t = qualify(fs, dir, what);
        try {
            if (fs instanceof Storage.Local) {
                Path abs = Paths.get(t);
                Path parent = abs.getParent();
                Files.createDirectories(parent);
                Path temp = Files.createTempDirectory(parent, "." + abs.getFileName() + ".tmp-");
                Files.writeString(temp.resolve(OWNER), TempOwner.current());
                return new RunDirectory(fs, t, temp, true, what);
            }
            String parent = fs.parent(t);
            if (parent != null && !fs.exists(parent)) fs.mkdirs(parent); // fails fast on a read-only location
            Path staging = Files.createTempDirectory("steepest-" + fs.name(t) + ".staging-");
            Storage.Local local = new Storage.Local();
            String tmpdir = staging.getParent().toString();
            // staging directories of runs that are gone (a second signal, SIGKILL)
            CommittedDirectories.removeStaleTemps(local, tmpdir, local.list(tmpdir),
                    "steepest-" + fs.name(t) + ".staging-");
            Files.writeString(staging.resolve(OWNER), TempOwner.current());
            return new RunDirectory(fs, t, staging, false, what);
        } catch (IOException e) {
            throw new InputError(what + ": cannot create '" + dir + "': " + e.getMessage(), e);
        }
    }

    /** The directory, qualified: an absolute path or a URI. */
    public String target() {
        return target;
    }

    /** {@code name} under the committed directory ({@code model.json}). */
    public String target(String name) {
        return fs.child(target, name);
    }

    /** Whether the target is a plain local path (what {@code steepest report} reads). */
    public boolean local() {
        return direct;
    }

    /** Where to write {@code name} before the commit (a local path). */
    public Path file(String name) {
        return temp.resolve(name);
    }

    /**
     * Moves the finished outputs to the target name, replacing an old directory only now (see the class comment).
     * A failure (a full disk) leaves the previous output as it was and keeps the new one where the
     * {@link OutputFailure} says.
     */
    public void commit() {
        if (!direct) {
            try {
                upload();
            } catch (IOException | RuntimeException e) {
                throw failedUpload(e);
            }
        }
        try {
            moveOldAside();
        } catch (IOException | RuntimeException e) {
            throw failed(e, "moving the previous output aside", null);
        }
        try {
            moveNewIn();
        } catch (IOException | RuntimeException e) {
            String restored = rollBack();
            throw failed(e, "moving the outputs in", restored);
        }
        deleteOld();
    }

    /** Commit step 0 for a URI: the staging directory to {@code .NAME.tmp-*} on the target's FileSystem. */
    void upload() throws IOException {
        sibling = fs.child(fs.parent(target), "." + fs.name(target) + ".tmp-" + System.currentTimeMillis() + "-"
                + Long.toHexString(System.nanoTime()));
        String owner = fs.child(sibling, OWNER);
        try {
            fs.mkdirs(sibling);
            fs.write(owner, TempOwner.current().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IOException("cannot write " + owner + ": " + e.getMessage(), e);
        }
        fs.upload(temp, sibling, Set.of(OWNER));
        if (!fs.atomicRename()) CommittedDirectories.writeManifest(fs, sibling);
    }

    /** Commit step 1: the existing target, if any, to {@code .NAME.old-T}. */
    void moveOldAside() throws IOException {
        if (!fs.exists(target)) return;
        String o = fs.child(fs.parent(target), "." + fs.name(target) + ".old-" + System.currentTimeMillis() + "-"
                + System.nanoTime());
        if (fs.atomicRename()) {
            rename(target, o);
        } else {
            CommittedDirectories.copyTree(fs, target, o);
            fs.delete(fs.child(target, MANIFEST));
            fs.delete(target);
        }
        old = o;
    }

    /** Commit step 2: the temporary directory to the target name. */
    void moveNewIn() throws IOException {
        if (fs.atomicRename()) {
            fs.delete(fs.child(sibling, OWNER));
            rename(sibling, target);
        } else {
            CommittedDirectories.copyTree(fs, sibling, target);
        }
        committed = true;
    }

    /** Commit step 3: the old directory (and, without atomic renames, the temporary one) is deleted. */
    void deleteOld() {
        if (old != null) CommittedDirectories.quietDelete(fs, old);
        if (!fs.atomicRename() && sibling != null) CommittedDirectories.quietDelete(fs, sibling);
        if (!direct) deleteLocal(temp);
    }

    /** After a failed step 2: the previous output back under the target name; where it is now (null: none). */
    private String rollBack() {
        if (old == null) return null;
        try {
            if (fs.atomicRename()) {
                if (!fs.exists(target)) rename(old, target);
            } else {
                fs.delete(target);
                CommittedDirectories.copyTree(fs, old, target);
                CommittedDirectories.quietDelete(fs, old);
            }
            return target;
        } catch (IOException | RuntimeException e) {
            return old; // still complete there; the next check() of the target restores it
        }
    }

    private void rename(String from, String to) throws IOException {
        if (!fs.rename(from, to)) throw new IOException("cannot rename " + from + " to " + to);
    }

    /** A failed upload: nothing under the target changed; the staging directory is kept and named. */
    private OutputFailure failedUpload(Exception e) {
        if (sibling != null) CommittedDirectories.quietDelete(fs, sibling);
        sibling = null;
        String kept = keepStaging();
        return new OutputFailure("cannot write the outputs to " + target + ": " + message(e) + "; " + target
                + (old == null ? " was not changed" : "") + "; " + keptLine(kept), kept, e);
    }

    private OutputFailure failed(Exception e, String step, String restored) {
        String kept = direct ? null : keepStaging();
        String previous = old == null ? "" : restored == null ? "; the previous output is in " + old
                : "; the previous output is back in " + restored;
        String newOne = direct ? "the new outputs are kept in " + (sibling != null ? sibling : temp) : keptLine(kept);
        if (direct) committed = true; // abort() must not delete what the message names
        return new OutputFailure("cannot commit the outputs to " + target + " (" + step + "): " + message(e)
                + previous + "; " + newOne, direct ? temp.toString() : kept, e);
    }

    /**
     * Writing the outputs into the run directory failed before the commit (a full disk): the trained model is
     * written to {@code steepest-NAME.failed-TIME/} under {@code java.io.tmpdir} (or left in the temporary
     * directory when even that fails), and the failure names the path and where the model is.
     */
    public OutputFailure failed(Exception e, Map<String, Object> modelJson) {
        String kept = null;
        try {
            Path k = Files.createDirectories(Paths.get(System.getProperty("java.io.tmpdir"),
                    "steepest-" + fs.name(target) + ".failed-" + time()));
            Json.write(k.resolve("model.json"), modelJson);
            kept = k.toString();
        } catch (IOException | RuntimeException again) {
            if (Files.isRegularFile(temp.resolve("model.json"))) {
                committed = true; // keep the temporary directory: abort() would delete the model
                kept = temp.toString();
            }
        }
        return new OutputFailure("cannot write the outputs to " + target + ": " + message(e) + "; " + target
                + " was not changed; " + keptLine(kept), kept, e);
    }

    private String keepStaging() {
        if (!Files.isDirectory(temp)) return null;
        Path kept = temp.resolveSibling("steepest-" + fs.name(target) + ".failed-" + time());
        try {
            Files.deleteIfExists(temp.resolve(OWNER));
            Files.move(temp, kept);
        } catch (IOException e) {
            kept = temp;
        }
        committed = true; // abort() leaves it alone
        return kept.toString();
    }

    /** See {@link #recover(String, Configuration)}. */
    public static void recover(Path dir) {
        try {
            Storage.Local fs = new Storage.Local();
            CommittedDirectories.recover(fs, fs.qualify(dir.toString()));
        } catch (IOException e) {
            // nothing we can repair; check() reports an unreadable directory
        }
    }

    /**
     * Repairs what a run killed during {@link #commit()} left: when {@code dir} is missing (or, without atomic
     * renames, not complete) and a complete {@code .NAME.old-*} sibling exists, the most recent one is moved back
     * to {@code dir}; when {@code dir} is complete, {@code .NAME.old-*} siblings (already replaced) are deleted.
     * Temporary {@code .NAME.tmp-*} directories of runs that are gone (killed, or stopped by a second signal) are
     * deleted; those of runs that may still be in progress are left alone ({@link TempOwner#isStale}).
     */
    public static void recover(String dir, Configuration conf) {
        Storage fs = storage(dir, conf, "--out");
        try {
            CommittedDirectories.recover(fs, qualify(fs, dir, "--out"));
        } catch (IOException e) {
            // nothing we can repair; check() reports an unreadable directory
        }
    }

    /**
     * For readers (resume, predict / evaluate, {@code model.init-from}, report): refuses {@code dir} with one line
     * naming it when its commit is unfinished — missing with a previous output set aside, or, where renames are
     * not atomic, without a complete {@value #MANIFEST}.
     */
    public static void requireComplete(String dir, Configuration conf, String what) {
        CommittedDirectories.requireComplete(dir, conf, what);
    }

    /** Removes the temporary directory of a run that did not finish. */
    public void abort() {
        if (committed) return;
        if (direct) {
            CommittedDirectories.quietDelete(fs, temp.toString());
        } else {
            deleteLocal(temp);
            if (sibling != null) CommittedDirectories.quietDelete(fs, sibling);
        }
    }

    private static Storage storage(String dir, Configuration conf, String what) {
        try {
            return Storage.of(dir, conf);
        } catch (IOException | RuntimeException e) {
            throw new InputError(what + ": cannot open '" + dir + "': " + e.getMessage(), e);
        }
    }

    private static String qualify(Storage fs, String dir, String what) {
        try {
            return fs.qualify(dir);
        } catch (IOException | RuntimeException e) {
            throw new InputError(what + ": bad location '" + dir + "': " + e.getMessage(), e);
        }
    }

    private static void deleteLocal(Path p) {
        CommittedDirectories.quietDelete(new Storage.Local(), p.toString());
    }
}
