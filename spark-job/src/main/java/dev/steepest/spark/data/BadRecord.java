package dev.steepest.spark.data;

import dev.steepest.spark.InputError;

/**
 * A record that cannot be trained on, with where it is: a file and either the byte offset of its line (text
 * formats; the driver turns the offset into a line number, since only it can afford to read the file up to there)
 * or its 0-based row index (Parquet). {@code reason} is one of the stable keys that {@code summary.json} counts
 * under {@code bad_records} in skip mode.
 */
public final class BadRecord extends InputError {
    private static final long serialVersionUID = 1L;

    /** The line does not have the header's number of fields (CSV) or is not {@code label index:value ...}. */
    public static final String MALFORMED = "malformed";
    /** A label, weight or feature is empty or null. */
    public static final String MISSING_VALUE = "missing-value";
    /** A label (regression), weight or feature is not a number. */
    public static final String NOT_A_NUMBER = "not-a-number";
    /** A label, weight or feature is NaN or infinite. */
    public static final String NON_FINITE = "non-finite";
    /** A sample weight is negative. */
    public static final String NEGATIVE_WEIGHT = "negative-weight";
    /** LibSVM: an index that is not a whole number, not 1-based, not increasing, or beyond the feature count. */
    public static final String BAD_INDEX = "bad-index";

    /** A CSV file whose header differs from the first file's: never skipped. */
    public static final String HEADER = "header";
    /** A held-out record whose class label training did not see: never skipped. */
    public static final String UNSEEN_LABEL = "unseen-label";

    final String key;
    final String file;
    final long position;
    final boolean textLine;
    final String reason;
    final String detail;

    BadRecord(String key, String file, long position, boolean textLine, String reason, String detail) {
        super(key + ": " + file + (textLine ? " at byte " + position : ": row " + (position + 1)) + ": " + detail);
        this.key = key;
        this.file = file;
        this.position = position;
        this.textLine = textLine;
        this.reason = reason;
        this.detail = detail;
    }

    /** The detail of a dense vector of {@code size} values where training has {@code expected} features. */
    static String wrongLength(int size, int expected) {
        return "the feature vector has " + size + " values, expected " + expected;
    }

    /** The detail of a feature {@code value} beyond float32's range when the blocks hold float32. */
    static String beyondFloat32(double value) {
        return "a feature value " + value + " is beyond float32's range (data.precision = float32; use float64)";
    }

    /** Whether {@code data.on-bad-record = skip} may skip a record that is bad for {@code reason}. */
    static boolean skippable(String reason) {
        return !HEADER.equals(reason) && !UNSEEN_LABEL.equals(reason);
    }

    /**
     * The one-line message, naming the file as {@code shownAs} and, in a text file, the record's {@code line}
     * (the byte offset when the line number could not be found).
     */
    String message(String shownAs, long line) {
        String where = textLine ? (line > 0 ? shownAs + ":" + line : shownAs + " at byte " + position)
                : shownAs + ": row " + (position + 1);
        return key + ": " + where + ": " + detail;
    }
}
