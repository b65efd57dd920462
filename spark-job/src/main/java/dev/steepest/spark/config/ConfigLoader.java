package dev.steepest.spark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import dev.steepest.spark.InputError;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a HOCON config file and applies {@code --set key=value} overrides. Override values are taken as written:
 * numbers and booleans become numbers and booleans, {@code null} unsets the key, {@code [..]} / {@code {..}} are
 * parsed as HOCON, anything else is a plain string (so paths like {@code hdfs://nn/x} need no quoting).
 * Spark settings ({@code spark.*}) are flat names, not HOCON paths: top-level {@code spark.x = v} lines of the file
 * ({@link SparkKeys}) and {@code --set spark.x=v} pass to Spark exactly as written, each its own setting.
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /** A read config: HOCON for steepest's keys (and any {@code spark { }} block), flat Spark settings verbatim. */
    public record Read(Config config, Map<String, String> spark) {
    }

    public static JobConfig load(File file, List<String> overrides) {
        Read r = read(file, overrides);
        return ConfigSchema.validate(r.config(), r.spark());
    }

    /** A config from HOCON text (tests), read as a file with that text would be. */
    public static JobConfig loadText(String text, List<String> overrides) {
        Read r = read(SparkKeys.split(text), "String", "config", overrides);
        return ConfigSchema.validate(r.config(), r.spark());
    }

    public static Read read(File file, List<String> overrides) {
        if (file == null) return read(SparkKeys.split(""), "String", "config", overrides);
        if (!file.isFile()) {
            throw new InputError("--config: no such file '" + file + "'");
        }
        String text;
        try {
            text = Files.readString(file.toPath(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InputError("--config: cannot read '" + file + "': " + e.getMessage(), e);
        }
        return read(SparkKeys.split(text), file.getPath(), file.getPath(), overrides);
    }

    /** The HOCON part of the text, with {@code description} (the file's path) as the origin its messages name. */
    private static Read read(SparkKeys.Split flat, String description, String origin, List<String> overrides) {
        Config c;
        try {
            c = ConfigFactory.parseString(flat.hocon(), ConfigParseOptions.defaults().setOriginDescription(description));
        } catch (ConfigException e) {
            throw new InputError("config file " + e.getMessage());
        }
        Map<String, String> setSpark = new LinkedHashMap<>();
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) throw new InputError("--set '" + o + "': expected key=value");
            String key = o.substring(0, eq).trim();
            String text = o.substring(eq + 1).trim();
            if (key.startsWith("spark.") && key.matches("spark\\.[A-Za-z0-9_.\\-]+")) {
                setSpark.put(key, text); // a Spark setting: its own name, the value exactly as written
                continue;
            }
            try {
                ConfigUtil.splitPath(key);
            } catch (ConfigException e) {
                throw new InputError("--set '" + o + "': '" + key + "' is not a valid key");
            }
            c = parseOverride(key, text).withFallback(c);
        }
        try {
            c = c.resolve();
        } catch (ConfigException e) {
            throw new InputError("config: " + e.getMessage());
        }
        Map<String, String> spark = SparkKeys.resolve(flat, c, origin);
        setSpark.forEach((k, v) -> {
            spark.remove(k);
            if (!v.equals("null")) spark.put(k, v);
        });
        String master = spark.remove("spark.master"); // a steepest key too: checked with the others
        if (master != null) c = c.withValue("spark.master", ConfigValueFactory.fromAnyRef(master, "spark.master"));
        return new Read(c, spark);
    }

    private static Config parseOverride(String key, String text) {
        ConfigValue value;
        if (text.startsWith("[") || text.startsWith("{")) {
            try {
                value = ConfigFactory.parseString("v = " + text).getValue("v");
            } catch (ConfigException e) {
                throw new InputError("--set " + key + ": cannot parse '" + text + "'");
            }
        } else if (text.equals("null")) {
            value = ConfigValueFactory.fromAnyRef(null, "--set " + key); // unsets the key
        } else if (text.equals("true") || text.equals("false")) {
            value = ConfigValueFactory.fromAnyRef(Boolean.parseBoolean(text), "--set " + key);
        } else if (text.matches("[-+]?\\d{1,18}")) {
            value = ConfigValueFactory.fromAnyRef(Long.parseLong(text), "--set " + key);
        } else if (text.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
            value = ConfigValueFactory.fromAnyRef(Double.parseDouble(text), "--set " + key);
        } else {
            value = ConfigValueFactory.fromAnyRef(text, "--set " + key);
        }
        return ConfigFactory.empty().withValue(key, value);
    }
}
