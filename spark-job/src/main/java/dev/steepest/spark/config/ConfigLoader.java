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
import java.util.List;

/**
 * Reads a HOCON config file and applies {@code --set key=value} overrides. Override values are taken as written:
 * numbers and booleans become numbers and booleans, {@code null} unsets the key, {@code [..]} / {@code {..}} are
 * parsed as HOCON, anything else is a plain string (so paths like {@code hdfs://nn/x} need no quoting).
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    public static JobConfig load(File file, List<String> overrides) {
        return ConfigSchema.validate(read(file, overrides));
    }

    public static Config read(File file, List<String> overrides) {
        Config c = ConfigFactory.empty();
        if (file != null) {
            if (!file.isFile()) {
                throw new InputError("--config: no such file '" + file + "'");
            }
            try {
                c = ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false));
            } catch (ConfigException e) {
                throw new InputError("config file " + e.getMessage());
            }
        }
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) throw new InputError("--set '" + o + "': expected key=value");
            String key = o.substring(0, eq).trim();
            String text = o.substring(eq + 1).trim();
            try {
                ConfigUtil.splitPath(key);
            } catch (ConfigException e) {
                throw new InputError("--set '" + o + "': '" + key + "' is not a valid key");
            }
            c = parseOverride(key, text).withFallback(c);
        }
        try {
            return c.resolve();
        } catch (ConfigException e) {
            throw new InputError("config: " + e.getMessage());
        }
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
