package dev.steepest.spark.config;

import dev.steepest.spark.InputError;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every config key steepest reads, with type, default and allowed values. Keys under {@code spark.} go to Spark
 * as they are. Anything else is rejected before Spark starts, naming the key and what is allowed.
 * The README's config reference lists these keys; a test keeps the two in step.
 */
public final class ConfigSchema {
    private static final double INF = Double.POSITIVE_INFINITY;
    private static final Map<String, Key> KEYS = new LinkedHashMap<>();

    static {
        // data
        string("data.train", null, "Training data: a path, glob or any Hadoop FileSystem URI (required).");
        string("data.test", null, "Held-out data evaluated after training (same format and columns).");
        string("data.validation", null, "Validation data evaluated after every epoch (same format and columns as "
                + "data.train); early stopping and the plateau schedule watch its loss.");
        real("data.validation-fraction", null, 0, true, 1, true, "Hold out this fraction of the training rows as the "
                + "validation set instead (stratified by class, seeded by train.seed; those rows are not trained on).");
        word("data.format", null, "Input format; default from the extension of data.train.", "csv", "parquet", "libsvm");
        string("data.label", "label", "Label column (CSV / Parquet).");
        string("data.weight", null, "Sample-weight column (CSV / Parquet); every weight 1 when unset.");
        integer("data.num-features", null, 1, INF, "LibSVM: number of features; inferred when unset.");
        bool("data.header", true, "CSV: the first line of each file names the columns (else they are _c0, _c1, ...).");
        string("data.delimiter", ",", "CSV: the field delimiter, one character (\\t or tab for tabs).");
        add("data.features", Key.Type.STRING_LIST, null, List.of(), 0, false, INF, false, "CSV / Parquet: the "
                + "feature columns (names or 0-based positions); default every column but the label, weight, "
                + "excluded and categorical ones.");
        add("data.exclude", Key.Type.STRING_LIST, List.of(), List.of(), 0, false, INF, false,
                "CSV / Parquet: columns that are not features (ids, timestamps).");
        add("data.categorical", Key.Type.STRING_LIST, List.of(), List.of(), 0, false, INF, false,
                "CSV / Parquet: string columns one-hot encoded with Spark ML's StringIndexer and OneHotEncoder "
                + "(categories in alphabetical order; one unseen in held-out data encodes as all zeros).");
        word("data.on-bad-record", "fail", "A record that cannot be trained on (malformed line, missing or non-"
                + "numeric value, NaN or infinity, negative weight): fail names its file and line; skip leaves it "
                + "out and counts it per reason in summary.json.", "fail", "skip");
        integer("data.partitions", null, 1, INF,
                "Partitions (= cached blocks); default max(input partitions, Spark default parallelism).");
        word("data.precision", "float64", "How the cached blocks store feature values: float64 (8 bytes each) or "
                + "float32 (4 bytes, each rounded to the nearest float; labels, weights and every sum stay double). "
                + "Training, validation and held-out sets alike.", "float64", "float32");
        bool("data.truncate-lineage", true, "Steps read the cached blocks past their read plan, so they do not "
                + "re-ship it (faster steps); a lost executor's blocks are still recomputed from the input.");
        // model
        word("model.type", null, "The model (required).", ModelType.names().toArray(new String[0]));
        add("model.hidden", Key.Type.INT_LIST, List.of(256L, 128L), List.of(), 1, false, INF, false,
                "mlp: the widths of the hidden layers.");
        word("model.activation", "relu", "mlp: the hidden layers' activation (He init for relu and leaky-relu, "
                + "Xavier for tanh and sigmoid).", "relu", "leaky-relu", "tanh", "sigmoid");
        word("model.head", "softmax", "mlp: the output and its loss: softmax (K classes), logistic (2 classes) or "
                + "squared (regression).", "softmax", "logistic", "squared");
        real("model.huber-delta", 1.0, 0, true, INF, false, "huber: the residual where the loss turns linear.");
        integer("model.max-classes", 1000L, 2, INF, "softmax: the most distinct labels accepted.");
        bool("model.fit-intercept", true, "Fit an intercept (never regularized).");
        bool("model.standardize", true, "Train on features scaled to unit standard deviation (computed in one "
                + "pass, applied inside the kernel; model.json is in the original space).");
        word("model.init", "zeros", "Initial parameters: zeros, or N(0, init-std^2) weights seeded by train.seed.",
                "zeros", "normal");
        real("model.init-std", 0.01, 0, true, INF, false, "Standard deviation for model.init = normal.");
        string("model.init-from", null, "Warm start: train from the parameters of this model (a run directory, a "
                + "model.json, or a saved Spark ML model directory; any Hadoop FileSystem path) instead of model.init's. "
                + "Its type, features, classes and layers must be this run's.");
        // optimizer (per-optimizer defaults: OptimizerOptions)
        word("optimizer.name", "sgd", "The optimizer; momentum and nesterov are sgd with momentum 0.9 (and "
                + "nesterov).", OptimizerKind.names().toArray(new String[0]));
        real("optimizer.lr", 0.01, 0, true, INF, false, "Base learning rate (before the scaling rule).");
        real("optimizer.momentum", null, 0, false, 1, true, "Momentum factor (sgd, rmsprop, lars).");
        real("optimizer.dampening", null, 0, false, 1, false, "Dampening of the momentum (sgd).");
        bool("optimizer.nesterov", null, "Nesterov momentum (sgd; needs momentum > 0 and dampening 0).");
        real("optimizer.weight-decay", null, 0, false, INF, false, "Weight decay: coupled (g + wd w) for sgd, "
                + "adagrad, rmsprop, adam; decoupled for adamw; inside the trust ratio for lars, lamb.");
        real("optimizer.lr-decay", null, 0, false, INF, false, "Adagrad's rate decay: lr / (1 + (t - 1) lr-decay).");
        real("optimizer.initial-accumulator", null, 0, false, INF, false, "Adagrad's initial sum of squares.");
        real("optimizer.eps", null, 0, false, INF, false, "Term added to the denominator (adagrad, rmsprop, adam, "
                + "adamw, lamb).");
        real("optimizer.alpha", null, 0, false, 1, false, "RMSProp's smoothing constant.");
        bool("optimizer.centered", null, "RMSProp divides by the centered second moment (an estimate of the variance).");
        real("optimizer.beta1", null, 0, false, 1, true, "Decay of the first moment (adam, adamw, lamb).");
        real("optimizer.beta2", null, 0, false, 1, true, "Decay of the second moment (adam, adamw, lamb).");
        bool("optimizer.amsgrad", null, "AMSGrad: divide by the running maximum of the second moment (adam, adamw).");
        real("optimizer.trust-coefficient", null, 0, true, INF, false, "LARS trust coefficient eta.");
        bool("optimizer.exclude-biases", null, "LARS / LAMB: no decay and no trust ratio for intercepts and biases.");
        integer("optimizer.history", null, 1, INF, "lbfgs: the curvature pairs L-BFGS keeps (memory m, default 10).");
        // gradient clipping
        real("clip.value", null, 0, true, INF, false, "Clip every gradient component to [-value, value].");
        real("clip.norm", null, 0, true, INF, false, "Rescale the gradient to this global L2 norm when above it "
                + "(gradient_norm in metrics.jsonl is the norm before clipping).");
        // regularization
        real("regularization.l2", 0.0, 0, false, INF, false,
                "L2 penalty l2/2 ||w||^2 added to the objective and its gradient.");
        real("regularization.l1", 0.0, 0, false, INF, false, "L1 penalty l1 ||w||_1 by proximal soft-thresholding "
                + "after each step, in the optimizer's metric (threshold = each coordinate's step times l1), so every "
                + "optimizer settles at the L1 optimum with its exact zeros; with l2 too this is the elastic net. "
                + "Refused with a decoupled decay and centered rmsprop.");
        real("regularization.decoupled-weight-decay", 0.0, 0, false, INF, false,
                "Decoupled decay for any optimizer: theta <- theta + update - lr(t) wd theta (Loshchilov & Hutter 2019); "
                        + "not with regularization.l1 (use regularization.l2).");
        bool("regularization.include-intercepts", false, "Also regularize and decay intercepts and biases.");
        // learning-rate schedule (counts in epochs, converted to steps)
        word("schedule.name", "constant", "Learning-rate schedule, stepped every iteration.",
                ScheduleKind.names().toArray(new String[0]));
        real("schedule.gamma", null, 0, true, 1, false, "Decay factor (step, multistep: 0.1; exponential: per epoch, 0.95).");
        real("schedule.step-epochs", null, 0, true, INF, false, "step: decay every this many epochs (required).");
        list("schedule.milestones", "multistep: epochs at which to decay, increasing (required).");
        real("schedule.decay", null, 0, true, INF, false, "inverse-time: lr / (1 + decay x t), t in steps (required).");
        real("schedule.power", null, 0, true, INF, false, "polynomial: exponent (default 1).");
        real("schedule.total-epochs", null, 0, true, INF, false, "polynomial, cosine, one-cycle: length in epochs "
                + "(default train.epochs).");
        real("schedule.min-lr", null, 0, false, INF, false, "polynomial: end rate; cosine, cosine-restarts: eta_min; "
                + "plateau: lowest rate (default 0).");
        real("schedule.restart-epochs", null, 0, true, INF, false, "cosine-restarts: first period T_0 in epochs (required).");
        integer("schedule.restart-mult", null, 1, INF, "cosine-restarts: period multiplier T_mult (default 1).");
        real("schedule.pct-start", null, 0, true, 1, true, "one-cycle: fraction of the cycle spent rising (default 0.3).");
        real("schedule.div-factor", null, 0, true, INF, false, "one-cycle: initial lr = max lr / div-factor (default 25).");
        real("schedule.final-div-factor", null, 0, true, INF, false,
                "one-cycle: final lr = initial lr / final-div-factor (default 1e4).");
        word("schedule.anneal", null, "one-cycle: annealing shape (default cos).", "cos", "linear");
        bool("schedule.three-phase", null, "one-cycle: the three-phase variant (default false).");
        real("schedule.factor", null, 0, true, 1, true, "plateau: multiply the rate by this (default 0.1).");
        integer("schedule.patience", null, 0, INF, "plateau: epochs without improvement before reducing (default 10).");
        real("schedule.threshold", null, 0, false, INF, false, "plateau: minimum improvement (default 1e-4).");
        word("schedule.threshold-mode", null, "plateau: improvement relative to the best, or absolute (default rel).",
                "rel", "abs");
        integer("schedule.cooldown", null, 0, INF, "plateau: epochs to wait after a reduction (default 0).");
        // averaging
        word("train.averaging", "none", "Polyak-Ruppert averaging: the model is the mean of the iterates (polyak).",
                "none", "polyak");
        real("train.averaging-start-epoch", 0.0, 0, false, INF, false, "Average the iterates from this epoch on.");
        // train
        wordOrInt("train.batch-size", "256", "Rows per step: 'full' (batch GD), 1 (SGD) or any other number "
                + "(mini-batch). An epoch is ceil(n / B) steps.", "full");
        integer("train.epochs", 10L, 1, INF, "Passes over the data (unlimited when only max-iterations is set).");
        integer("train.max-iterations", null, 1, INF, "Stop after this many steps.");
        integer("train.seed", 42L, -INF, INF, "Seed for batch sampling and initialization.");
        word("train.lr-scaling", "none", "Batch-size rule for the rate (Goyal et al. 2017): lr x B / reference "
                + "(linear), lr x sqrt(B / reference) (sqrt), or none.", "none", "linear", "sqrt");
        integer("train.reference-batch-size", 256L, 1, INF, "The reference batch of the scaling rule.");
        real("train.warmup-epochs", 0.0, 0, false, INF, false,
                "Ramp the rate linearly from optimizer.lr to the scaled rate over this many epochs.");
        real("train.tolerance.loss-change", null, 0, true, INF, false,
                "Stop when |L_e - L_{e-1}| <= tol x max(1, |L_{e-1}|) between epochs (L_e: mean batch loss).");
        real("train.tolerance.gradient-norm", null, 0, true, INF, false,
                "Stop when the norm of the epoch's mean gradient <= tol.");
        real("train.tolerance.parameter-change", null, 0, true, INF, false,
                "Stop when ||theta_e - theta_{e-1}|| <= tol x max(1, ||theta_{e-1}||) between epochs.");
        integer("train.early-stopping.patience", null, 1, INF, "Stop after this many epochs without improvement of "
                + "the validation loss, and keep the best epoch's parameters (needs a validation set).");
        real("train.early-stopping.min-delta", 0.0, 0, false, INF, false,
                "The smallest decrease of the validation loss that counts as an improvement.");
        word("train.line-search", "none", "Full-batch gradient descent: none (the scheduled rate), or armijo: "
                + "backtrack from the scheduled rate, t <- shrink t, until f(w - t g) <= f(w) - c1 t ||g||^2 "
                + "(needs train.batch-size = full and plain sgd).", "none", "armijo");
        real("train.armijo.c1", 1e-4, 0, true, 1, true, "armijo: the sufficient-decrease constant c1.");
        real("train.armijo.shrink", 0.5, 0, true, 1, true, "armijo: the factor a rejected trial step is multiplied by.");
        word("train.on-divergence", "stop", "On a diverging step: stop (exit 3, last good parameters saved), or back "
                + "off: restore the last good state and halve the rate for the rest of the run.", "stop", "backoff");
        integer("train.max-backoffs", 5L, 0, INF, "Backoffs allowed before the run stops as diverged.");
        real("train.divergence-factor", 1000.0, 1, true, INF, false, "A step whose loss is more than this many times "
                + "the starting loss diverges (besides non-finite losses, gradients and parameters).");
        real("train.progress-seconds", 5.0, 0, true, INF, false, "At most one progress line per this many seconds.");
        word("train.metrics", "step", "What metrics.jsonl records: every step and epoch, or epochs only.",
                "step", "epoch");
        integer("train.broadcast-threshold-bytes", 524288L, 0, INF,
                "Parameters larger than this are broadcast; smaller ones travel in the task closure.");
        integer("train.tree-aggregate-threshold", 32L, 2, INF,
                "Above this many partitions, partial sums are merged in a two-level tree on the executors.");
        word("train.step-mode", "auto", "How steps reach the executors: one Spark job per step (jobs), or one "
                + "long-running task per partition that the driver streams steps to over a socket (resident: no "
                + "per-step scheduling; needs a task slot per partition and executors that can reach the driver). "
                + "auto: resident when every partition has a slot, dynamic allocation is off and a step's traffic is small "
                + "(train.resident.max-step-bytes).",
                "auto", "jobs", "resident");
        integer("train.resident.port", 0L, 0, 65535, "Driver port the resident tasks connect to (0: any free port).");
        integer("train.resident.max-step-bytes", 67108864L, 0, INF, "auto: with executors in their own JVMs, take "
                + "resident tasks only while partitions x 8 x parameters (what the driver sends, and receives, a step) "
                + "is at most this; above it one job per step, whose broadcast spreads the sending.");
        real("train.resident.connect-seconds", 30.0, 0, true, INF, false, "How long the resident tasks have to "
                + "connect before the run falls back to one Spark job per step.");
        string("train.checkpoint.every", "5 minutes", "When to checkpoint the run (besides at its end and on SIGTERM / "
                + "SIGINT): 'N steps', 'N epochs', a wall-clock interval ('90 s', '10 minutes', '1 h') or 'none'.");
        string("train.checkpoint.dir", null, "Where checkpoints go: any Hadoop FileSystem URI (hdfs://, s3a://, "
                + "file://); default DIR/checkpoints of the run's output (.DIR.checkpoints beside it while it runs).");
        integer("train.checkpoint.keep", 2L, 1, INF, "How many of the newest checkpoints to keep.");
        string("train.tensorboard-dir", null, "Also write the run's scalars (loss, lr, gradient norms, validation "
                + "metrics) as a TensorBoard event file here: a path or any Hadoop FileSystem URI.");
        string("output.dir", null, "Output directory (the --out option wins); default runs/<config>-<time>.");
        string("spark.master", "local[*]", "Spark master when not run by spark-submit (whose --master wins).");
    }

    private ConfigSchema() {
    }

    public static Map<String, Key> keys() {
        return Collections.unmodifiableMap(KEYS);
    }

    /**
     * Checks every key of {@code user} and returns the resolved values: defaults filled in, types converted.
     * Keys under {@code spark.} (other than spark.master) are returned as strings in {@code spark}.
     */
    public static JobConfig validate(Config user) {
        return validate(user, Map.of());
    }

    /** As {@link #validate(Config)}, with Spark settings read verbatim beside the HOCON ({@link ConfigLoader}). */
    public static JobConfig validate(Config user, Map<String, String> flatSpark) {
        Map<String, Object> values = new TreeMap<>();
        Map<String, String> spark = new TreeMap<>(flatSpark);
        List<String> explicit = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> e : new TreeMap<>(flatten(user)).entrySet()) {
            String name = e.getKey();
            ConfigValue v = e.getValue();
            Key key = KEYS.get(name);
            if (key == null) {
                if (name.startsWith("spark.")) {
                    spark.putIfAbsent(name, String.valueOf(v.unwrapped()));
                    continue;
                }
                throw new InputError("unknown config key '" + name + "'" + where(v) + suggestion(name));
            }
            values.put(name, convert(key, v));
            explicit.add(name);
        }
        for (Key k : KEYS.values()) {
            if (!values.containsKey(k.name()) && k.defaultValue() != null) values.put(k.name(), k.defaultValue());
        }
        JobConfig cfg = new JobConfig(values, spark, explicit);
        cfg.checkCombinations();
        return cfg;
    }

    /** Whether {@code value} is allowed for {@code key} on its own (type and range; combinations are checked later). */
    public static boolean accepts(String key, Object value) {
        try {
            convert(KEYS.get(key), com.typesafe.config.ConfigValueFactory.fromAnyRef(value));
            return true;
        } catch (InputError | com.typesafe.config.ConfigException e) {
            return false;
        }
    }

    private static Map<String, ConfigValue> flatten(Config c) {
        Map<String, ConfigValue> m = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> e : c.entrySet()) m.put(e.getKey(), e.getValue());
        return m;
    }

    private static String where(ConfigValue v) {
        if (v.origin() == null || v.origin().lineNumber() < 0) return "";
        // a file's text is parsed with the file's path as its origin description (ConfigLoader)
        String name = v.origin().filename() != null ? v.origin().filename()
                : v.origin().description().replaceFirst(":\\s*\\d+(-\\d+)?$", "");
        if (name.isEmpty() || name.equals("String")) return "";
        return " (" + name + ":" + v.origin().lineNumber() + ")";
    }

    static Object convert(Key key, ConfigValue v) {
        Object raw = v.unwrapped();
        String text = String.valueOf(raw).trim();
        String bad = key.name() + ": '" + text + "' is not allowed" + where(v) + "; expected " + key.allowed();
        if (key.type() == Key.Type.NUMBER_LIST) {
            return numberList(key, v, bad);
        }
        if (key.type() == Key.Type.INT_LIST) {
            return intList(v, bad);
        }
        if (key.type() == Key.Type.STRING_LIST) {
            return stringList(v, bad);
        }
        if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST) {
            throw new InputError(bad);
        }
        switch (key.type()) {
            case STRING:
                if (text.isEmpty()) throw new InputError(key.name() + ": must not be empty" + where(v));
                return text;
            case BOOLEAN:
                if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) return Boolean.parseBoolean(text);
                throw new InputError(bad);
            case WORD:
                if (key.choices().contains(text)) return text;
                throw new InputError(bad);
            case WORD_OR_INT:
                if (key.choices().contains(text)) return text;
                long n = parseLong(text, bad);
                checkRange(key, n, bad);
                return Long.toString(n);
            case INT:
            case LONG:
                long l = parseLong(text, bad);
                checkRange(key, l, bad);
                return l;
            case DOUBLE:
                double d;
                try {
                    d = Double.parseDouble(text);
                } catch (NumberFormatException ex) {
                    throw new InputError(bad);
                }
                if (!Double.isFinite(d)) throw new InputError(bad);
                return checkRange(key, d, bad);
            default:
                throw new IllegalStateException(key.type().toString());
        }
    }

    /** Column references: a list of names or positions, or one comma-separated string; no duplicates. */
    private static List<String> stringList(ConfigValue v, String bad) {
        List<String> out = new ArrayList<>();
        if (v.valueType() == ConfigValueType.LIST) {
            for (Object o : (List<?>) v.unwrapped()) {
                if (o == null || o instanceof List || o instanceof Map) throw new InputError(bad);
                out.add(o instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                        ? Long.toString(n.longValue()) : String.valueOf(o).trim());
            }
        } else if (v.valueType() == ConfigValueType.OBJECT) {
            throw new InputError(bad);
        } else {
            for (String part : String.valueOf(v.unwrapped()).split(",")) {
                if (!part.isBlank()) out.add(part.trim());
            }
        }
        if (out.stream().anyMatch(String::isEmpty) || out.stream().distinct().count() != out.size()) {
            throw new InputError(bad);
        }
        return List.copyOf(out);
    }

    /** A non-empty, strictly increasing list of positive numbers, e.g. {@code [30, 60, 80]} or {@code "30,60,80"}. */
    private static List<Double> numberList(Key key, ConfigValue v, String bad) {
        List<Double> out = new ArrayList<>();
        if (v.valueType() == ConfigValueType.LIST) {
            for (Object o : (List<?>) v.unwrapped()) {
                if (!(o instanceof Number n)) throw new InputError(bad);
                out.add(n.doubleValue());
            }
        } else {
            for (String part : String.valueOf(v.unwrapped()).split(",")) {
                try {
                    out.add(Double.parseDouble(part.trim()));
                } catch (NumberFormatException e) {
                    throw new InputError(bad);
                }
            }
        }
        for (int i = 0; i < out.size(); i++) {
            if (!(out.get(i) > 0) || !Double.isFinite(out.get(i)) || (i > 0 && out.get(i) <= out.get(i - 1))) {
                throw new InputError(bad);
            }
        }
        if (out.isEmpty()) throw new InputError(bad);
        return List.copyOf(out);
    }

    /** A list of whole numbers >= 1 (possibly empty), e.g. {@code [256, 128]} or {@code "256,128"}. */
    private static List<Long> intList(ConfigValue v, String bad) {
        List<Long> out = new ArrayList<>();
        List<?> items = v.valueType() == ConfigValueType.LIST ? (List<?>) v.unwrapped()
                : List.of(String.valueOf(v.unwrapped()).split(","));
        for (Object o : items) {
            String t = String.valueOf(o).trim();
            if (t.isEmpty() && items.size() == 1) break;
            long n;
            try {
                n = Long.parseLong(t);
            } catch (NumberFormatException e) {
                throw new InputError(bad);
            }
            if (n < 1 || n > Integer.MAX_VALUE) throw new InputError(bad);
            out.add(n);
        }
        return List.copyOf(out);
    }

    private static long parseLong(String text, String bad) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException ex) {
            throw new InputError(bad);
        }
    }

    private static double checkRange(Key key, double d, String bad) {
        boolean lowOk = key.minExclusive() ? d > key.min() : d >= key.min();
        boolean highOk = key.maxExclusive() ? d < key.max() : d <= key.max();
        if (!lowOk || !highOk) throw new InputError(bad);
        return d;
    }

    /** " (did you mean 'x'?)" for the closest known key within a few edits. */
    static String suggestion(String name) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : KEYS.keySet()) {
            int d = editDistance(name, k);
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        if (best != null && bestDistance <= Math.max(2, name.length() / 4)) {
            return " (did you mean '" + best + "'?)";
        }
        String section = name.contains(".") ? name.substring(0, name.indexOf('.') + 1) : name;
        List<String> same = KEYS.keySet().stream().filter(k -> k.startsWith(section)).toList();
        return same.isEmpty() ? "; see the config reference in README.md" : "; known keys here: " + String.join(", ", same);
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    static void add(String name, Key.Type type, Object def, List<String> choices, double min, boolean minEx,
                            double max, boolean maxEx, String doc) {
        KEYS.put(name, new Key(name, type, def, choices, min, minEx, max, maxEx, doc));
    }

    private static void string(String name, String def, String doc) {
        add(name, Key.Type.STRING, def, List.of(), -INF, false, INF, false, doc);
    }

    private static void word(String name, String def, String doc, String... choices) {
        add(name, Key.Type.WORD, def, List.of(choices), -INF, false, INF, false, doc);
    }

    private static void wordOrInt(String name, String def, String doc, String... choices) {
        add(name, Key.Type.WORD_OR_INT, def, List.of(choices), 1, false, INF, false, doc);
    }

    private static void list(String name, String doc) {
        add(name, Key.Type.NUMBER_LIST, null, List.of(), 0, true, INF, false, doc);
    }

    private static void bool(String name, Boolean def, String doc) {
        add(name, Key.Type.BOOLEAN, def, List.of(), -INF, false, INF, false, doc);
    }

    private static void integer(String name, Long def, double min, double max, String doc) {
        add(name, Key.Type.LONG, def, List.of(), min, false, max, false, doc);
    }

    private static void real(String name, Double def, double min, boolean minEx, double max, boolean maxEx, String doc) {
        add(name, Key.Type.DOUBLE, def, List.of(), min, minEx, max, maxEx, doc);
    }
}
