package dev.steepest.spark.job;

import dev.steepest.core.model.LinearModel;
import dev.steepest.core.model.Activation;
import dev.steepest.core.model.MlpModel;
import dev.steepest.core.model.Model;
import dev.steepest.core.model.SoftmaxModel;
import dev.steepest.core.optim.Chain;
import dev.steepest.core.optim.ClipByGlobalNorm;
import dev.steepest.core.optim.ClipByValue;
import dev.steepest.core.optim.GradientTransformation;
import dev.steepest.core.optim.Optimizers;
import dev.steepest.core.optim.prox.L1Prox;
import dev.steepest.core.train.GradientSource;
import dev.steepest.core.train.LbfgsTraining;
import dev.steepest.core.train.OptimizerFactory;
import dev.steepest.core.train.TrainingListener;
import dev.steepest.core.model.ParameterInit;
import dev.steepest.core.train.DivergencePolicy;
import dev.steepest.core.train.EarlyStopping;
import dev.steepest.core.train.TrainingOptions;
import dev.steepest.spark.config.JobConfig;
import dev.steepest.spark.config.ScheduleOptions;
import java.util.ArrayList;
import java.util.List;

/** Config to core objects: the model, its initial parameters, the optimizer and the optional parts of the loop. */
public final class RunComponents {
    private RunComponents() {
    }

    /** 0 for regression, 2 for binary classifiers, model.max-classes for softmax. */
    public static int maxClasses(JobConfig cfg) {
        return switch (cfg.modelType()) {
            case "logistic", "hinge" -> 2;
            case "softmax" -> (int) cfg.longValue("model.max-classes");
            case "mlp" -> switch (cfg.string("model.head")) {
                case "softmax" -> (int) cfg.longValue("model.max-classes");
                case "logistic" -> 2;
                default -> 0;
            };
            default -> 0;
        };
    }

    /** The model for {@code numFeatures} features and, for classifiers, {@code numClasses} classes. */
    public static Model create(JobConfig cfg, int numFeatures, int numClasses) {
        boolean intercept = cfg.bool("model.fit-intercept");
        return switch (cfg.modelType()) {
            case "linear" -> LinearModel.linearRegression(numFeatures, intercept);
            case "huber" -> LinearModel.huberRegression(numFeatures, intercept, cfg.doubleValue("model.huber-delta"));
            case "logistic" -> LinearModel.logisticRegression(numFeatures, intercept);
            case "hinge" -> LinearModel.linearSvm(numFeatures, intercept);
            case "softmax" -> new SoftmaxModel(numFeatures, numClasses, intercept);
            case "mlp" -> mlp(cfg, numFeatures, numClasses);
            default -> throw new IllegalStateException(cfg.modelType());
        };
    }

    private static MlpModel mlp(JobConfig cfg, int numFeatures, int numClasses) {
        @SuppressWarnings("unchecked")
        List<Long> widths = (List<Long>) cfg.value("model.hidden");
        int[] hidden = widths.stream().mapToInt(Long::intValue).toArray();
        Activation activation = Activation.fromName(cfg.string("model.activation").replace('-', '_'));
        MlpModel.Head head = MlpModel.Head.valueOf(cfg.string("model.head").toUpperCase(java.util.Locale.ROOT));
        return new MlpModel(numFeatures, hidden, activation, head, head == MlpModel.Head.SOFTMAX ? numClasses : 1);
    }

    public static double[] initialParameters(JobConfig cfg, Model model) {
        Model inner = model instanceof dev.steepest.core.model.Standardized s ? s.inner() : model;
        if (inner instanceof MlpModel mlp) return mlp.initialParameters(cfg.longValue("train.seed"));
        return "normal".equals(cfg.string("model.init"))
                ? ParameterInit.normal(model, cfg.doubleValue("model.init-std"), cfg.longValue("train.seed"))
                : ParameterInit.zeros(model);
    }

    /** The optimizer of {@code optimizer.name}, with clipping in front when {@code clip.*} is set. */
    public static OptimizerFactory optimizer(JobConfig cfg) {
        OptimizerSpec spec = new OptimizerSpec(cfg);
        List<GradientTransformation> clips = new ArrayList<>();
        if (cfg.has("clip.value")) clips.add(new ClipByValue(cfg.doubleValue("clip.value")));
        if (cfg.has("clip.norm")) clips.add(new ClipByGlobalNorm(cfg.doubleValue("clip.norm")));
        return (schedule, groups) -> {
            GradientTransformation opt = spec.create(schedule, groups);
            if (clips.isEmpty()) return opt;
            List<GradientTransformation> pieces = new ArrayList<>(clips);
            pieces.add(opt);
            return Chain.of(pieces.toArray(new GradientTransformation[0]));
        };
    }

    /**
     * The L-BFGS driver for {@code optimizer.name = lbfgs} (null for every other optimizer): memory
     * {@code optimizer.history}, OWL-QN with {@code regularization.l1}, validated as the loop would.
     */
    public static LbfgsTraining lbfgs(JobConfig cfg, GradientSource source, Model model, TrainingOptions options,
                                      List<TrainingListener> listeners) {
        if (!"lbfgs".equals(cfg.string("optimizer.name"))) return null;
        int history = (int) dev.steepest.spark.config.OptimizerOptions.number(cfg, "optimizer.history");
        return new LbfgsTraining(source, model, cfg.trainingSettings(), history, cfg.doubleValue("regularization.l1"),
                cfg.bool("regularization.include-intercepts"), options.validator(), listeners);
    }

    /** The most trial steps of one Armijo search (shrink 0.5: down to 1e-18 of the scheduled rate). */
    private static final int LINE_SEARCH_TRIALS = 60;

    /** Schedule, plateau, L1 prox, decoupled decay, intercept regularization, averaging, line search. */
    public static TrainingOptions options(JobConfig cfg) {
        TrainingOptions o = TrainingOptions.defaults()
                .withSchedule(ScheduleOptions.factory(cfg))
                .withPlateau(ScheduleOptions.plateau(cfg))
                .withDecoupledWeightDecay(cfg.doubleValue("regularization.decoupled-weight-decay"))
                .withRegularizedIntercepts(cfg.bool("regularization.include-intercepts"));
        double l1 = cfg.doubleValue("regularization.l1");
        if (l1 > 0) o = o.withProx(new L1Prox(l1));
        if ("polyak".equals(cfg.string("train.averaging"))) {
            o = o.withAveragingFrom(cfg.doubleValue("train.averaging-start-epoch"));
        }
        if ("armijo".equals(cfg.string("train.line-search"))) {
            o = o.withLineSearch(new dev.steepest.core.train.ArmijoLineSearch(cfg.doubleValue("train.armijo.c1"),
                    cfg.doubleValue("train.armijo.shrink"), LINE_SEARCH_TRIALS));
        }
        return o.withDivergence(new DivergencePolicy(cfg.doubleValue("train.divergence-factor"),
                "backoff".equals(cfg.string("train.on-divergence")), (int) cfg.longValue("train.max-backoffs")));
    }

    /** Early stopping from the config, or null when train.early-stopping.patience is unset. */
    public static EarlyStopping earlyStopping(JobConfig cfg) {
        if (!cfg.has("train.early-stopping.patience")) return null;
        return new EarlyStopping((int) Math.min(Integer.MAX_VALUE, cfg.longValue("train.early-stopping.patience")),
                cfg.doubleValue("train.early-stopping.min-delta"));
    }

    /** One line for the log: the optimizer with its resolved options, clipping, regularization and schedule. */
    public static String describe(JobConfig cfg) {
        StringBuilder s = new StringBuilder("optimizer ").append(cfg.string("optimizer.name")).append(" (");
        java.util.StringJoiner opts = new java.util.StringJoiner(", ");
        dev.steepest.spark.config.OptimizerOptions.defaults(cfg.string("optimizer.name")).keySet().forEach(k -> {
            Object v = cfg.resolved().get(k);
            opts.add(k.substring("optimizer.".length()) + " " + v);
        });
        s.append(opts).append(")");
        for (String k : List.of("clip.value", "clip.norm")) {
            if (cfg.has(k)) s.append(", ").append(k).append(' ').append(cfg.string(k));
        }
        for (String k : List.of("regularization.l2", "regularization.l1", "regularization.decoupled-weight-decay")) {
            if (cfg.doubleValue(k) != 0.0) s.append(", ").append(k.substring(15)).append(' ').append(cfg.string(k));
        }
        s.append(", schedule ").append(cfg.string("schedule.name"));
        if ("polyak".equals(cfg.string("train.averaging"))) {
            s.append(", Polyak averaging from epoch ").append(cfg.string("train.averaging-start-epoch"));
        }
        return s.toString();
    }

    /** The resolved optimizer options, captured once so the factory holds plain values. */
    private record OptimizerSpec(String name, double momentum, double dampening, boolean nesterov, double weightDecay,
                                 double lrDecay, double initialAccumulator, double eps, double alpha, boolean centered,
                                 double beta1, double beta2, boolean amsgrad, double trust, boolean excludeBiases) {
        OptimizerSpec(JobConfig c) {
            this(c.string("optimizer.name"), num(c, "optimizer.momentum"), num(c, "optimizer.dampening"),
                    flag(c, "optimizer.nesterov"), num(c, "optimizer.weight-decay"), num(c, "optimizer.lr-decay"),
                    num(c, "optimizer.initial-accumulator"), num(c, "optimizer.eps"), num(c, "optimizer.alpha"),
                    flag(c, "optimizer.centered"), num(c, "optimizer.beta1"), num(c, "optimizer.beta2"),
                    flag(c, "optimizer.amsgrad"), num(c, "optimizer.trust-coefficient"),
                    flag(c, "optimizer.exclude-biases"));
        }

        GradientTransformation create(dev.steepest.core.optim.LearningRateSchedule lr,
                                      List<dev.steepest.core.model.ParameterGroup> groups) {
            return switch (name) {
                case "sgd", "momentum", "nesterov" ->
                        Optimizers.sgd(lr, momentum, dampening, nesterov, weightDecay, groups);
                case "adagrad" -> Optimizers.adagrad(lr, lrDecay, initialAccumulator, eps, weightDecay, groups);
                case "rmsprop" -> Optimizers.rmsprop(lr, alpha, eps, centered, momentum, weightDecay, groups);
                case "adam" -> Optimizers.adam(lr, beta1, beta2, eps, amsgrad, weightDecay, groups);
                case "adamw" -> Optimizers.adamw(lr, beta1, beta2, eps, amsgrad, weightDecay, groups);
                case "lars" -> Optimizers.lars(lr, momentum, weightDecay, trust, excludeBiases, groups);
                case "lamb" -> Optimizers.lamb(lr, beta1, beta2, eps, weightDecay, excludeBiases, groups);
                default -> throw new IllegalStateException(name);
            };
        }

        /** The option's value, or NaN when the optimizer does not take it. */
        private static double num(JobConfig c, String key) {
            return dev.steepest.spark.config.OptimizerOptions.takes(c, key)
                    ? dev.steepest.spark.config.OptimizerOptions.number(c, key) : Double.NaN;
        }

        private static boolean flag(JobConfig c, String key) {
            return dev.steepest.spark.config.OptimizerOptions.takes(c, key)
                    && dev.steepest.spark.config.OptimizerOptions.bool(c, key);
        }
    }
}
