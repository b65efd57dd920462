package dev.steepest.spark.output;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * A test-only Hadoop FileSystem on the local disk (Hadoop's {@link RawLocalFileSystem}) under any scheme it is
 * registered for with {@code fs.SCHEME.impl}, which can behave like an object store and fail on purpose:
 * <ul>
 *   <li>{@code steepest.test.object-store = true}: renaming a directory copies its files one by one and then
 *       deletes them, as S3A does, so a crash in the middle leaves both halves;</li>
 *   <li>{@link #crashAt}: the N-th operation that changes the disk (create, a file's close, mkdirs, rename,
 *       delete) and everything after it fail, as if the process had died there; a file closed at the crash is
 *       left torn (half its bytes);</li>
 *   <li>{@code steepest.test.space-left = BYTES}: writes beyond that many bytes (in all) fail with
 *       "No space left on device", as a full disk does.</li>
 * </ul>
 * The crash counter is static (reset with {@link #reset()}); FileSystem instances are not cached
 * ({@code fs.SCHEME.impl.disable.cache}) so each configuration takes effect.
 */
public class FaultyFileSystem extends RawLocalFileSystem {
    /** The operation number that crashes (1-based); 0: none. */
    public static volatile long crashAt;
    /** Operations counted since {@link #reset()}. */
    public static final AtomicLong OPS = new AtomicLong();
    private static volatile boolean dead;
    private static final AtomicLong WRITTEN = new AtomicLong();

    private URI uri;
    private boolean objectStore;
    private long spaceLeft = -1;

    public static void reset() {
        crashAt = 0;
        OPS.set(0);
        dead = false;
        WRITTEN.set(0);
    }

    /** Whether the simulated process died. */
    public static boolean crashed() {
        return dead;
    }

    /** The Hadoop settings that register this FileSystem for {@code scheme}. */
    public static Configuration register(Configuration conf, String scheme) {
        conf.set("fs." + scheme + ".impl", FaultyFileSystem.class.getName());
        conf.setBoolean("fs." + scheme + ".impl.disable.cache", true);
        return conf;
    }

    @Override
    public void initialize(URI name, Configuration conf) throws IOException {
        this.uri = URI.create(name.getScheme() + ":///");
        super.initialize(name, conf);
        setWorkingDirectory(new Path(uri.getScheme() + "://" + System.getProperty("user.dir")));
        this.objectStore = conf.getBoolean("steepest.test.object-store", false);
        this.spaceLeft = conf.getLong("steepest.test.space-left", -1);
    }

    @Override
    public URI getUri() {
        return uri == null ? super.getUri() : uri; // null while RawLocalFileSystem's constructor runs
    }

    @Override
    public String getScheme() {
        return getUri().getScheme();
    }

    private static void op(String what) throws IOException {
        if (dead) throw new IOException("simulated crash: the process is gone (" + what + ")");
        if (crashAt > 0 && OPS.incrementAndGet() == crashAt) {
            dead = true;
            throw new IOException("simulated crash at operation " + crashAt + " (" + what + ")");
        }
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
                                     short replication, long blockSize, Progressable progress) throws IOException {
        return create(f, overwrite, bufferSize, replication, blockSize, progress); // no chmod fork per file
    }

    @Override
    public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
                                     Progressable progress) throws IOException {
        op("create " + f);
        FSDataOutputStream raw = super.create(f, overwrite, bufferSize, replication, blockSize, progress);
        return new FSDataOutputStream(new Faulty(raw, f), null);
    }

    @Override
    public boolean mkdirs(Path f) throws IOException {
        op("mkdirs " + f);
        return super.mkdirs(f);
    }

    @Override
    public boolean mkdirs(Path f, FsPermission permission) throws IOException {
        op("mkdirs " + f);
        return super.mkdirs(f); // no chmod fork per directory
    }

    @Override
    public boolean delete(Path p, boolean recursive) throws IOException {
        op("delete " + p);
        return super.delete(p, recursive);
    }

    @Override
    public boolean rename(Path src, Path dst) throws IOException {
        op("rename " + src + " " + dst);
        if (!objectStore || !getFileStatus(src).isDirectory()) return super.rename(src, dst);
        copyThenDelete(src, dst);
        return true;
    }

    /** S3A's directory rename: every file copied (each a chance to crash), then the source deleted. */
    private void copyThenDelete(Path src, Path dst) throws IOException {
        mkdirs(dst);
        for (FileStatus s : listStatus(src)) {
            Path to = new Path(dst, s.getPath().getName());
            if (s.isDirectory()) {
                copyThenDelete(s.getPath(), to);
                continue;
            }
            op("copy " + s.getPath());
            java.nio.file.Files.copy(pathToFile(s.getPath()).toPath(), pathToFile(to).toPath());
        }
        delete(src, true);
    }

    /** Counts the bytes against the space left, and tears the file when the crash comes at its close. */
    private final class Faulty extends FilterOutputStream {
        private final FSDataOutputStream raw;
        private final Path file;

        Faulty(FSDataOutputStream raw, Path file) {
            super(raw);
            this.raw = raw;
            this.file = file;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            space(len);
            raw.write(b, off, len);
        }

        @Override
        public void write(int b) throws IOException {
            space(1);
            raw.write(b);
        }

        private void space(long n) throws IOException {
            if (dead) throw new IOException("simulated crash: the process is gone (writing " + file + ")");
            if (spaceLeft >= 0 && WRITTEN.addAndGet(n) > spaceLeft) throw new IOException("No space left on device");
        }

        @Override
        public void close() throws IOException {
            long size = raw.getPos();
            raw.close();
            try {
                op("close " + file);
            } catch (IOException crash) {
                java.io.File f = pathToFile(file);
                try (java.io.RandomAccessFile r = new java.io.RandomAccessFile(f, "rw")) {
                    r.setLength(size / 2); // torn
                }
                throw crash;
            }
        }
    }
}
