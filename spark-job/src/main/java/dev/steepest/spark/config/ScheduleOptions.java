package dev.steepest.spark.config;

import dev.steepest.spark.InputError;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code schedule.*}: the per-schedule key check, before Spark starts, and each key's value (the config's, else the
 * chosen schedule's default), from the declarations of {@link ScheduleKind}. The schedules themselves are built by
 * {@code spec.ScheduleSpec}.
 */
public final class ScheduleOptions {
    private ScheduleOptions() {
    }

    /** Rejects keys the chosen schedule does not take and missing required ones, before Spark starts. */
    static void check(JobConfig cfg) {
        ScheduleKind kind = cfg.schedule();
        String name = kind.configName();
        Map<String, Object> takes = kind.takes();
        for (String key : ConfigSchema.keys().keySet()) {
            if (key.startsWith("schedule.") && !key.equals("schedule.name") && cfg.isExplicit(key)
                    && !takes.containsKey(key)) {
                throw new InputError(key + ": does not apply to schedule.name = " + name
                        + (takes.isEmpty() ? "" : " (its options: " + String.join(", ", takes.keySet()) + ")"));
            }
        }
        for (Map.Entry<String, Object> e : takes.entrySet()) {
            if (e.getValue() == null && !cfg.has(e.getKey())) {
                throw new InputError(e.getKey() + ": is required by schedule.name = " + name + "; expected "
                        + ConfigSchema.keys().get(e.getKey()).allowed());
            }
        }
    }

    /** The value of a key the chosen schedule takes: the config's, else the schedule's default. */
    public static Object value(JobConfig cfg, String key) {
        return cfg.has(key) ? cfg.value(key) : cfg.schedule().takes().get(key);
    }

    /** The defaults of each schedule's keys ({@link ScheduleKind#RUN_LENGTH} for total-epochs: the run's length). */
    public static Map<String, Map<String, Object>> defaults() {
        Map<String, Map<String, Object>> m = new LinkedHashMap<>();
        for (ScheduleKind k : ScheduleKind.values()) m.put(k.configName(), k.takes());
        return m;
    }
}
