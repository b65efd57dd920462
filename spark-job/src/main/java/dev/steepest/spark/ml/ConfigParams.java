package dev.steepest.spark.ml;

import dev.steepest.spark.config.ConfigSchema;
import dev.steepest.spark.config.Key;
import dev.steepest.spark.config.OptimizerKind;
import dev.steepest.spark.config.ScheduleKind;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.param.StringArrayParam;

/**
 * The Estimators' Params, derived from {@link ConfigSchema}'s keys so nothing is listed twice: Spark's conventional
 * names for the shared concepts ({@link #CONVENTIONAL}: {@code stepSize} is {@code optimizer.lr} ...; {@code regParam}
 * and {@code elasticNetParam} together give {@code regularization.l2} and {@code l1}), and every other training key
 * as a Param named by camel-casing the key ({@code train.batch-size} is {@code trainBatchSize}), with the key's doc,
 * default and check. Keys about reading files ({@code data.format}, {@code data.label} ...) are not Params: a
 * DataFrame comes with columns ({@code featuresCol}, {@code labelCol}, {@code weightCol}).
 */
public final class ConfigParams implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Spark's conventional Param names and the config key each stands for. */
    public static final Map<String, String> CONVENTIONAL = conventional();
    /**
     * Keys with no Param: files, outputs, checkpoints (a CLI run's: {@code steepest train --resume}), and the two
     * keys that regParam and elasticNetParam set.
     */
    static final Set<String> NOT_PARAMS = Set.of("train.checkpoint.every", "train.checkpoint.dir",
            "train.checkpoint.keep", "data.train", "data.test", "data.validation",
            "data.validation-fraction", "data.format", "data.label", "data.weight", "data.num-features", "data.header",
            "data.delimiter", "data.features", "data.exclude", "data.categorical", "output.dir", "spark.master",
            "regularization.l1", "regularization.l2");

    private final Map<String, Param<?>> byKey = new LinkedHashMap<>();

    private static Map<String, String> conventional() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("maxIter", "train.max-iterations");
        m.put("stepSize", "optimizer.lr");
        m.put("tol", "train.tolerance.loss-change");
        m.put("fitIntercept", "model.fit-intercept");
        m.put("standardization", "model.standardize");
        m.put("seed", "train.seed");
        return m;
    }

    /** The Params of {@code owner}: one per config key that has one. */
    ConfigParams(Params owner) {
        paramNames().forEach((key, name) -> byKey.put(key, param(owner, name, ConfigSchema.keys().get(key))));
    }

    /** Every config key that has a Param, with the Param's name (the README's table), in the schema's order. */
    public static Map<String, String> paramNames() {
        Map<String, String> conventional = new LinkedHashMap<>();
        CONVENTIONAL.forEach((name, key) -> conventional.put(key, name));
        Map<String, String> out = new LinkedHashMap<>();
        for (Key k : ConfigSchema.keys().values()) {
            if (!NOT_PARAMS.contains(k.name())) out.put(k.name(), conventional.getOrDefault(k.name(), paramName(k.name())));
        }
        return out;
    }

    /** {@code train.batch-size} -> {@code trainBatchSize}. */
    public static String paramName(String key) {
        StringBuilder s = new StringBuilder();
        boolean up = false;
        for (char c : key.toCharArray()) {
            if (c == '.' || c == '-') {
                up = true;
            } else {
                s.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return s.toString();
    }

    /** Every config key with a Param, and its Param. */
    public Map<String, Param<?>> byKey() {
        return byKey;
    }

    Param<?> get(String key) {
        return byKey.get(key);
    }

    List<Param<?>> all() {
        return new ArrayList<>(byKey.values());
    }

    /** The Param's value as a config value (lists for array Params). */
    static Object configValue(Object v) {
        if (v instanceof int[] a) return Arrays.stream(a).boxed().toList();
        if (v instanceof double[] a) return Arrays.stream(a).boxed().toList();
        if (v instanceof String[] a) return List.of(a);
        return v;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Param<?> param(Params owner, String name, Key k) {
        String uid = owner.uid();
        String doc = k.name() + ": " + k.description() + " Allowed: " + k.allowed() + "." + declaredDefaults(k.name());
        Accepts check = new Accepts(k.name());
        Param p = switch (k.type()) {
            case BOOLEAN -> new BooleanParam(uid, name, doc);
            case INT, LONG -> new LongParam(uid, name, doc, (scala.Function1) check);
            case DOUBLE -> new DoubleParam(uid, name, doc, (scala.Function1) check);
            case INT_LIST -> new IntArrayParam(owner, name, doc, (scala.Function1) check);
            case NUMBER_LIST -> new DoubleArrayParam(owner, name, doc, (scala.Function1) check);
            case STRING_LIST -> new StringArrayParam(owner, name, doc, (scala.Function1) check);
            default -> new Param<String>(uid, name, doc, (scala.Function1) check);
        };
        return p;
    }

    /**
     * For an {@code optimizer.*} or {@code schedule.*} option: which optimizers or schedules take it, with their
     * defaults, from their declarations ({@link OptimizerKind}, {@link ScheduleKind}); else "".
     */
    public static String declaredDefaults(String key) {
        Map<String, Object> d = key.startsWith("optimizer.") ? OptimizerKind.defaultsOf(key)
                : key.startsWith("schedule.") ? ScheduleKind.defaultsOf(key) : Map.of();
        if (d.isEmpty()) return "";
        java.util.StringJoiner s = new java.util.StringJoiner(", ", " Taken by (default): ", ".");
        d.forEach((name, v) -> s.add(name + " (" + (v == null ? "required"
                : ScheduleKind.RUN_LENGTH.equals(v) ? "the run's length" : v) + ")"));
        return s.toString();
    }

    /** A Param value check: the config key accepts it ({@link ConfigSchema#accepts}). */
    private static final class Accepts extends scala.runtime.AbstractFunction1<Object, Object> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String key;

        Accepts(String key) {
            this.key = key;
        }

        @Override
        public Object apply(Object v) {
            return ConfigSchema.accepts(key, configValue(v));
        }
    }

    /** The default of each Param that has one (the key's default), for {@code setDefault}. */
    Map<Param<?>, Object> defaults() {
        Map<Param<?>, Object> m = new LinkedHashMap<>();
        byKey.forEach((key, p) -> {
            Object d = ConfigSchema.keys().get(key).defaultValue();
            if (d == null) return;
            if (p instanceof IntArrayParam) d = ((List<?>) d).stream().mapToInt(x -> ((Number) x).intValue()).toArray();
            else if (p instanceof DoubleArrayParam) d = ((List<?>) d).stream().mapToDouble(x -> ((Number) x).doubleValue()).toArray();
            else if (p instanceof StringArrayParam) d = ((List<?>) d).stream().map(String::valueOf).toArray(String[]::new);
            else if (p instanceof LongParam) d = ((Number) d).longValue();
            else if (p instanceof DoubleParam) d = ((Number) d).doubleValue();
            else if (!(p instanceof BooleanParam)) d = String.valueOf(d);
            m.put(p, d);
        });
        return m;
    }
}
