package dev.steepest.spark.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one declaration of each {@code optimizer.name}: its config name, its algorithm, and the {@code optimizer.*} keys it takes with
 * their defaults — PyTorch's where PyTorch has the optimizer (torch.optim.SGD, Adagrad, RMSprop, Adam, AdamW), the
 * papers' otherwise (LARS: You et al. 2017; LAMB: You et al. 2019). The schema's allowed names, the per-optimizer
 * key check ({@link OptimizerOptions}), model.json's resolved options and the README's check derive from it;
 * {@code spec.OptimizerSpec} builds each one (an exhaustive switch over this enum).
 */
public enum OptimizerKind implements Declaration {
    SGD("sgd", "`torch.optim.SGD`", sgd(0.0, false)),
    MOMENTUM("momentum", "`torch.optim.SGD`", sgd(0.9, false)),
    NESTEROV("nesterov", "`torch.optim.SGD`", sgd(0.9, true)),
    ADAGRAD("adagrad", "`torch.optim.Adagrad`", keys("optimizer.lr-decay", 0.0, "optimizer.initial-accumulator", 0.0, "optimizer.eps", 1e-10,
            "optimizer.weight-decay", 0.0)),
    RMSPROP("rmsprop", "`torch.optim.RMSprop`", keys("optimizer.alpha", 0.99, "optimizer.eps", 1e-8, "optimizer.centered", false,
            "optimizer.momentum", 0.0, "optimizer.weight-decay", 0.0)),
    ADAM("adam", "`torch.optim.Adam`", adam(0.0)),
    ADAMW("adamw", "`torch.optim.AdamW`", adam(0.01)),
    LARS("lars", "layer-wise rate, momentum", keys("optimizer.momentum", 0.9, "optimizer.weight-decay", 0.0, "optimizer.trust-coefficient", 0.001,
            "optimizer.exclude-biases", true)),
    LAMB("lamb", "Adam moments with a layer-wise trust ratio", keys("optimizer.beta1", 0.9, "optimizer.beta2", 0.999, "optimizer.eps", 1e-6,
            "optimizer.weight-decay", 0.0, "optimizer.exclude-biases", true)),
    LBFGS("lbfgs", "limited-memory BFGS with a strong-Wolfe line search (OWL-QN with L1)", keys("optimizer.history", 10L));

    private final String configName;
    private final String doc;
    private final Map<String, Object> takes;

    OptimizerKind(String configName, String doc, Map<String, Object> takes) {
        this.configName = configName;
        this.doc = doc;
        this.takes = Collections.unmodifiableMap(takes);
    }

    @Override
    public String configName() {
        return configName;
    }

    /** The algorithm (the README's table of optimizers shows it). */
    @Override
    public String doc() {
        return doc;
    }

    @Override
    public Map<String, Object> takes() {
        return takes;
    }

    public static OptimizerKind of(String name) {
        return Declaration.of(values(), "optimizer.name", name);
    }

    /** Each optimizer that takes {@code key}, with its default there, in declaration order. */
    public static Map<String, Object> defaultsOf(String key) {
        return Declaration.defaultsOf(values(), key);
    }

    public static List<String> names() {
        return Declaration.names(values());
    }

    private static Map<String, Object> sgd(double momentum, boolean nesterov) {
        return keys("optimizer.momentum", momentum, "optimizer.dampening", 0.0, "optimizer.nesterov", nesterov,
                "optimizer.weight-decay", 0.0);
    }

    private static Map<String, Object> adam(double weightDecay) {
        return keys("optimizer.beta1", 0.9, "optimizer.beta2", 0.999, "optimizer.eps", 1e-8, "optimizer.amsgrad", false,
                "optimizer.weight-decay", weightDecay);
    }

    private static Map<String, Object> keys(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
