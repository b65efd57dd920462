package dev.steepest.spark.ml;

import dev.steepest.spark.config.ModelType;
import dev.steepest.spark.job.TrainJob;
import java.util.Map;
import org.apache.spark.ml.regression.Regressor;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;

/**
 * steepest's regressors as a Spark ML Estimator: {@code modelType} linear (default), huber or mlp (the squared head).
 * {@code fit} trains on the DataFrame's {@code featuresCol} (a Vector column, dense or sparse) and numeric
 * {@code labelCol} through the CLI's training path, and gives a {@link SteepestRegressionModel}. Every training key of the config is a Param ({@link ConfigParams}; the
 * README's "Use from Spark" table); {@code explainParams()} lists them.
 */
public final class SteepestRegressor
        extends Regressor<Vector, SteepestRegressor, SteepestRegressionModel>
        implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final EstimatorSupport support;

    public SteepestRegressor() {
        this(Identifiable$.MODULE$.randomUID("steepestRegressor"));
    }

    public SteepestRegressor(String uid) {
        this(ConstructionUid.enter(uid), true);
    }

    private SteepestRegressor(String uid, boolean entered) {
        ConstructionUid.leave();
        this.uid = uid;
        this.support = new EstimatorSupport(this);
        support.setDefaults(this, Map.of(support.config.get("model.type"), "linear"));
    }

    @Override public String uid() { return uid != null ? uid : ConstructionUid.current(); }

    @Override
    public Param<?>[] params() {
        return support.params(super.params());
    }

    // Spark's conventional names (the remaining keys' Params are in params(), by their camel-cased key)
    public LongParam maxIter() { return (LongParam) support.config.get("train.max-iterations"); }
    public DoubleParam stepSize() { return (DoubleParam) support.config.get("optimizer.lr"); }
    public DoubleParam tol() { return (DoubleParam) support.config.get("train.tolerance.loss-change"); }
    public BooleanParam fitIntercept() { return (BooleanParam) support.config.get("model.fit-intercept"); }
    public BooleanParam standardization() { return (BooleanParam) support.config.get("model.standardize"); }
    public LongParam seed() { return (LongParam) support.config.get("train.seed"); }
    public DoubleParam regParam() { return support.regParam; }
    public DoubleParam elasticNetParam() { return support.elasticNetParam; }
    public Param<String> weightCol() { return support.weightCol; }
    public Param<String> validationIndicatorCol() { return support.validationIndicatorCol; }

    public SteepestRegressor setMaxIter(long v) { return put(maxIter(), v); }
    public SteepestRegressor setStepSize(double v) { return put(stepSize(), v); }
    public SteepestRegressor setTol(double v) { return put(tol(), v); }
    public SteepestRegressor setFitIntercept(boolean v) { return put(fitIntercept(), v); }
    public SteepestRegressor setStandardization(boolean v) { return put(standardization(), v); }
    public SteepestRegressor setSeed(long v) { return put(seed(), v); }
    public SteepestRegressor setRegParam(double v) { return put(regParam(), v); }
    public SteepestRegressor setElasticNetParam(double v) { return put(elasticNetParam(), v); }
    public SteepestRegressor setWeightCol(String v) { return put(weightCol(), v); }
    public SteepestRegressor setValidationIndicatorCol(String v) { return put(validationIndicatorCol(), v); }

    /**
     * Warm start: {@code fit} starts from {@code model}'s parameters instead of the initializer's, as
     * {@code model.init-from} does for the CLI (same path; the shapes must match, else an input error names both).
     * Copies and saved Estimators keep it. Not with {@code modelInitFrom} set too.
     */
    public SteepestRegressor setInitialModel(SteepestRegressionModel model) {
        support.setInitialModel(model);
        return this;
    }

    /** Whether {@link #setInitialModel} was called. */
    public boolean hasInitialModel() {
        return support.hasInitialModel();
    }

    /** Sets the Param of a config key, e.g. {@code setConfig("optimizer.name", "adam")}. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public SteepestRegressor setConfig(String key, Object value) {
        Param p = support.config.get(key);
        if (p == null) throw new IllegalArgumentException(key + ": no Param for this key (" + ConfigParams.class.getSimpleName() + ")");
        return put(p, value instanceof Integer i ? (Object) (long) i : value);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private SteepestRegressor put(Param p, Object v) {
        return (SteepestRegressor) set(p, v);
    }

    @Override
    public SteepestRegressionModel train(Dataset<?> dataset) {
        String type = (String) getOrDefault(support.config.get("model.type"));
        if (!ModelType.of(type).regresses()) {
            throw new IllegalArgumentException("modelType: '" + type + "' is not a regressor; use SteepestClassifier");
        }
        TrainJob.Outcome fitted = support.fit(this, dataset, type, getFeaturesCol(), getLabelCol(),
                ModelType.of(type) == ModelType.MLP ? Map.of("model.head", "squared") : Map.of()); // the regression head
        SteepestRegressionModel m = new SteepestRegressionModel(uid, ModelJson.text(fitted.modelJson()));
        m.setSummary(new SteepestTrainingSummary(fitted));
        return copyValues(m, ParamMap.empty());
    }

    @Override
    public SteepestRegressor copy(ParamMap extra) {
        SteepestRegressor copy = defaultCopy(extra);
        support.copyInitialModelTo(copy.support);
        return copy;
    }

    @Override
    public MLWriter write() {
        return support.writer(this);
    }

    public static MLReader<SteepestRegressor> read() {
        return EstimatorSupport.reader(e -> e.support);
    }

    public static SteepestRegressor load(String path) {
        return read().load(path);
    }
}
