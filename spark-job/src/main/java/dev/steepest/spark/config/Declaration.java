package dev.steepest.spark.config;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link OptimizerKind} and {@link ScheduleKind} declare of each of their values — a config name, a doc line,
 * the keys it takes with their defaults — and the lookups over all values of one kind.
 */
interface Declaration {
    String configName();

    String doc();

    /** The keys this value takes, each with its default (null: required). */
    Map<String, Object> takes();

    /** The value named {@code name}; {@code key} names the config key in the exception. */
    static <K extends Declaration> K of(K[] values, String key, String name) {
        for (K k : values) {
            if (k.configName().equals(name)) return k;
        }
        throw new IllegalArgumentException(key + " " + name);
    }

    /** Each value that takes {@code key}, with its default there, in declaration order. */
    static Map<String, Object> defaultsOf(Declaration[] values, String key) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Declaration k : values) {
            if (k.takes().containsKey(key)) m.put(k.configName(), k.takes().get(key));
        }
        return m;
    }

    static List<String> names(Declaration[] values) {
        return Arrays.stream(values).map(Declaration::configName).toList();
    }
}
