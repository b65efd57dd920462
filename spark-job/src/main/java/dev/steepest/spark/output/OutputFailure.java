package dev.steepest.spark.output;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * What a failed commit of a {@link RunDirectory} (or a failed write before it) says, and where the outputs were
 * kept.
 */
public final class OutputFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String kept;

    OutputFailure(String message, String kept, Throwable cause) {
        super(message, cause);
        this.kept = kept;
    }

    /** Where the outputs (the trained model) were kept; null if they could not be. */
    public String kept() {
        return kept;
    }

    /** The message's ending: where the trained model is. */
    static String keptLine(String kept) {
        return kept == null ? "the trained model could not be kept anywhere"
                : "the trained model and outputs are kept in " + kept;
    }

    /** {@code e}'s message with each cause's that it does not already contain. */
    static String message(Throwable e) {
        StringBuilder s = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && !s.toString().contains(c.getMessage())) s.append(": ").append(c.getMessage());
        }
        return s.toString();
    }

    /** A failed output's time stamp in its kept directory's name. */
    static String time() {
        return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS"));
    }
}
