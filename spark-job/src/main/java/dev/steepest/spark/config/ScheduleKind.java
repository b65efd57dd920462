package dev.steepest.spark.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one declaration of each {@code schedule.name}: its config name, its rate, and the {@code schedule.*} keys it takes, with
 * their defaults (null marks a required key; {@link #RUN_LENGTH} for total-epochs means the run's length). The
 * schema's allowed names, the per-schedule key check ({@link ScheduleOptions}) and the README's check derive from
 * it; {@code spec.ScheduleSpec} builds each one (an exhaustive switch over this enum, so a schedule declared here
 * without a builder does not compile).
 */
public enum ScheduleKind implements Declaration {
    CONSTANT("constant", "lr"),
    STEP("step", "lr·γ^⌊t / step⌋", "schedule.gamma", 0.1, "schedule.step-epochs", null),
    MULTISTEP("multistep", "lr·γ^(milestones ≤ t)", "schedule.gamma", 0.1, "schedule.milestones", null),
    EXPONENTIAL("exponential", "lr·γ^(t / steps-per-epoch)", "schedule.gamma", 0.95),
    INVERSE_TIME("inverse-time", "lr / (1 + decay·t)", "schedule.decay", null),
    POLYNOMIAL("polynomial", "(lr − min)(1 − t/T)^power + min", "schedule.power", 1.0, "schedule.total-epochs", ScheduleKind.RUN_LENGTH,
            "schedule.min-lr", 0.0),
    COSINE("cosine", "min + (lr − min)(1 + cos(πt/T))/2", "schedule.total-epochs", ScheduleKind.RUN_LENGTH, "schedule.min-lr", 0.0),
    COSINE_RESTARTS("cosine-restarts", "cosine over periods T₀, T₀·T_mult, …", "schedule.restart-epochs", null, "schedule.restart-mult", 1L,
            "schedule.min-lr", 0.0),
    // core's OneCycle.DEFAULT_PCT_START, DEFAULT_DIV_FACTOR, DEFAULT_FINAL_DIV_FACTOR (PyTorch's); a spec test checks
    ONE_CYCLE("one-cycle", "up from lr/div to lr, then down to lr/(div·final-div)", "schedule.total-epochs", ScheduleKind.RUN_LENGTH, "schedule.pct-start", 0.3,
            "schedule.div-factor", 25.0, "schedule.final-div-factor", 1e4, "schedule.anneal", "cos",
            "schedule.three-phase", false),
    PLATEAU("plateau", "lr·factor^k, k reductions so far", "schedule.factor", 0.1, "schedule.patience", 10L, "schedule.threshold", 1e-4,
            "schedule.threshold-mode", "rel", "schedule.cooldown", 0L, "schedule.min-lr", 0.0);

    /** The default of {@code schedule.total-epochs}: the run's length (train.epochs, or train.max-iterations). */
    public static final String RUN_LENGTH = "train";

    private final String configName;
    private final String doc;
    private final Map<String, Object> takes;

    ScheduleKind(String configName, String doc, Object... keysAndDefaults) {
        this.configName = configName;
        this.doc = doc;
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndDefaults.length; i += 2) m.put((String) keysAndDefaults[i], keysAndDefaults[i + 1]);
        this.takes = Collections.unmodifiableMap(m);
    }

    @Override
    public String configName() {
        return configName;
    }

    /** The rate at step t (the README's table of schedules shows it). */
    @Override
    public String doc() {
        return doc;
    }

    @Override
    public Map<String, Object> takes() {
        return takes;
    }

    public static ScheduleKind of(String name) {
        return Declaration.of(values(), "schedule.name", name);
    }

    /** Each schedule that takes {@code key}, with its default there, in declaration order. */
    public static Map<String, Object> defaultsOf(String key) {
        return Declaration.defaultsOf(values(), key);
    }

    public static List<String> names() {
        return Declaration.names(values());
    }
}
