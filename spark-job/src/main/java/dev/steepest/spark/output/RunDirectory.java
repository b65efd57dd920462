package dev.steepest.spark.output;

import dev.steepest.spark.InputError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The output directory of a run. Everything is written under a hidden temporary sibling and renamed into place
 * by {@link #commit()}, so an interrupted run never leaves half a model under the final name. An existing
 * non-empty directory is refused unless {@code overwrite}; with it, the old directory is only removed once the
 * new one is complete.
 */
public final class RunDirectory {
    private final Path target;
    private final Path temp;
    private boolean committed;

    private RunDirectory(Path target, Path temp) {
        this.target = target;
        this.temp = temp;
    }

    /** Checks {@code dir} (nothing is created): call before Spark starts so a bad --out fails fast. */
    public static void check(Path dir, boolean overwrite) {
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

    /** Moves the finished outputs to the target name, replacing an old directory only now. */
    public void commit() {
        try {
            Path old = null;
            if (Files.exists(target)) {
                old = target.resolveSibling("." + target.getFileName() + ".old-" + System.nanoTime());
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            committed = true;
            if (old != null) deleteTree(old);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move outputs to " + target, e);
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
