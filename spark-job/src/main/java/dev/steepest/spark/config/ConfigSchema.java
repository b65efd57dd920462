package dev.steepest.spark.config;

import dev.steepest.spark.InputError;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every config key steepest reads, with type, default and allowed values. Keys under {@code spark.} go to Spark
 * as they are. Anything else is rejected before Spark starts, naming the key and what is allowed.
 * The README's config reference lists these keys; a test keeps the two in step.
 */
public final class ConfigSchema {
    private static final Map<String, Key> KEYS = new LinkedHashMap<>();

    static {
        KeyTable t = new KeyTable(KEYS);
        DataKeys.declare(t);
        ModelKeys.declare(t);
        OptimizerKeys.declare(t);
        ScheduleKeys.declare(t);
        TrainKeys.declare(t);
    }

    private ConfigSchema() {
    }

    public static Map<String, Key> keys() {
        return Collections.unmodifiableMap(KEYS);
    }

    /**
     * Checks every key of {@code user} and returns the resolved values: defaults filled in, types converted.
     * Keys under {@code spark.} (other than spark.master) are returned as strings in {@code spark}.
     */
    public static JobConfig validate(Config user) {
        return validate(user, Map.of());
    }

    /** As {@link #validate(Config)}, with Spark settings read verbatim beside the HOCON ({@link ConfigLoader}). */
    public static JobConfig validate(Config user, Map<String, String> flatSpark) {
        Map<String, Object> values = new TreeMap<>();
        Map<String, String> spark = new TreeMap<>(flatSpark);
        List<String> explicit = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> e : new TreeMap<>(flatten(user)).entrySet()) {
            String name = e.getKey();
            ConfigValue v = e.getValue();
            Key key = KEYS.get(name);
            if (key == null) {
                if (name.startsWith("spark.")) {
                    spark.putIfAbsent(name, String.valueOf(v.unwrapped()));
                    continue;
                }
                throw new InputError("unknown config key '" + name + "'" + where(v) + suggestion(name));
            }
            values.put(name, convert(key, v));
            explicit.add(name);
        }
        for (Key k : KEYS.values()) {
            if (!values.containsKey(k.name()) && k.defaultValue() != null) values.put(k.name(), k.defaultValue());
        }
        JobConfig cfg = new JobConfig(values, spark, explicit);
        cfg.checkCombinations();
        return cfg;
    }

    /** Whether {@code value} is allowed for {@code key} on its own (type and range; combinations are checked later). */
    public static boolean accepts(String key, Object value) {
        try {
            convert(KEYS.get(key), com.typesafe.config.ConfigValueFactory.fromAnyRef(value));
            return true;
        } catch (InputError | com.typesafe.config.ConfigException e) {
            return false;
        }
    }

    private static Map<String, ConfigValue> flatten(Config c) {
        Map<String, ConfigValue> m = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> e : c.entrySet()) m.put(e.getKey(), e.getValue());
        return m;
    }

    static Object convert(Key key, ConfigValue v) {
        return ValueConversion.convert(key, v);
    }

    private static String where(ConfigValue v) {
        return ValueConversion.where(v);
    }

    /** " (did you mean 'x'?)" for the closest known key within a few edits. */
    static String suggestion(String name) {
        return KeySuggestion.suggestion(name, KEYS.keySet());
    }
}
