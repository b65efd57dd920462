package dev.steepest.spark.cli;

/** Exit codes users' scripts rely on. */
public final class ExitCode {
    public static final int OK = 0;
    /** An unexpected failure (a bug, or the cluster failed). */
    public static final int FAILURE = 1;
    /** Bad input: usage, config key or value, data path or contents, output directory. */
    public static final int INPUT = 2;
    /** Training diverged (non-finite loss or gradient); the last good parameters were saved. */
    public static final int DIVERGED = 3;
    /**
     * The outputs could not be written (a full disk, a quota, a FileSystem failing at the commit): the message
     * names the path and where the trained model was kept; nothing under the output name was changed or lost.
     */
    public static final int OUTPUT = 4;
    /**
     * Spark's code for a JVM that ran out of memory ({@code SparkExitCode.OOM}): Spark's uncaught-exception handler
     * exits with it when a task thread runs out of heap; steepest uses it too when the driver's own thread does.
     */
    public static final int OUT_OF_MEMORY = 52;
    /** Stopped by SIGINT (Ctrl-C), 128 + 2 as shells report it. */
    public static final int SIGINT = 130;
    /** Stopped by SIGTERM (preemption, {@code kill}, a scheduler's stop), 128 + 15 as shells report it. */
    public static final int SIGTERM = 143;

    private ExitCode() {
    }
}
