package dev.steepest.spark.config;

import dev.steepest.core.optim.LearningRateSchedule;
import dev.steepest.core.optim.schedule.CosineAnnealing;
import dev.steepest.core.optim.schedule.CosineWarmRestarts;
import dev.steepest.core.optim.schedule.ExponentialDecay;
import dev.steepest.core.optim.schedule.InverseTimeDecay;
import dev.steepest.core.optim.schedule.MultiStepDecay;
import dev.steepest.core.optim.schedule.OneCycle;
import dev.steepest.core.optim.schedule.PolynomialDecay;
import dev.steepest.core.optim.schedule.ReduceOnPlateau;
import dev.steepest.core.optim.schedule.StepDecay;
import dev.steepest.core.train.ScheduleFactory;
import dev.steepest.core.train.TrainingPlan;
import dev.steepest.spark.InputError;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code schedule.*}: which keys each schedule takes (with defaults; null marks a required key), and the core
 * schedule they build. Lengths are given in epochs and converted to steps with the run's steps per epoch; every
 * schedule starts from the effective (batch-scaled) rate, and warmup, when set, ramps up to it.
 */
public final class ScheduleOptions {
    private static final Map<String, Map<String, Object>> TAKES = new LinkedHashMap<>();

    static {
        TAKES.put("constant", Map.of());
        TAKES.put("step", keys("schedule.gamma", 0.1, "schedule.step-epochs", null));
        TAKES.put("multistep", keys("schedule.gamma", 0.1, "schedule.milestones", null));
        TAKES.put("exponential", keys("schedule.gamma", 0.95));
        TAKES.put("inverse-time", keys("schedule.decay", null));
        TAKES.put("polynomial", keys("schedule.power", 1.0, "schedule.total-epochs", "train", "schedule.min-lr", 0.0));
        TAKES.put("cosine", keys("schedule.total-epochs", "train", "schedule.min-lr", 0.0));
        TAKES.put("cosine-restarts", keys("schedule.restart-epochs", null, "schedule.restart-mult", 1L,
                "schedule.min-lr", 0.0));
        TAKES.put("one-cycle", keys("schedule.total-epochs", "train", "schedule.pct-start", OneCycle.DEFAULT_PCT_START,
                "schedule.div-factor", OneCycle.DEFAULT_DIV_FACTOR, "schedule.final-div-factor",
                OneCycle.DEFAULT_FINAL_DIV_FACTOR, "schedule.anneal", "cos", "schedule.three-phase", false));
        TAKES.put("plateau", keys("schedule.factor", 0.1, "schedule.patience", 10L, "schedule.threshold", 1e-4,
                "schedule.threshold-mode", "rel", "schedule.cooldown", 0L, "schedule.min-lr", 0.0));
    }

    private ScheduleOptions() {
    }

    /** Rejects keys the chosen schedule does not take and missing required ones, before Spark starts. */
    static void check(JobConfig cfg) {
        String name = cfg.string("schedule.name");
        Map<String, Object> takes = TAKES.get(name);
        for (String key : ConfigSchema.keys().keySet()) {
            if (key.startsWith("schedule.") && !key.equals("schedule.name") && cfg.isExplicit(key)
                    && !takes.containsKey(key)) {
                throw new InputError(key + ": does not apply to schedule.name = " + name
                        + (takes.isEmpty() ? "" : " (its options: " + String.join(", ", takes.keySet()) + ")"));
            }
        }
        for (Map.Entry<String, Object> e : takes.entrySet()) {
            if (e.getValue() == null && !cfg.has(e.getKey())) {
                throw new InputError(e.getKey() + ": is required by schedule.name = " + name + "; expected "
                        + ConfigSchema.keys().get(e.getKey()).allowed());
            }
        }
    }

    /** The step-indexed schedule of {@code schedule.name}; plateau is handled by {@link #plateau}. */
    public static ScheduleFactory factory(JobConfig cfg) {
        String name = cfg.string("schedule.name");
        if (name.equals("constant") || name.equals("plateau")) return ScheduleFactory.CONSTANT;
        return plan -> build(cfg, name, plan);
    }

    private static LearningRateSchedule build(JobConfig cfg, String name, TrainingPlan plan) {
        double lr0 = plan.effectiveLr();
        long spe = plan.stepsPerEpoch();
        return switch (name) {
            case "step" -> new StepDecay(lr0, steps(num(cfg, "schedule.step-epochs"), spe), num(cfg, "schedule.gamma"));
            case "multistep" -> {
                @SuppressWarnings("unchecked")
                List<Double> epochs = (List<Double>) cfg.value("schedule.milestones");
                long[] milestones = new long[epochs.size()];
                for (int i = 0; i < milestones.length; i++) milestones[i] = steps(epochs.get(i), spe);
                for (int i = 1; i < milestones.length; i++) {
                    if (milestones[i] <= milestones[i - 1]) {
                        throw new InputError("schedule.milestones: " + epochs + " fall on the same step at "
                                + spe + " steps per epoch");
                    }
                }
                yield new MultiStepDecay(lr0, milestones, num(cfg, "schedule.gamma"));
            }
            // gamma is per epoch; the rate decays smoothly, by gamma^(1/steps-per-epoch) each step
            case "exponential" -> new ExponentialDecay(lr0, Math.pow(num(cfg, "schedule.gamma"), 1.0 / spe));
            case "inverse-time" -> new InverseTimeDecay(lr0, num(cfg, "schedule.decay"));
            case "polynomial" -> new PolynomialDecay(lr0, totalSteps(cfg, plan), num(cfg, "schedule.power"),
                    minLr(cfg, lr0));
            case "cosine" -> new CosineAnnealing(lr0, totalSteps(cfg, plan), minLr(cfg, lr0));
            case "cosine-restarts" -> new CosineWarmRestarts(lr0, steps(num(cfg, "schedule.restart-epochs"), spe),
                    (long) num(cfg, "schedule.restart-mult"), minLr(cfg, lr0));
            case "one-cycle" -> new OneCycle(lr0, totalSteps(cfg, plan), num(cfg, "schedule.pct-start"),
                    num(cfg, "schedule.div-factor"), num(cfg, "schedule.final-div-factor"),
                    "cos".equals(word(cfg, "schedule.anneal")), flag(cfg, "schedule.three-phase"));
            default -> throw new IllegalStateException(name);
        };
    }

    /** Reduce-on-plateau for {@code schedule.name = plateau}, else null. */
    public static Function<TrainingPlan, ReduceOnPlateau> plateau(JobConfig cfg) {
        if (!"plateau".equals(cfg.string("schedule.name"))) return null;
        double factor = num(cfg, "schedule.factor");
        int patience = (int) num(cfg, "schedule.patience");
        double threshold = num(cfg, "schedule.threshold");
        ReduceOnPlateau.ThresholdMode mode = "abs".equals(word(cfg, "schedule.threshold-mode"))
                ? ReduceOnPlateau.ThresholdMode.ABS : ReduceOnPlateau.ThresholdMode.REL;
        int cooldown = (int) num(cfg, "schedule.cooldown");
        return plan -> new ReduceOnPlateau(plan.effectiveLr(), ReduceOnPlateau.Mode.MIN, factor, patience, threshold,
                mode, cooldown, minLr(cfg, plan.effectiveLr()));
    }

    private static long steps(double epochs, long stepsPerEpoch) {
        return Math.max(1, Math.round(epochs * stepsPerEpoch));
    }

    /** schedule.total-epochs, else the run's length: train.epochs, or train.max-iterations when epochs are open. */
    private static long totalSteps(JobConfig cfg, TrainingPlan plan) {
        if (cfg.has("schedule.total-epochs")) return steps(cfg.doubleValue("schedule.total-epochs"), plan.stepsPerEpoch());
        int epochs = cfg.trainingSettings().epochs();
        return epochs > 0 ? epochs * plan.stepsPerEpoch() : cfg.longValue("train.max-iterations");
    }

    private static double minLr(JobConfig cfg, double lr0) {
        double m = num(cfg, "schedule.min-lr");
        if (m > lr0) {
            throw new InputError("schedule.min-lr: " + m + " is above the effective learning rate " + lr0);
        }
        return m;
    }

    private static Object value(JobConfig cfg, String key) {
        return cfg.has(key) ? cfg.value(key) : TAKES.get(cfg.string("schedule.name")).get(key);
    }

    private static double num(JobConfig cfg, String key) {
        return ((Number) value(cfg, key)).doubleValue();
    }

    private static String word(JobConfig cfg, String key) {
        return String.valueOf(value(cfg, key));
    }

    private static boolean flag(JobConfig cfg, String key) {
        return (Boolean) value(cfg, key);
    }

    private static Map<String, Object> keys(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    /** The defaults of each schedule's keys ("train" for total-epochs means the run's length). */
    public static Map<String, Map<String, Object>> defaults() {
        return TAKES;
    }
}
