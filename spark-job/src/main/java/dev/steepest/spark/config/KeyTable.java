package dev.steepest.spark.config;

import java.util.List;
import java.util.Map;

/** Declares keys into {@link ConfigSchema}'s table, one line each: name, type, default, range or choices, doc. */
final class KeyTable {
    private static final double INF = Double.POSITIVE_INFINITY;
    private final Map<String, Key> keys;

    KeyTable(Map<String, Key> keys) {
        this.keys = keys;
    }

    void add(String name, Key.Type type, Object def, List<String> choices, double min, boolean minEx,
                            double max, boolean maxEx, String doc) {
        keys.put(name, new Key(name, type, def, choices, min, minEx, max, maxEx, doc));
    }

    void string(String name, String def, String doc) {
        add(name, Key.Type.STRING, def, List.of(), -INF, false, INF, false, doc);
    }

    void word(String name, String def, String doc, String... choices) {
        add(name, Key.Type.WORD, def, List.of(choices), -INF, false, INF, false, doc);
    }

    void wordOrInt(String name, String def, String doc, String... choices) {
        add(name, Key.Type.WORD_OR_INT, def, List.of(choices), 1, false, INF, false, doc);
    }

    void list(String name, String doc) {
        add(name, Key.Type.NUMBER_LIST, null, List.of(), 0, true, INF, false, doc);
    }

    void bool(String name, Boolean def, String doc) {
        add(name, Key.Type.BOOLEAN, def, List.of(), -INF, false, INF, false, doc);
    }

    void integer(String name, Long def, double min, double max, String doc) {
        add(name, Key.Type.LONG, def, List.of(), min, false, max, false, doc);
    }

    void real(String name, Double def, double min, boolean minEx, double max, boolean maxEx, String doc) {
        add(name, Key.Type.DOUBLE, def, List.of(), min, minEx, max, maxEx, doc);
    }
}
