package dev.steepest.spark.data;

import dev.steepest.spark.InputError;

/** Finds the user's mistake inside Spark's wrapping of task failures. */
public final class Errors {
    private Errors() {
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
