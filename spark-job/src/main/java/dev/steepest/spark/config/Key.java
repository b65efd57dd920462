package dev.steepest.spark.config;

import java.util.List;

/**
 * One documented config key: its type, default (null when unset by default) and the values it allows.
 * {@code choices} lists the allowed words for {@code WORD} keys (and the extra word allowed by
 * {@code WORD_OR_INT}); numeric keys have inclusive or exclusive bounds.
 */
public record Key(String name, Type type, Object defaultValue, List<String> choices, double min,
                  boolean minExclusive, double max, boolean maxExclusive, String description) {

    public enum Type { STRING, WORD, INT, LONG, DOUBLE, BOOLEAN, WORD_OR_INT, NUMBER_LIST, INT_LIST, STRING_LIST }

    public String allowed() {
        return switch (type) {
            case STRING -> "a string";
            case BOOLEAN -> "true or false";
            case WORD -> "one of " + String.join(", ", choices);
            case WORD_OR_INT -> "'" + String.join("', '", choices) + "' or a whole number" + range();
            case INT, LONG -> "a whole number" + range();
            case DOUBLE -> "a number" + range();
            case NUMBER_LIST -> "an increasing list of positive numbers, e.g. [30, 60, 80]";
            case INT_LIST -> "a list of whole numbers >= 1, e.g. [256, 128] (or [] for none)";
            case STRING_LIST -> "a list of column names or 0-based positions, e.g. [age, income] or [0, 3]";
        };
    }

    private String range() {
        StringBuilder s = new StringBuilder();
        if (!Double.isInfinite(min)) s.append(minExclusive ? " > " : " >= ").append(fmt(min));
        if (!Double.isInfinite(max)) s.append(s.length() > 0 ? " and" : "").append(maxExclusive ? " < " : " <= ").append(fmt(max));
        return s.toString();
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
