package dev.steepest.spark.output;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * Who writes a run's temporary output directory: host, process id and the process's start time, written into
 * it when it is created, so a later run can tell a dead run's leftovers (killed with SIGKILL, or by a second
 * signal) from a run in progress. On the same host a directory is stale once its process is gone (or the PID
 * was reused by a process that started later); a directory of another host's run, or without an owner (a kill
 * in the instant after it was created), once it has not been modified for {@link #FOREIGN_AGE}.
 */
final class TempOwner {
    static final Duration FOREIGN_AGE = Duration.ofHours(24);
    private static final Duration UNOWNED_AGE = Duration.ofHours(1);

    private TempOwner() {
    }

    /** The current process, as the owner file records it: {@code host pid startMillis}. */
    static String current() {
        ProcessHandle self = ProcessHandle.current();
        long start = self.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(-1L);
        return host() + " " + self.pid() + " " + start + "\n";
    }

    /** Whether a temporary directory with this owner text (null: none) and last modification time is garbage. */
    static boolean isStale(String owner, long lastModifiedMillis) {
        long age = System.currentTimeMillis() - lastModifiedMillis;
        if (owner == null) return age > UNOWNED_AGE.toMillis();
        String[] f = owner.trim().split(" ");
        if (f.length != 3 || !f[0].equals(host())) return age > FOREIGN_AGE.toMillis();
        try {
            long pid = Long.parseLong(f[1]);
            long start = Long.parseLong(f[2]);
            Optional<ProcessHandle> p = ProcessHandle.of(pid);
            if (p.isEmpty() || !p.get().isAlive()) return true;
            long actual = p.get().info().startInstant().map(java.time.Instant::toEpochMilli).orElse(-1L);
            return start >= 0 && actual >= 0 && Math.abs(actual - start) > 1000; // the PID was reused
        } catch (NumberFormatException e) {
            return age > UNOWNED_AGE.toMillis();
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName().replace(' ', '_');
        } catch (java.io.IOException e) {
            return "unknown-host";
        }
    }
}
