package dev.steepest.spark.data;

/**
 * A task found no executor holding the cached block it reads ({@link CachedBlocks}): the executor that held it
 * was lost. The driver recomputes the block from the input ({@link CachedBlocks#restoreLost}) and runs the job
 * again; this class's name in a job's failure is how it tells.
 */
public final class LostBlockException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public LostBlockException(int rddId, int partition) {
        super("no executor holds cached block " + partition + " of RDD " + rddId + " any more (its executor was"
                + " lost); the driver recomputes it from the input (data.truncate-lineage = true)");
    }

    /** Whether {@code e} or one of its causes is, or reports, a lost cached block. */
    public static boolean in(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof LostBlockException) return true;
            String m = t.getMessage();
            if (m != null && m.contains(LostBlockException.class.getName())) return true;
        }
        return false;
    }
}
