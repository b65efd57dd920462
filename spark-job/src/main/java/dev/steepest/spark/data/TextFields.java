package dev.steepest.spark.data;

import java.util.ArrayList;
import java.util.List;

/**
 * The text-level rules of the input formats: splitting a CSV line into fields (RFC 4180 quotes, any one-character
 * delimiter) and reading a number the way a data file writes it. Pure functions, so they are tested without Spark.
 */
final class TextFields {
    private TextFields() {
    }

    /**
     * The fields of one CSV line: split at {@code delimiter} outside double quotes, a doubled quote inside quotes
     * is one quote, unquoted fields are trimmed. Returns null for an unterminated quote.
     */
    static String[] split(String line, char delimiter) {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == delimiter) {
                out.add(wasQuoted ? field.toString() : field.toString().trim());
                field.setLength(0);
                wasQuoted = false;
            } else if (c == '"' && field.toString().isBlank()) {
                field.setLength(0);
                quoted = true;
                wasQuoted = true;
            } else if (c != '\r' || i != line.length() - 1) {
                field.append(c);
            }
        }
        if (quoted) return null;
        out.add(wasQuoted ? field.toString() : field.toString().trim());
        return out.toArray(new String[0]);
    }

    /** The delimiter a config value names: one character, or the escapes {@code \t} and the word {@code tab}. */
    static char delimiter(String configured) {
        if (configured.equals("\\t") || configured.equalsIgnoreCase("tab")) return '\t';
        if (configured.length() != 1) throw new IllegalArgumentException(configured);
        return configured.charAt(0);
    }

    /** Why {@code text} is not a finite number, as a {@link BadRecord} reason; null when it is one. */
    static String problem(String text) {
        if (text == null || text.isEmpty()) return BadRecord.MISSING_VALUE;
        double v = parse(text);
        if (Double.isNaN(v) && !isNaNWord(text)) return BadRecord.NOT_A_NUMBER;
        return Double.isFinite(v) ? null : BadRecord.NON_FINITE;
    }

    /**
     * {@code text} as a double; {@code NaN} (not an exception) when it is not a number. Accepts what Java, C and
     * Python print ({@code 1e-3}, {@code inf}, {@code nan}); rejects Java's type suffixes ({@code 1d}, {@code 2f})
     * and hexadecimal, which no data file means.
     */
    static double parse(String text) {
        String s = text.trim();
        if (s.isEmpty()) return Double.NaN;
        String lower = s.toLowerCase(java.util.Locale.ROOT);
        char last = lower.charAt(lower.length() - 1);
        switch (lower) {
            case "inf", "+inf", "infinity", "+infinity":
                return Double.POSITIVE_INFINITY;
            case "-inf", "-infinity":
                return Double.NEGATIVE_INFINITY;
            case "nan", "+nan", "-nan":
                return Double.NaN;
            default:
                if (last == 'd' || last == 'f' || lower.indexOf('x') >= 0) return Double.NaN;
                try {
                    return Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    return Double.NaN;
                }
        }
    }

    private static boolean isNaNWord(String text) {
        String s = text.trim().toLowerCase(java.util.Locale.ROOT);
        return s.equals("nan") || s.equals("+nan") || s.equals("-nan");
    }

    /** The bad-record detail for column {@code column} holding {@code text}, whose problem is {@code reason}. */
    static String detail(String column, String text, String reason) {
        String c = "column '" + column + "': ";
        return switch (reason) {
            case BadRecord.MISSING_VALUE -> c + "no value";
            case BadRecord.NON_FINITE -> c + "'" + text.trim() + "' is not finite";
            default -> c + "'" + abbreviate(text.trim()) + "' is not a number";
        };
    }

    /**
     * The number in the ASCII bytes {@code b[from .. to)} when they are plainly one — an optional sign, digits with
     * at most one decimal point (at least one digit), an optional exponent, nothing else, no surrounding blanks —
     * and it is finite; NaN otherwise (also for text {@link #parse} would accept: the caller then takes the
     * {@link String} path, which decides and words the problem). The value is {@link Double#parseDouble}'s, bit
     * for bit: FastDoubleParser rounds correctly, as the JDK does, and short integers convert exactly.
     */
    static double parsePlain(byte[] b, int from, int to) {
        int i = from;
        if (i >= to) return Double.NaN;
        boolean negative = b[i] == '-';
        if (b[i] == '+' || b[i] == '-') i++;
        int digits = 0;
        long whole = 0;
        boolean simple = true;
        for (; i < to && b[i] >= '0' && b[i] <= '9'; i++, digits++) whole = whole * 10 + (b[i] - '0');
        if (i < to && b[i] == '.') {
            simple = false;
            for (i++; i < to && b[i] >= '0' && b[i] <= '9'; i++) digits++;
        }
        if (digits == 0) return Double.NaN;
        if (i < to && (b[i] == 'e' || b[i] == 'E')) {
            simple = false;
            i++;
            if (i < to && (b[i] == '+' || b[i] == '-')) i++;
            int exp = 0;
            for (; i < to && b[i] >= '0' && b[i] <= '9'; i++) exp++;
            if (exp == 0) return Double.NaN;
        }
        if (i != to) return Double.NaN;
        double v;
        if (simple && digits <= 15) {
            v = negative ? -(double) whole : (double) whole; // exact: below 2^53; "-0" is -0.0, as parseDouble's
        } else {
            v = ch.randelshofer.fastdoubleparser.JavaDoubleParser.parseDouble(b, from, to - from);
        }
        return Double.isFinite(v) ? v : Double.NaN;
    }

    static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
