package dev.steepest.spark.config;

import dev.steepest.spark.InputError;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The validated, resolved configuration of one run: typed accessors over {@link ConfigSchema}'s keys. */
public final class JobConfig {
    private final Map<String, Object> values;
    private final Map<String, String> spark;
    private final List<String> explicit;

    JobConfig(Map<String, Object> values, Map<String, String> spark, List<String> explicit) {
        this.values = values;
        this.spark = spark;
        this.explicit = List.copyOf(explicit);
    }

    void checkCombinations() {
        require("data.train");
        require("model.type");
        format();
        OptimizerOptions.check(this);
        boolean mlp = modelType() == ModelType.MLP;
        for (String k : List.of("model.hidden", "model.activation", "model.head")) {
            if (!mlp && isExplicit(k)) throw new InputError(k + ": only applies to model.type = mlp");
        }
        if (mlp && (isExplicit("model.init") || isExplicit("model.init-std"))) {
            throw new InputError("model.init: an mlp is initialized by its activation (He for relu and leaky-relu, "
                    + "Xavier for tanh and sigmoid), seeded by train.seed");
        }
        ScheduleOptions.check(this);
        if (dev.steepest.spark.checkpoint.Every.parse(string("train.checkpoint.every")) == null) {
            throw new InputError("train.checkpoint.every: '" + string("train.checkpoint.every") + "' is not 'N steps', "
                    + "'N epochs', a time ('90 s', '10 minutes', '1 h') or 'none'");
        }
        if (has("data.validation") && has("data.validation-fraction")) {
            throw new InputError("data.validation and data.validation-fraction: set one or the other, not both");
        }
        boolean validation = has("data.validation") || has("data.validation-fraction");
        for (String k : List.of("train.early-stopping.patience", "train.early-stopping.min-delta")) {
            if (isExplicit(k) && !validation) {
                throw new InputError(k + ": early stopping needs a validation set; set data.validation or "
                        + "data.validation-fraction");
            }
        }
        if (isExplicit("train.early-stopping.min-delta") && !has("train.early-stopping.patience")) {
            throw new InputError("train.early-stopping.min-delta: only applies with train.early-stopping.patience");
        }
        if (isExplicit("train.max-backoffs") && !"backoff".equals(string("train.on-divergence"))) {
            throw new InputError("train.max-backoffs: only applies to train.on-divergence = backoff");
        }
        if (has("data.num-features") && !"libsvm".equals(format())) {
            throw new InputError("data.num-features: only applies to data.format = libsvm");
        }
        for (String k : List.of("data.header", "data.delimiter")) {
            if (isExplicit(k) && !"csv".equals(format())) throw new InputError(k + ": only applies to data.format = csv");
        }
        for (String k : List.of("data.features", "data.exclude", "data.categorical")) {
            if (isExplicit(k) && "libsvm".equals(format())) {
                throw new InputError(k + ": does not apply to data.format = libsvm (its features are index:value pairs)");
            }
        }
        if (isExplicit("data.delimiter")) {
            String d = string("data.delimiter");
            if (d.length() != 1 && !d.equals("\\t") && !d.equalsIgnoreCase("tab")) {
                throw new InputError("data.delimiter: '" + d + "' is not one character (or \\t / tab)");
            }
        }
    }

    private void require(String key) {
        if (!has(key)) {
            throw new InputError(key + ": is required; expected " + ConfigSchema.keys().get(key).allowed());
        }
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public boolean isExplicit(String key) {
        return explicit.contains(key);
    }

    /** The steepest keys the config file or a --set named (the rest are defaults). */
    public List<String> explicitKeys() {
        return explicit;
    }

    public String string(String key) {
        Object v = values.get(key);
        return v == null ? null : v.toString();
    }

    public long longValue(String key) {
        return ((Number) values.get(key)).longValue();
    }

    public double doubleValue(String key) {
        return ((Number) values.get(key)).doubleValue();
    }

    /** The resolved value as stored (lists for list keys). */
    public Object value(String key) {
        return values.get(key);
    }

    public boolean bool(String key) {
        return (Boolean) values.get(key);
    }

    /**
     * Every steepest key with its resolved value, then every spark.* key, secrets redacted ({@link Redaction}):
     * what model.json records and what may be echoed.
     */
    public Map<String, Object> resolved() {
        Map<String, Object> all = new TreeMap<>(values);
        all.putAll(OptimizerOptions.resolved(this));
        all.putAll(spark);
        return new TreeMap<>(Redaction.of(spark).apply(all));
    }

    /** spark.* keys other than spark.master, passed to Spark as they are (secrets included: never echo these). */
    public Map<String, String> sparkSettings() {
        return spark;
    }

    public String trainPath() { return string("data.train"); }
    public String testPath() { return string("data.test"); }
    public String validationPath() { return string("data.validation"); }
    public String labelColumn() { return string("data.label"); }

    /** A list-valued key (column references); null when unset. */
    @SuppressWarnings("unchecked")
    public List<String> stringList(String key) {
        return (List<String>) values.get(key);
    }
    public String weightColumn() { return string("data.weight"); }
    public ModelType modelType() { return ModelType.of(string("model.type")); }

    /** optimizer.name's declaration. */
    public OptimizerKind optimizer() {
        return OptimizerKind.of(string("optimizer.name"));
    }

    /** schedule.name's declaration. */
    public ScheduleKind schedule() {
        return ScheduleKind.of(string("schedule.name"));
    }

    /** data.format, or the one the extension of data.train names (after .gz / .bz2). */
    public String format() {
        if (has("data.format")) return string("data.format");
        String p = trainPath().toLowerCase(Locale.ROOT).replaceAll("\\.(gz|bz2|deflate|snappy|lz4|zst)$", "");
        if (p.endsWith(".csv") || p.endsWith(".tsv") || p.endsWith(".txt.csv")) return "csv";
        if (p.endsWith(".parquet") || p.endsWith(".pq")) return "parquet";
        if (p.endsWith(".libsvm") || p.endsWith(".svm") || p.endsWith(".svmlight")) return "libsvm";
        throw new InputError("data.format: cannot tell the format of '" + trainPath()
                + "' from its extension; set data.format to csv, parquet or libsvm");
    }

    /** train.batch-size = full: every row in every step (batch gradient descent). */
    public boolean fullBatch() {
        return "full".equals(string("train.batch-size"));
    }

    /** train.epochs, except that setting only train.max-iterations lifts the default epoch limit. */
    public int epochs() {
        if (has("train.max-iterations") && !isExplicit("train.epochs")) return 0;
        return (int) Math.min(Integer.MAX_VALUE, longValue("train.epochs"));
    }
}
