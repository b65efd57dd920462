package dev.steepest.spark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.steepest.spark.InputError;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Spark settings written as top-level {@code spark.a.b = value} lines of a config file, read verbatim. Spark's keys are flat names, not paths: {@code spark.authenticate = true} and
 * {@code spark.authenticate.secret = x} are two settings, which HOCON would merge into one object (losing the
 * first). Each such line's value is read as a HOCON value (quotes, substitutions of other keys), and numbers and
 * booleans keep their text exactly as written. These lines are blanked in the text HOCON reads (so its line
 * numbers stay true, and an unquoted {@code hdfs://nn:8020/x} does not trip its parser). Lines inside braces, and a
 * {@code spark { ... }} block, are left to HOCON.
 */
final class SparkKeys {
    private static final Pattern LINE = Pattern.compile("^\\s*(spark\\.[A-Za-z0-9_.\\-]+)\\s*[=:]\\s*(.*?)\\s*$");

    /** The text with the Spark lines blanked, and those lines' values (unresolved value text by key) and lines. */
    record Split(String hocon, Map<String, String> valueText, Map<String, Integer> lineOf) {
    }

    private SparkKeys() {
    }

    static Split split(String text) {
        StringBuilder rest = new StringBuilder();
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Integer> lines = new LinkedHashMap<>();
        int depth = 0;
        boolean inTriple = false;
        String[] all = text.split("\n", -1);
        for (int n = 0; n < all.length; n++) {
            String line = all[n];
            Matcher m = LINE.matcher(line);
            if (depth == 0 && !inTriple && m.matches() && isSimpleValue(m.group(2))) {
                values.remove(m.group(1)); // the last line for a key wins, as in HOCON; keep its position
                values.put(m.group(1), m.group(2));
                lines.put(m.group(1), n + 1);
                rest.append(n + 1 < all.length ? "\n" : "");
                continue;
            }
            // track braces and triple-quoted strings outside quotes and comments
            boolean inQuote = false;
            for (int i = 0; i < line.length(); i++) {
                if (line.startsWith("\"\"\"", i)) {
                    inTriple = !inTriple;
                    i += 2;
                    continue;
                }
                if (inTriple) continue;
                char c = line.charAt(i);
                if (c == '"' && (i == 0 || line.charAt(i - 1) != '\\')) inQuote = !inQuote;
                if (inQuote) continue;
                if (c == '#' || line.startsWith("//", i)) break;
                if (c == '{' || c == '[') depth++;
                if (c == '}' || c == ']') depth = Math.max(0, depth - 1);
            }
            rest.append(line).append(n + 1 < all.length ? "\n" : "");
        }
        return new Split(rest.toString(), values, lines);
    }

    /** A value that ends on its own line: not an object, list or triple-quoted string spanning lines. */
    private static boolean isSimpleValue(String v) {
        return !v.isEmpty() && !v.startsWith("{") && !v.startsWith("[") && !v.startsWith("\"\"\"");
    }

    /**
     * The Spark settings' values as Spark gets them: a quoted string without its quotes and a substitution
     * resolved against {@code rest} (the rest of the config), as HOCON reads them; anything else exactly as written
     * ({@code 2g}, {@code 1e3}, {@code hdfs://nn/logs}), without a trailing comment ({@code #} or {@code //} after a
     * space) or comma. {@code null} unsets the key.
     */
    static Map<String, String> resolve(Split split, Config rest, String origin) {
        Map<String, String> out = new LinkedHashMap<>();
        split.valueText().forEach((key, text) -> {
            if (!text.startsWith("\"") && !text.contains("${")) {
                String raw = text.replaceFirst("(^|\\s+)(#|//).*$", "").replaceFirst("\\s*,$", "").trim();
                if (!raw.equals("null")) out.put(key, raw);
                return;
            }
            ConfigValue v;
            try {
                v = ConfigFactory.parseString("v = " + text).resolveWith(rest).getValue("v");
            } catch (ConfigException e) {
                // the value is not echoed: it may be a secret
                throw new InputError(key + ": cannot read its value (" + origin + ":" + split.lineOf().get(key)
                        + "): " + e.getMessage().replaceFirst("^String: \\d+: ", ""));
            }
            if (v.valueType() != ConfigValueType.NULL) out.put(key, String.valueOf(v.unwrapped()));
        });
        return out;
    }
}
