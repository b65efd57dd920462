package dev.steepest.spark.data;

import dev.steepest.spark.InputError;
import org.apache.hadoop.fs.Path;

/** Finds the user's mistake inside Spark's wrapping of task failures. */
public final class Errors {
    private Errors() {
    }

    /** A Spark action run from the driver over staged rows, whose tasks may fail on a bad record. */
    interface SparkAction<T> {
        T run();
    }

    /**
     * Runs {@code action} and turns a bad record in it into one line naming the file and line: the line number is
     * counted here, on the driver, from the byte offset the task reported. Any other failure becomes the input
     * error inside it, or stays what it is ({@link #inputErrorOr}).
     */
    static <T> T reportingBadRecords(StagedInput staged, SparkAction<T> action) {
        try {
            return action.run();
        } catch (InputError e) {
            throw e;
        } catch (Exception e) { // SparkException is checked in Java's eyes
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof BadRecord b) {
                    Path file = new Path(b.file);
                    long line = b.textLine ? InputFiles.lineNumber(staged.conf(), file, b.position) : -1;
                    throw new InputError(b.message(InputFiles.display(staged.conf(), staged.path(), file), line), e);
                }
                if (t.getCause() == t) break;
            }
            throw inputErrorOr(e, staged.key() + ": cannot read '" + staged.path() + "'");
        }
    }

    /**
     * The {@link InputError} in {@code e}'s cause chain (Spark wraps task failures, sometimes only in the message),
     * or {@code e} itself when there is none. Spark's own exceptions are checked in Java's eyes but thrown
     * unchecked from Scala, so this takes any exception.
     */
    public static RuntimeException inputErrorOr(Exception e, String context) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InputError ie) return new InputError(ie.getMessage(), e);
            if (t.getCause() == t) break;
        }
        String msg = String.valueOf(e.getMessage());
        int at = msg.indexOf(InputError.class.getName() + ": ");
        if (at >= 0) {
            String rest = msg.substring(at + InputError.class.getName().length() + 2);
            int nl = rest.indexOf('\n');
            return new InputError(nl >= 0 ? rest.substring(0, nl) : rest, e);
        }
        if (e.getClass().getName().startsWith("org.apache.spark.sql.AnalysisException")) {
            return new InputError(context + ": " + firstLine(msg), e);
        }
        return e instanceof RuntimeException re ? re : new IllegalStateException(e.toString(), e);
    }

    static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl >= 0 ? s.substring(0, nl) : s;
    }
}
