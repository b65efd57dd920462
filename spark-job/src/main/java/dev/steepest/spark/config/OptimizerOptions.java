package dev.steepest.spark.config;

import dev.steepest.spark.InputError;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code optimizer.*} checks, from the declarations of {@link OptimizerKind}: a key that does not apply to the
 * chosen optimizer is an input error, so a typo'd setup does not silently train with defaults; and the impossible
 * combinations (L-BFGS, L1, the Armijo line search). Each key's value is the config's, else the optimizer's default.
 */
public final class OptimizerOptions {
    /** The optimizer names, in declaration order ({@link OptimizerKind}). */
    public static final List<String> NAMES = OptimizerKind.names();

    private OptimizerOptions() {
    }

    /** The defaults of {@code name}'s keys (for the README and model.json). */
    public static Map<String, Object> defaults(String name) {
        return OptimizerKind.of(name).takes();
    }

    /** Rejects optimizer keys the chosen optimizer does not take, and impossible combinations. */
    static void check(JobConfig cfg) {
        String name = cfg.string("optimizer.name");
        Map<String, Object> takes = cfg.optimizer().takes();
        for (String key : ConfigSchema.keys().keySet()) {
            if (key.startsWith("optimizer.") && !key.equals("optimizer.name") && !key.equals("optimizer.lr")
                    && cfg.isExplicit(key) && !takes.containsKey(key)) {
                throw new InputError(key + ": does not apply to optimizer.name = " + name + " (its options: "
                        + String.join(", ", takes.keySet()) + ")");
            }
        }
        if ("lbfgs".equals(name)) checkLbfgs(cfg);
        else if (cfg.doubleValue("regularization.l1") > 0) checkL1(cfg, name);
        checkLineSearch(cfg, name);
        if (takes.containsKey("optimizer.nesterov") && bool(cfg, "optimizer.nesterov")
                && (number(cfg, "optimizer.momentum") <= 0 || number(cfg, "optimizer.dampening") != 0)) {
            throw new InputError("optimizer.nesterov: needs optimizer.momentum > 0 and optimizer.dampening = 0 "
                    + "(momentum " + number(cfg, "optimizer.momentum") + ", dampening "
                    + number(cfg, "optimizer.dampening") + ")");
        }
    }

    /**
     * L-BFGS minimizes the full objective and picks its own step by a line search: it needs full batches, and the
     * keys that shape a learning rate or a stochastic trajectory do not apply.
     */
    private static void checkLbfgs(JobConfig cfg) {
        if (!"full".equals(cfg.string("train.batch-size"))) {
            throw new InputError("train.batch-size: optimizer.name = lbfgs needs train.batch-size = full (it "
                    + "minimizes the objective over every row); for mini-batches use sgd or adam");
        }
        if (cfg.modelType() == ModelType.HINGE) {
            throw new InputError("optimizer.name: lbfgs needs a differentiable loss, and model.type = hinge is not; "
                    + "use sgd, or model.type = logistic");
        }
        // each key with the one value that means "no effect" (null: any setting is refused)
        Map<String, String> neutral = new LinkedHashMap<>();
        neutral.put("optimizer.lr", null);
        neutral.put("train.lr-scaling", "none");
        neutral.put("train.warmup-epochs", "0");
        neutral.put("schedule.name", "constant");
        neutral.put("clip.value", null);
        neutral.put("clip.norm", null);
        neutral.put("train.averaging", "none");
        neutral.put("train.early-stopping.patience", null);
        neutral.put("train.on-divergence", "stop");
        neutral.put("regularization.decoupled-weight-decay", "0");
        for (Map.Entry<String, String> e : neutral.entrySet()) {
            String key = e.getKey();
            if (!cfg.isExplicit(key)) continue;
            String v = cfg.string(key);
            boolean harmless = e.getValue() != null && (e.getValue().equals(v)
                    || (e.getValue().equals("0") && cfg.doubleValue(key) == 0.0));
            if (!harmless) {
                throw new InputError(key + ": does not apply to optimizer.name = lbfgs (its line search picks "
                        + "each step; its options: optimizer.history, the train.tolerance.* keys, "
                        + "train.epochs, train.max-iterations, regularization.l1 / l2)");
            }
        }
    }

    /**
     * With {@code regularization.l1 > 0} the loop takes the proximal step in the optimizer's own metric, so that
     * the run settles at the L1 optimum (README, "L1 with every optimizer"). Three settings would move that
     * fixed point whatever the prox does, and are refused: a decay outside the objective (decoupled: AdamW's and
     * LAMB's {@code weight-decay}, {@code regularization.decoupled-weight-decay}), whose pull on {@code w} is
     * not the gradient of any fixed penalty; and centered RMSProp, whose denominator
     * {@code sqrt(v - mean(g)^2)} goes to 0 once the gradient is constant, so that it never settles.
     */
    private static void checkL1(JobConfig cfg, String name) {
        String l1 = "regularization.l1 = " + cfg.string("regularization.l1");
        if (cfg.doubleValue("regularization.decoupled-weight-decay") > 0) {
            throw new InputError("regularization.decoupled-weight-decay: does not combine with " + l1 + " (a decay "
                    + "outside the objective moves the run off the L1 optimum); for the elastic net set "
                    + "regularization.l2 instead, which every optimizer takes");
        }
        if (("adamw".equals(name) || "lamb".equals(name)) && number(cfg, "optimizer.weight-decay") > 0) {
            throw new InputError("optimizer.weight-decay: " + name + "'s decoupled decay (" + number(cfg,
                    "optimizer.weight-decay") + (cfg.isExplicit("optimizer.weight-decay") ? "" : ", its default")
                    + ") does not combine with " + l1 + " (it moves the run off the L1 optimum); set "
                    + "optimizer.weight-decay = 0, or use regularization.l2 for the elastic net"
                    + ("adamw".equals(name) ? ", or optimizer.name = adam" : ""));
        }
        if ("rmsprop".equals(name) && bool(cfg, "optimizer.centered")) {
            throw new InputError("optimizer.centered: centered rmsprop does not settle with " + l1 + " (its "
                    + "denominator sqrt(v - mean(g)^2) goes to 0 at a fixed point); set optimizer.centered = false, "
                    + "or use adam or lbfgs");
        }
    }

    /**
     * {@code train.line-search = armijo} backtracks plain full-batch gradient descent on the objective itself: every
     * row, the step {@code -t g}, and nothing that changes the step or the objective outside of it.
     */
    private static void checkLineSearch(JobConfig cfg, String name) {
        boolean armijo = "armijo".equals(cfg.string("train.line-search"));
        for (String k : List.of("train.armijo.c1", "train.armijo.shrink")) {
            if (cfg.isExplicit(k) && !armijo) throw new InputError(k + ": only applies with train.line-search = armijo");
        }
        if (!armijo) return;
        if (!"full".equals(cfg.string("train.batch-size"))) {
            throw new InputError("train.line-search: armijo needs train.batch-size = full (it compares the objective "
                    + "on every row); for mini-batches use a schedule");
        }
        if (!"sgd".equals(name) && !"momentum".equals(name) && !"nesterov".equals(name)
                || number(cfg, "optimizer.momentum") != 0.0) {
            throw new InputError("train.line-search: armijo is for gradient descent, optimizer.name = sgd with "
                    + "optimizer.momentum = 0 (not " + name + ("lbfgs".equals(name) ? ", whose strong-Wolfe line "
                    + "search is built in)" : "); for curvature use optimizer.name = lbfgs"));
        }
        if (number(cfg, "optimizer.weight-decay") != 0.0) {
            throw new InputError("optimizer.weight-decay: not with train.line-search = armijo (the decay is not in "
                    + "the objective the search checks); use regularization.l2");
        }
        if (cfg.doubleValue("regularization.decoupled-weight-decay") != 0.0) {
            throw new InputError("regularization.decoupled-weight-decay: not with train.line-search = armijo (the "
                    + "decay is not in the objective the search checks); use regularization.l2");
        }
        if (cfg.doubleValue("regularization.l1") > 0) {
            throw new InputError("regularization.l1: not with train.line-search = armijo (its condition is for a "
                    + "smooth objective); for L1 use optimizer.name = lbfgs (OWL-QN)");
        }
        for (String k : List.of("clip.value", "clip.norm")) {
            if (cfg.has(k)) {
                throw new InputError(k + ": not with train.line-search = armijo (the search steps along the "
                        + "gradient itself, and picks its length)");
            }
        }
    }

    /** Whether the chosen optimizer takes {@code key}. */
    public static boolean takes(JobConfig cfg, String key) {
        return cfg.optimizer().takes().containsKey(key);
    }

    /** The value of a numeric optimizer key: the config's, else the chosen optimizer's default. */
    public static double number(JobConfig cfg, String key) {
        if (cfg.has(key)) return cfg.doubleValue(key);
        return ((Number) cfg.optimizer().takes().get(key)).doubleValue();
    }

    public static boolean bool(JobConfig cfg, String key) {
        if (cfg.has(key)) return cfg.bool(key);
        return (Boolean) cfg.optimizer().takes().get(key);
    }

    /** Every option of the chosen optimizer with its resolved value. */
    static Map<String, Object> resolved(JobConfig cfg) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String key : cfg.optimizer().takes().keySet()) {
            Object def = cfg.optimizer().takes().get(key);
            out.put(key, def instanceof Boolean ? (Object) bool(cfg, key) : (Object) number(cfg, key));
        }
        return out;
    }

}
