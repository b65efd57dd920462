package dev.steepest.spark.output;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;

/**
 * The one FileSystem layer of steepest's outputs: run directories ({@link RunDirectory}), checkpoints
 * ({@code CheckpointStore}) and saved Spark ML models all read and write through it, on a plain local path
 * (java.nio) or any Hadoop FileSystem URI ({@code file://}, {@code hdfs://}, {@code s3a://} ...).
 *
 * <p>{@link #atomicRename()} decides the commit rule: where renaming a directory is atomic (local disks, HDFS) a
 * directory is written under a hidden temporary name and renamed into place; elsewhere (object stores: S3, GCS,
 * Azure, ...; and any scheme steepest does not know) its files are written first and a manifest last. The
 * Hadoop setting {@code steepest.fs.SCHEME.atomic-rename} ({@code true} / {@code false}; from the config as
 * {@code spark.hadoop.steepest.fs.SCHEME.atomic-rename}) overrides the choice for a scheme.
 */
public interface Storage {
    /** Schemes whose FileSystem renames a directory atomically (one metadata operation). */
    Set<String> ATOMIC_RENAME = Set.of("file", "hdfs", "viewfs", "webhdfs", "swebhdfs", "ofs", "o3fs", "har");

    String qualify(String location) throws IOException;

    String child(String dir, String name);

    /** The directory that holds {@code path} (null at a root). */
    String parent(String path);

    /** The last name of {@code path}. */
    String name(String path);

    boolean exists(String path) throws IOException;

    boolean isDirectory(String path) throws IOException;

    boolean isFile(String path) throws IOException;

    /** The size in bytes of file {@code path}. */
    long length(String path) throws IOException;

    /** When {@code path} was last modified (milliseconds since the epoch). */
    long modified(String path) throws IOException;

    void mkdirs(String path) throws IOException;

    void write(String path, byte[] bytes) throws IOException;

    /** A new file {@code path} (replaced if it exists). */
    OutputStream create(String path) throws IOException;

    InputStream open(String path) throws IOException;

    default byte[] read(String path) throws IOException {
        try (InputStream in = open(path)) {
            return in.readAllBytes();
        }
    }

    /** The names in directory {@code path} (none when it does not exist). */
    List<String> list(String path) throws IOException;

    /** Deletes {@code path} and everything under it (nothing when it does not exist). */
    void delete(String path) throws IOException;

    boolean rename(String from, String to) throws IOException;

    /** Whether renaming a directory is atomic here (see the class comment). */
    boolean atomicRename();

    /** java.nio for a location without a scheme, Hadoop for a URI. */
    static Storage of(String location, Configuration conf) throws IOException {
        String scheme = scheme(location);
        if (scheme == null) return new Local();
        return new Hadoop(new org.apache.hadoop.fs.Path(location).getFileSystem(conf), conf);
    }

    /** The URI scheme of {@code location}, lower case; null for a plain path (or a Windows drive letter). */
    static String scheme(String location) {
        URI u;
        try {
            u = new URI(location);
        } catch (java.net.URISyntaxException e) {
            return null;
        }
        if (u.getScheme() == null || u.getScheme().length() == 1) return null;
        return u.getScheme().toLowerCase(Locale.ROOT);
    }

    /** A Hadoop configuration with the config's {@code spark.hadoop.*} settings, as Spark makes it. */
    static Configuration hadoopConf(Map<String, String> sparkSettings) {
        Configuration conf = new Configuration();
        sparkSettings.forEach((k, v) -> {
            if (k.startsWith("spark.hadoop.")) conf.set(k.substring("spark.hadoop.".length()), v);
        });
        return conf;
    }

    /** Copies every file under local directory {@code from} to {@code to} on this storage (skipping {@code skip}). */
    default void upload(Path from, String to, Set<String> skip) throws IOException {
        mkdirs(to);
        List<Path> entries;
        try (Stream<Path> s = Files.list(from)) {
            entries = s.sorted().toList();
        }
        for (Path p : entries) {
            String name = p.getFileName().toString();
            if (skip.contains(name)) continue;
            String target = child(to, name);
            if (Files.isDirectory(p)) {
                upload(p, target, Set.of());
                continue;
            }
            try (OutputStream out = create(target)) {
                Files.copy(p, out);
            } catch (IOException e) {
                throw new IOException("cannot write " + target + ": " + e.getMessage(), e);
            }
        }
    }

    /** The files under {@code dir}, as paths relative to it with {@code /}, in order. */
    default List<String> files(String dir) throws IOException {
        List<String> out = new ArrayList<>();
        collect(dir, "", out);
        out.sort(null);
        return out;
    }

    private void collect(String dir, String prefix, List<String> out) throws IOException {
        for (String n : list(dir)) {
            String c = child(dir, n);
            if (isDirectory(c)) collect(c, prefix + n + "/", out);
            else out.add(prefix + n);
        }
    }

    /** {@code dir}'s file at relative path {@code rel} ({@code a/b/c}). */
    default String resolve(String dir, String rel) {
        String p = dir;
        for (String part : rel.split("/")) p = child(p, part);
        return p;
    }

    /** Copies file {@code from} to {@code to} (both on this storage). */
    default void copyFile(String from, String to) throws IOException {
        String parent = parent(to);
        if (parent != null) mkdirs(parent);
        try (InputStream in = open(from); OutputStream out = create(to)) {
            in.transferTo(out);
        } catch (IOException e) {
            throw new IOException("cannot copy " + from + " to " + to + ": " + e.getMessage(), e);
        }
    }

    final class Local implements Storage {
        public String qualify(String location) {
            return Paths.get(location).toAbsolutePath().normalize().toString();
        }

        public String child(String dir, String name) {
            return Paths.get(dir).resolve(name).toString();
        }

        public String parent(String path) {
            Path p = Paths.get(path).getParent();
            return p == null ? null : p.toString();
        }

        public String name(String path) {
            return Paths.get(path).getFileName().toString();
        }

        public boolean exists(String path) {
            return Files.exists(Paths.get(path));
        }

        public boolean isDirectory(String path) {
            return Files.isDirectory(Paths.get(path));
        }

        public boolean isFile(String path) {
            return Files.isRegularFile(Paths.get(path));
        }

        public long length(String path) throws IOException {
            return Files.size(Paths.get(path));
        }

        public long modified(String path) throws IOException {
            return Files.getLastModifiedTime(Paths.get(path)).toMillis();
        }

        public void mkdirs(String path) throws IOException {
            Files.createDirectories(Paths.get(path));
        }

        public void write(String path, byte[] bytes) throws IOException {
            Files.write(Paths.get(path), bytes);
        }

        public OutputStream create(String path) throws IOException {
            return Files.newOutputStream(Paths.get(path));
        }

        public InputStream open(String path) throws IOException {
            return Files.newInputStream(Paths.get(path));
        }

        public List<String> list(String path) throws IOException {
            Path p = Paths.get(path);
            if (!Files.isDirectory(p)) return List.of();
            try (Stream<Path> s = Files.list(p)) {
                return s.map(x -> x.getFileName().toString()).toList();
            }
        }

        public void delete(String path) throws IOException {
            Path p = Paths.get(path);
            if (!Files.exists(p)) return;
            try (Stream<Path> s = Files.walk(p)) {
                for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                    try {
                        Files.delete(x);
                    } catch (NoSuchFileException gone) {
                        // removed meanwhile
                    }
                }
            }
        }

        public boolean rename(String from, String to) throws IOException {
            Path t = Paths.get(to);
            if (t.getParent() != null) Files.createDirectories(t.getParent());
            Files.move(Paths.get(from), t, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return true;
        }

        public boolean atomicRename() {
            return true;
        }
    }

    final class Hadoop implements Storage {
        private final FileSystem fs;
        private final boolean atomic;

        Hadoop(FileSystem fs, Configuration conf) {
            this.fs = fs;
            String scheme = fs.getUri().getScheme() == null ? "file" : fs.getUri().getScheme().toLowerCase(Locale.ROOT);
            this.atomic = conf.getBoolean("steepest.fs." + scheme + ".atomic-rename", ATOMIC_RENAME.contains(scheme));
        }

        private static org.apache.hadoop.fs.Path p(String path) {
            return new org.apache.hadoop.fs.Path(path);
        }

        public String qualify(String location) {
            return fs.makeQualified(p(location)).toString();
        }

        public String child(String dir, String name) {
            return new org.apache.hadoop.fs.Path(dir, name).toString();
        }

        public String parent(String path) {
            org.apache.hadoop.fs.Path parent = p(path).getParent();
            return parent == null ? null : parent.toString();
        }

        public String name(String path) {
            return p(path).getName();
        }

        public boolean exists(String path) throws IOException {
            return fs.exists(p(path));
        }

        public boolean isDirectory(String path) throws IOException {
            try {
                return fs.getFileStatus(p(path)).isDirectory();
            } catch (java.io.FileNotFoundException e) {
                return false;
            }
        }

        public boolean isFile(String path) throws IOException {
            try {
                return fs.getFileStatus(p(path)).isFile();
            } catch (java.io.FileNotFoundException e) {
                return false;
            }
        }

        public long length(String path) throws IOException {
            return fs.getFileStatus(p(path)).getLen();
        }

        public long modified(String path) throws IOException {
            return fs.getFileStatus(p(path)).getModificationTime();
        }

        public void mkdirs(String path) throws IOException {
            if (!fs.mkdirs(p(path))) throw new IOException("cannot create directory " + path);
        }

        public void write(String path, byte[] bytes) throws IOException {
            try (FSDataOutputStream out = fs.create(p(path), true)) {
                out.write(bytes);
            }
        }

        public OutputStream create(String path) throws IOException {
            return fs.create(p(path), true);
        }

        public InputStream open(String path) throws IOException {
            return fs.open(p(path));
        }

        public List<String> list(String path) throws IOException {
            org.apache.hadoop.fs.Path d = p(path);
            if (!fs.exists(d)) return List.of();
            List<String> names = new ArrayList<>();
            for (FileStatus s : fs.listStatus(d)) names.add(s.getPath().getName());
            return names;
        }

        public void delete(String path) throws IOException {
            fs.delete(p(path), true);
        }

        public boolean rename(String from, String to) throws IOException {
            org.apache.hadoop.fs.Path t = p(to);
            if (t.getParent() != null) fs.mkdirs(t.getParent());
            return fs.rename(p(from), t);
        }

        public boolean atomicRename() {
            return atomic;
        }
    }
}
