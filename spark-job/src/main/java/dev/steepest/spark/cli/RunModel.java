package dev.steepest.spark.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.steepest.core.score.ScoringModel;
import dev.steepest.spark.InputError;
import dev.steepest.spark.config.ConfigLoader;
import dev.steepest.spark.config.ConfigSchema;
import dev.steepest.spark.config.JobConfig;
import dev.steepest.spark.config.Key;
import dev.steepest.spark.data.BlockLoader;
import dev.steepest.spark.data.DataSpec;
import dev.steepest.spark.ml.ModelJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;

/**
 * The trained model of a run directory, for {@code predict} and {@code evaluate}: its model.json (format version
 * checked before Spark starts) and the config to read new data with: training's {@code data.*} and
 * {@code model.*} settings and {@code spark.*} keys, with {@code data.train} set to the data to score and
 * {@code --set data.*=...} on top (nothing but {@code data.*} keys may be set).
 */
record RunModel(String path, String json, ScoringModel model, Map<String, Object> trainingConfig) {
    /** Keys of training that do not carry over: its data sets and outputs. */
    private static final Set<String> NOT_CARRIED = Set.of("data.train", "data.test", "data.validation",
            "data.validation-fraction", "output.dir");

    /**
     * The model of run directory (or model.json) {@code path}, read through {@code conf} (the scoring config's
     * {@code spark.hadoop.*} settings); a run directory whose commit is unfinished is refused in one line.
     */
    static RunModel open(String path, Configuration conf) {
        String dir = path.endsWith("model.json") ? new org.apache.hadoop.fs.Path(path).getParent().toString() : path;
        dev.steepest.spark.output.RunDirectory.requireComplete(dir, conf, "--model");
        String json = ModelJson.read(conf, path);
        ScoringModel model = ModelJson.parse(json, path);
        Object config = ModelJson.map(json).get("config");
        if (!(config instanceof Map<?, ?> m)) throw new InputError(path + ": model.json has no config");
        @SuppressWarnings("unchecked")
        Map<String, Object> cfg = (Map<String, Object>) m;
        return new RunModel(path, json, model, cfg);
    }

    /** The validated config that reads {@code data} as training read its data. */
    JobConfig scoringConfig(String data, List<String> sets) {
        Map<String, Object> carried = new LinkedHashMap<>();
        Map<String, String> spark = new java.util.TreeMap<>();
        Map<String, Key> keys = ConfigSchema.keys();
        trainingConfig.forEach((k, v) -> {
            Key key = keys.get(k);
            if (k.startsWith("spark.") && key == null) {
                // Spark settings are flat names, passed as they are; a redacted secret is not (--set gives it)
                if (!dev.steepest.spark.config.Redaction.REPLACEMENT.equals(String.valueOf(v))) {
                    spark.put(k, String.valueOf(v));
                }
                return;
            }
            boolean ours = key != null && (k.startsWith("data.") || k.startsWith("model.")) && !NOT_CARRIED.contains(k);
            // defaults are left to the schema, so a key that only applies to another format is not set
            if (ours && v != null && !sameAsDefault(key, v)) carried.put(k, v);
        });
        if (trainingConfig.get("spark.master") != null) carried.put("spark.master", trainingConfig.get("spark.master"));
        carried.put("data.train", data);
        List<String> overrides = new ArrayList<>();
        spark.putAll(sparkSets(sets));
        for (String s : sets) {
            String key = s.substring(0, Math.max(0, s.indexOf('='))).trim();
            if (key.startsWith("spark.")) continue;
            if (!key.startsWith("data.") || NOT_CARRIED.contains(key)) {
                throw new InputError("--set " + s + ": only data.* keys (other than data.train, data.test and "
                        + "data.validation*) and spark.* settings apply to scoring; use --data for the data to score");
            }
            overrides.add(s);
        }
        Config base = ConfigFactory.parseMap(carried, "model.json config of " + path);
        Config withSets = ConfigLoader.read(null, overrides).config().withFallback(base);
        return ConfigSchema.validate(withSets.resolve(), spark);
    }

    /** The {@code --set spark.KEY=value} settings, as written. */
    static Map<String, String> sparkSets(List<String> sets) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq > 0 && s.substring(0, eq).trim().startsWith("spark.")) {
                m.put(s.substring(0, eq).trim(), s.substring(eq + 1).trim());
            }
        }
        return m;
    }

    /**
     * What training's data fixed, rebuilt from model.json: feature names and count, numeric and categorical columns
     * (categorical ones named in {@code data.categorical}; their categories from the feature names
     * {@code column=value}) and the class labels in class-index order; {@code options} are the scoring config's data
     * options (format, categorical columns).
     */
    DataSpec spec(BlockLoader.Options options) {
        List<String> names = model.featureNames();
        List<String> categorical = options.categorical();
        String[][] categories = new String[categorical.size()][];
        List<String> numeric = new ArrayList<>(names);
        for (int c = 0; c < categories.length; c++) {
            String prefix = categorical.get(c) + "=";
            List<String> values = new ArrayList<>();
            for (String n : names) if (n.startsWith(prefix)) values.add(n.substring(prefix.length()));
            if (values.isEmpty()) {
                throw new InputError("data.categorical: no feature of the model comes from column '" + categorical.get(c)
                        + "' (name the categorical columns as training had them)");
            }
            numeric.removeIf(n -> n.startsWith(prefix));
            categories[c] = values.toArray(new String[0]);
        }
        double[] classes = null;
        String[] labelNames = null;
        List<Object> labels = model.labelMapping();
        if (labels != null) {
            classes = new double[labels.size()];
            boolean numbers = labels.stream().allMatch(l -> l instanceof Number);
            if (!numbers) labelNames = new String[labels.size()];
            for (int c = 0; c < classes.length; c++) {
                classes[c] = numbers ? ((Number) labels.get(c)).doubleValue() : c;
                if (!numbers) labelNames[c] = String.valueOf(labels.get(c));
            }
        }
        boolean vector = numeric.equals(indexNames(numeric.size()));
        boolean sparse = "libsvm".equals(options.format()) || (vector && categorical.isEmpty());
        return new DataSpec(options.format(), names, names.size(), sparse, classes, labelNames, numeric, categorical,
                categories);
    }

    /** The names training gives features it has no column names for (a vector column, LibSVM): f0, f1, .... */
    static List<String> indexNames(int d) {
        List<String> out = new ArrayList<>(d);
        for (int j = 0; j < d; j++) out.add("f" + j);
        return out;
    }

    private static boolean sameAsDefault(Key key, Object v) {
        Object d = key.defaultValue();
        if (d == null) return false;
        if (d instanceof Number a && v instanceof Number b) return a.doubleValue() == b.doubleValue();
        if (d instanceof List<?> a && v instanceof List<?> b) return a.toString().equals(b.toString());
        return Objects.equals(String.valueOf(d), String.valueOf(v));
    }
}
