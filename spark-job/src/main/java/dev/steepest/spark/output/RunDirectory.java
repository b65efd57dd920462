package dev.steepest.spark.output;

import dev.steepest.spark.InputError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The output directory of a run. Everything is written under a hidden temporary sibling {@code .NAME.tmp-*} and
 * renamed into place by {@link #commit()}, so an interrupted run never leaves half a model under the final name.
 * An existing non-empty directory is refused unless {@code overwrite}; with it, the old directory is only removed
 * once the new one is in place. A run that fails, diverges before committing or is killed never modifies or
 * deletes a pre-existing output directory: only {@link #commit()} touches the target.
 *
 * <p><b>Crash safety of {@code --overwrite}.</b> Java (and POSIX {@code rename}) cannot atomically exchange two
 * directories, so {@link #commit()} takes three steps, each an atomic rename or a delete:
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
 */
public final class RunDirectory {
    private final Path target;
    private final Path temp;
    private boolean committed;
    private Path old;

    private static final java.util.function.Function<Path, String> OLD_PREFIX =
            p -> "." + p.getFileName() + ".old-";
    /** In a temporary directory: who writes it ({@link TempOwner}); removed just before the commit's rename. */
    static final String OWNER = ".owner";

    private RunDirectory(Path target, Path temp) {
        this.target = target;
        this.temp = temp;
    }

    /**
     * Checks {@code dir} (nothing is created; an interrupted commit is first recovered, see the class comment):
     * call before Spark starts so a bad --out fails fast.
     */
    public static void check(Path dir, boolean overwrite) {
        recover(dir);
        if (Files.isRegularFile(dir)) {
            throw new InputError("--out: '" + dir + "' is a file, not a directory");
        }
        if (!overwrite && Files.isDirectory(dir) && !isEmpty(dir)) {
            throw new InputError("--out: '" + dir + "' exists and is not empty; pass --overwrite to replace it "
                    + "or choose another directory");
        }
    }

    public static RunDirectory open(Path dir, boolean overwrite) {
        check(dir, overwrite);
        Path abs = dir.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        try {
            Files.createDirectories(parent);
            Path temp = Files.createTempDirectory(parent, "." + abs.getFileName() + ".tmp-");
            Files.writeString(temp.resolve(OWNER), TempOwner.current());
            return new RunDirectory(abs, temp);
        } catch (IOException e) {
            throw new InputError("--out: cannot create '" + dir + "': " + e.getMessage(), e);
        }
    }

    public Path target() {
        return target;
    }

    /** Where to write {@code name} before the commit. */
    public Path file(String name) {
        return temp.resolve(name);
    }

    /** Moves the finished outputs to the target name, replacing an old directory only now (see the class comment). */
    public void commit() {
        try {
            moveOldAside();
            moveNewIn();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move outputs to " + target, e);
        }
        deleteOld();
    }

    /** Commit step 1: the existing target, if any, to {@code .NAME.old-T}. */
    void moveOldAside() throws IOException {
        if (Files.exists(target)) {
            old = target.resolveSibling(OLD_PREFIX.apply(target) + System.currentTimeMillis() + "-" + System.nanoTime());
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** Commit step 2: the temporary directory to the target name. */
    void moveNewIn() throws IOException {
        Files.deleteIfExists(temp.resolve(OWNER));
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        committed = true;
    }

    /** Commit step 3: the old directory is deleted. */
    void deleteOld() {
        if (old != null) deleteTree(old);
    }

    /**
     * Repairs what a run killed during {@link #commit()} left: when {@code dir} is missing and a
     * {@code .NAME.old-*} sibling exists, the most recent one is renamed back to {@code dir}; when {@code dir}
     * exists, {@code .NAME.old-*} siblings (already replaced) are deleted. Temporary {@code .NAME.tmp-*}
     * directories of runs that are gone (killed, or stopped by a second signal) are deleted; those of runs that
     * may still be in progress are left alone ({@link TempOwner#isStale}).
     */
    public static void recover(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        if (parent == null || !Files.isDirectory(parent)) return;
        removeStaleTemps(parent, "." + abs.getFileName() + ".tmp-");
        String prefix = OLD_PREFIX.apply(abs);
        List<Path> olds = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(parent, p -> p.getFileName().toString()
                .startsWith(prefix))) {
            s.forEach(olds::add);
        } catch (IOException e) {
            return; // nothing we can repair; check() reports an unreadable directory
        }
        if (olds.isEmpty()) return;
        // the name is .NAME.old-<millis>-<nanos>: the last by wall-clock time is the newest
        olds.sort(Comparator.comparingLong(RunDirectory::millisOf));
        if (!Files.exists(abs)) {
            Path newest = olds.remove(olds.size() - 1);
            try {
                Files.move(newest, abs, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new InputError("--out: '" + dir + "' is missing after an interrupted run and its previous "
                        + "contents, in '" + newest + "', could not be moved back: " + e.getMessage(), e);
            }
        }
        for (Path o : olds) deleteTree(o);
    }

    private static void removeStaleTemps(Path parent, String prefix) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(parent, p -> p.getFileName().toString()
                .startsWith(prefix))) {
            for (Path t : s) {
                Path owner = t.resolve(OWNER);
                String text = Files.isReadable(owner) ? Files.readString(owner) : null;
                if (TempOwner.isStale(text, Files.getLastModifiedTime(t).toMillis())) deleteTree(t);
            }
        } catch (IOException e) {
            // best effort: a leftover hidden directory is harmless
        }
    }

    private static long millisOf(Path old) {
        String name = old.getFileName().toString();
        String rest = name.substring(name.lastIndexOf(".old-") + 5);
        try {
            return Long.parseLong(rest.substring(0, rest.indexOf('-')));
        } catch (RuntimeException e) {
            return Long.MIN_VALUE;
        }
    }

    /** Removes the temporary directory of a run that did not finish. */
    public void abort() {
        if (!committed) deleteTree(temp);
    }

    private static boolean isEmpty(Path dir) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            return !s.iterator().hasNext();
        } catch (IOException e) {
            throw new InputError("--out: cannot read '" + dir + "': " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a leftover hidden temp directory is harmless
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
