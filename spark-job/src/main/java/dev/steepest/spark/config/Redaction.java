package dev.steepest.spark.config;

import dev.steepest.spark.InputError;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Hides secrets wherever steepest echoes its config (model.json's {@code config}, logs), as Spark's own
 * {@code spark.redaction.regex} does for its UI and event logs: a Spark setting whose name or value matches the
 * pattern (default {@code (?i)secret|password|token|access[.]?key}, or the config's {@code spark.redaction.regex})
 * is shown as {@value #REPLACEMENT}, Spark's replacement text. Steepest's own keys hold no secrets and are shown as
 * they are (a data path that contains "token" stays readable).
 */
public final class Redaction {
    /** Spark's {@code spark.redaction.regex} default. */
    public static final String DEFAULT_REGEX = "(?i)secret|password|token|access[.]?key";
    /** Spark's {@code Utils.REDACTION_REPLACEMENT_TEXT}. */
    public static final String REPLACEMENT = "*********(redacted)";

    private final Pattern pattern;

    private Redaction(Pattern pattern) {
        this.pattern = pattern;
    }

    /** The redaction of a run with these Spark settings. */
    public static Redaction of(Map<String, String> sparkSettings) {
        String regex = sparkSettings.getOrDefault("spark.redaction.regex", DEFAULT_REGEX);
        try {
            return new Redaction(Pattern.compile(regex));
        } catch (PatternSyntaxException e) {
            throw new InputError("spark.redaction.regex: '" + regex + "' is not a regular expression: "
                    + e.getDescription());
        }
    }

    /** Whether the Spark setting {@code key = value} is shown redacted. */
    public boolean hides(String key, Object value) {
        return key.startsWith("spark.") && (pattern.matcher(key).find()
                || value != null && pattern.matcher(String.valueOf(value)).find());
    }

    /** {@code config} with every hidden setting's value replaced by {@value #REPLACEMENT}. */
    public Map<String, Object> apply(Map<String, Object> config) {
        Map<String, Object> out = new LinkedHashMap<>();
        config.forEach((k, v) -> out.put(k, hides(k, v) ? REPLACEMENT : v));
        return out;
    }
}
