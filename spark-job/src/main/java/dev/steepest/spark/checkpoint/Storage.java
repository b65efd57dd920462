package dev.steepest.spark.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;

/** The few file operations checkpoints need, on a plain local path (java.nio) or a Hadoop FileSystem URI. */
interface Storage {
    String qualify(String location) throws IOException;

    String child(String dir, String name);

    boolean exists(String path) throws IOException;

    void mkdirs(String path) throws IOException;

    void write(String path, byte[] bytes) throws IOException;

    byte[] read(String path) throws IOException;

    /** The names in directory {@code path} (none when it does not exist). */
    List<String> list(String path) throws IOException;

    void delete(String path) throws IOException;

    boolean rename(String from, String to) throws IOException;

    /** java.nio for a location without a scheme, Hadoop for a URI. */
    static Storage of(String location, Configuration conf) throws IOException {
        URI u;
        try {
            u = new URI(location);
        } catch (java.net.URISyntaxException e) {
            u = null;
        }
        if (u == null || u.getScheme() == null || u.getScheme().length() == 1) return new Local();
        return new Hadoop(new org.apache.hadoop.fs.Path(location).getFileSystem(conf));
    }

    final class Local implements Storage {
        public String qualify(String location) {
            return Paths.get(location).toAbsolutePath().normalize().toString();
        }

        public String child(String dir, String name) {
            return Paths.get(dir).resolve(name).toString();
        }

        public boolean exists(String path) {
            return Files.exists(Paths.get(path));
        }

        public void mkdirs(String path) throws IOException {
            Files.createDirectories(Paths.get(path));
        }

        public void write(String path, byte[] bytes) throws IOException {
            Files.write(Paths.get(path), bytes);
        }

        public byte[] read(String path) throws IOException {
            return Files.readAllBytes(Paths.get(path));
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
    }

    final class Hadoop implements Storage {
        private final FileSystem fs;

        Hadoop(FileSystem fs) {
            this.fs = fs;
        }

        public String qualify(String location) {
            return fs.makeQualified(new org.apache.hadoop.fs.Path(location)).toString();
        }

        public String child(String dir, String name) {
            return new org.apache.hadoop.fs.Path(dir, name).toString();
        }

        public boolean exists(String path) throws IOException {
            return fs.exists(new org.apache.hadoop.fs.Path(path));
        }

        public void mkdirs(String path) throws IOException {
            fs.mkdirs(new org.apache.hadoop.fs.Path(path));
        }

        public void write(String path, byte[] bytes) throws IOException {
            try (FSDataOutputStream out = fs.create(new org.apache.hadoop.fs.Path(path), true)) {
                out.write(bytes);
            }
        }

        public byte[] read(String path) throws IOException {
            try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(path))) {
                return in.readAllBytes();
            }
        }

        public List<String> list(String path) throws IOException {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
            if (!fs.exists(p)) return List.of();
            List<String> names = new ArrayList<>();
            for (FileStatus s : fs.listStatus(p)) names.add(s.getPath().getName());
            return names;
        }

        public void delete(String path) throws IOException {
            fs.delete(new org.apache.hadoop.fs.Path(path), true);
        }

        public boolean rename(String from, String to) throws IOException {
            org.apache.hadoop.fs.Path t = new org.apache.hadoop.fs.Path(to);
            if (t.getParent() != null) fs.mkdirs(t.getParent());
            return fs.rename(new org.apache.hadoop.fs.Path(from), t);
        }
    }
}
