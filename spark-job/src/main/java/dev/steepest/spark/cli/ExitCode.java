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

    private ExitCode() {
    }
}
