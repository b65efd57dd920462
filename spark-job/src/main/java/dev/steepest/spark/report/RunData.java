package dev.steepest.spark.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steepest.spark.InputError;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A finished run read back from the files {@code steepest train} wrote: the step, epoch and event lines of
 * {@code metrics.jsonl}, {@code summary.json} and the resolved {@code config} of {@code model.json}. What the
 * report, the range test and the comparison draw and compute from.
 */
public record RunData(String name, Path dir, List<JsonNode> steps, List<JsonNode> epochs, List<JsonNode> events,
                      JsonNode summary, Map<String, Object> config) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads {@code dir}; a missing directory or one without steepest's files is an input error naming it. */
    public static RunData read(Path dir) {
        Path abs0 = dir.toAbsolutePath().normalize();
        return read(dir, abs0.getFileName() == null ? abs0.toString() : abs0.getFileName().toString());
    }

    /** {@link #read(Path)} under the run name {@code name} (a run read from its staging directory before the commit). */
    public static RunData read(Path dir, String name) {
        dev.steepest.spark.output.RunDirectory.requireComplete(dir.toString(),
                new org.apache.hadoop.conf.Configuration(), "report");
        if (!Files.isDirectory(dir)) throw new InputError(dir + ": no such run directory");
        Path metrics = dir.resolve("metrics.jsonl");
        Path summary = dir.resolve("summary.json");
        Path model = dir.resolve("model.json");
        for (Path p : List.of(metrics, summary, model)) {
            if (!Files.isRegularFile(p)) {
                throw new InputError(dir + ": not a steepest run (no " + p.getFileName() + ")");
            }
        }
        List<JsonNode> steps = new ArrayList<>();
        List<JsonNode> epochs = new ArrayList<>();
        List<JsonNode> events = new ArrayList<>();
        int line = 0;
        try (BufferedReader r = Files.newBufferedReader(metrics, StandardCharsets.UTF_8)) {
            for (String s = r.readLine(); s != null; s = r.readLine()) {
                line++;
                if (s.isBlank()) continue;
                JsonNode n = JSON.readTree(s);
                switch (n.path("kind").asText()) {
                    case "step" -> steps.add(n);
                    case "epoch" -> epochs.add(n);
                    case "event" -> events.add(n);
                    default -> throw new InputError(metrics + ":" + line + ": not a steepest metrics line (no kind)");
                }
            }
        } catch (IOException e) {
            throw new InputError(metrics + ":" + line + ": not a steepest metrics file (" + firstLine(e) + ")");
        }
        JsonNode sum = tree(summary);
        JsonNode mod = tree(model);
        if (!sum.has("stop_reason")) throw new InputError(summary + ": not a steepest summary (no stop_reason)");
        if (!mod.path("config").isObject()) throw new InputError(model + ": not a steepest model (no config)");
        @SuppressWarnings("unchecked")
        Map<String, Object> config = JSON.convertValue(mod.get("config"), LinkedHashMap.class);
        Path abs = dir.toAbsolutePath().normalize();
        return new RunData(name, abs, List.copyOf(steps), List.copyOf(epochs), List.copyOf(events), sum, config);
    }

    private static JsonNode tree(Path p) {
        try {
            return JSON.readTree(p.toFile());
        } catch (IOException e) {
            throw new InputError(p + ": not valid JSON (" + firstLine(e) + ")");
        }
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** A config value as text (lists as written), or null when the run's config lacks the key. */
    public String setting(String key) {
        Object v = config.get(key);
        return v == null ? null : String.valueOf(v);
    }

    /** A config number, or NaN when unset. */
    public double number(String key) {
        Object v = config.get(key);
        if (v instanceof Number n) return n.doubleValue();
        if (v == null) return Double.NaN;
        try {
            return Double.parseDouble(v.toString());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** A numeric field of a metrics line, NaN when absent, null or not finite ("NaN" comes quoted). */
    public static double num(JsonNode n, String field) {
        JsonNode v = n.path(field);
        if (v.isNumber()) return v.doubleValue();
        if (v.isTextual()) {
            try {
                return Double.parseDouble(v.asText());
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }
}
