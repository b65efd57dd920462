package dev.steepest.spark.spec;

import dev.steepest.core.model.Activation;
import dev.steepest.core.model.LinearModel;
import dev.steepest.core.model.MlpModel;
import dev.steepest.core.model.Model;
import dev.steepest.core.model.ParameterInit;
import dev.steepest.core.model.SoftmaxModel;
import dev.steepest.core.model.Standardized;
import dev.steepest.spark.config.JobConfig;
import dev.steepest.spark.config.ModelType;
import java.util.List;
import java.util.Locale;

/**
 * The {@code model.*} keys as typed values: which model, its shape options, standardization and initialization.
 *
 * @param hidden     mlp: the hidden layers' widths
 * @param activation mlp: the hidden layers' activation
 * @param head       mlp: the output and its loss
 * @param normalInit model.init = normal (linear models; an mlp is initialized by its activation)
 * @param initFrom   model.init-from (a warm start's model), or null
 */
public record ModelSpec(ModelType type, boolean fitIntercept, boolean standardize, double huberDelta,
                        int maxClassesSetting, int[] hidden, Activation activation, MlpModel.Head head,
                        boolean normalInit, double initStd, long seed, String initFrom) {

    static ModelSpec of(JobConfig cfg) {
        @SuppressWarnings("unchecked")
        List<Long> widths = (List<Long>) cfg.value("model.hidden");
        return new ModelSpec(cfg.modelType(), cfg.bool("model.fit-intercept"), cfg.bool("model.standardize"),
                cfg.doubleValue("model.huber-delta"), (int) cfg.longValue("model.max-classes"),
                widths.stream().mapToInt(Long::intValue).toArray(),
                Activation.fromName(cfg.string("model.activation").replace('-', '_')),
                MlpModel.Head.valueOf(cfg.string("model.head").toUpperCase(Locale.ROOT)),
                "normal".equals(cfg.string("model.init")), cfg.doubleValue("model.init-std"),
                cfg.longValue("train.seed"), cfg.string("model.init-from"));
    }

    /** 0 for regression, 2 for binary classifiers, model.max-classes for softmax (and an mlp's softmax head). */
    public int maxClasses() {
        return switch (type) {
            case LOGISTIC, HINGE -> 2;
            case SOFTMAX -> maxClassesSetting;
            case MLP -> switch (head) {
                case SOFTMAX -> maxClassesSetting;
                case LOGISTIC -> 2;
                case SQUARED -> 0;
            };
            case LINEAR, HUBER -> 0;
        };
    }

    /** The model for {@code numFeatures} features and, for classifiers, {@code numClasses} classes. */
    public Model create(int numFeatures, int numClasses) {
        return switch (type) {
            case LINEAR -> LinearModel.linearRegression(numFeatures, fitIntercept);
            case HUBER -> LinearModel.huberRegression(numFeatures, fitIntercept, huberDelta);
            case LOGISTIC -> LinearModel.logisticRegression(numFeatures, fitIntercept);
            case HINGE -> LinearModel.linearSvm(numFeatures, fitIntercept);
            case SOFTMAX -> new SoftmaxModel(numFeatures, numClasses, fitIntercept);
            case MLP -> new MlpModel(numFeatures, hidden.clone(), activation, head,
                    head == MlpModel.Head.SOFTMAX ? numClasses : 1);
        };
    }

    /** The initial parameters of {@code model} (one {@link #create} made, possibly {@link Standardized}). */
    public double[] initialParameters(Model model) {
        Model inner = model instanceof Standardized s ? s.inner() : model;
        if (inner instanceof MlpModel mlp) return mlp.initialParameters(seed);
        return normalInit ? ParameterInit.normal(model, initStd, seed) : ParameterInit.zeros(model);
    }
}
