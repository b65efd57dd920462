package dev.steepest.spark.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steepest.spark.config.ConfigLoader;
import dev.steepest.spark.config.JobConfig;
import dev.steepest.spark.config.Redaction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The config of a run as a checkpoint keeps it to rebuild it on {@code --resume} without the config file: the
 * steepest keys that were set explicitly (the rest are defaults) and the Spark settings that are not secret
 * ({@link Redaction}); a secret Spark setting is not saved, so a resume that needs it passes it again
 * ({@code --set spark.authenticate.secret=...}, or spark-submit's own configuration).
 */
public final class SavedConfig {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SavedConfig() {
    }

    public static Map<String, Object> of(JobConfig cfg) {
        Map<String, Object> explicit = new LinkedHashMap<>();
        for (String k : cfg.explicitKeys()) explicit.put(k, cfg.value(k));
        Redaction r = Redaction.of(cfg.sparkSettings());
        Map<String, Object> spark = new LinkedHashMap<>();
        cfg.sparkSettings().forEach((k, v) -> {
            if (!r.hides(k, v)) spark.put(k, v);
        });
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("explicit", explicit);
        m.put("spark", spark);
        return m;
    }

    /** The config {@code source} describes, with {@code sets} applied on top. */
    @SuppressWarnings("unchecked")
    public static JobConfig load(Map<String, Object> source, List<String> sets) {
        StringBuilder text = new StringBuilder();
        ((Map<String, Object>) source.get("explicit")).forEach((k, v) -> {
            if (v == null) return;
            try {
                text.append(k).append(" = ").append(JSON.writeValueAsString(v)).append('\n');
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        });
        List<String> all = new ArrayList<>();
        ((Map<String, Object>) source.get("spark")).forEach((k, v) -> all.add(k + "=" + v));
        all.addAll(sets);
        return ConfigLoader.loadText(text.toString(), all);
    }
}
