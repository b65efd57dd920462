package dev.steepest.spark.ml;

import dev.steepest.core.score.ScoringModel;
import dev.steepest.spark.InputError;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.RegressionModel;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A trained steepest regressor (linear, huber, or an mlp with the squared head) as a Spark ML model:
 * {@code transform} appends {@code prediction}, keeping every input column and row, on batch and streaming
 * DataFrames alike. Saved and loaded like {@link SteepestClassificationModel}.
 */
public final class SteepestRegressionModel extends RegressionModel<Vector, SteepestRegressionModel>
        implements MLWritable, ModelIO.Saved {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final String modelJson;
    private final ScoringModel model;
    /** The fit's record; none after load (and not shipped to executors with the model). */
    private transient SteepestTrainingSummary summary;

    /** A model from the text of a {@code model.json} of a regressor. */
    public SteepestRegressionModel(String uid, String modelJson) {
        this(ConstructionUid.enter(uid), modelJson, true);
    }

    private SteepestRegressionModel(String uid, String modelJson, boolean entered) {
        ConstructionUid.leave();
        this.uid = uid;
        this.modelJson = modelJson;
        this.model = ModelJson.parse(modelJson, "model.json");
        if (model.isClassifier()) {
            throw new InputError("model.json: a " + model.type() + " classifier; use SteepestClassificationModel");
        }
    }

    /** The model a CLI run wrote: {@code path} is its output directory or its {@code model.json}. */
    public static SteepestRegressionModel fromModelJson(org.apache.spark.sql.SparkSession spark, String path) {
        return new SteepestRegressionModel(Identifiable$.MODULE$.randomUID("steepestRegressor"),
                ModelJson.read(spark.sparkContext().hadoopConfiguration(), path));
    }

    /** Whether the model has its fit's training summary (false for a loaded model, as Spark's). */
    public boolean hasSummary() { return summary != null; }

    /** The fit's training summary; throws Spark's {@code SparkException} when {@link #hasSummary()} is false. */
    public SteepestTrainingSummary summary() {
        if (summary == null) throw SteepestTrainingSummary.none(this);
        return summary;
    }

    void setSummary(SteepestTrainingSummary s) {
        summary = s;
    }

    @Override public String uid() { return uid != null ? uid : ConstructionUid.current(); }
    @Override public String modelJson() { return modelJson; }
    public ScoringModel scoringModel() { return model; }
    @Override public int numFeatures() { return model.numFeatures(); }
    /** The model type: linear, huber or mlp. */
    public String modelType() { return model.type(); }

    /** Linear models: the d coefficients in the original feature space. */
    public Vector coefficients() { return Vectors.dense(ModelParts.linear(model).coefficients()[0].clone()); }
    /** Linear models: the intercept (0 when none was fitted). */
    public double intercept() { return ModelParts.linear(model).intercepts()[0]; }
    /** MLP: the layers, input to output. */
    public List<MlpLayer> layers() { return ModelParts.layers(model); }

    @Override
    public double predict(Vector features) {
        return ModelParts.raw(model, features)[0];
    }

    /**
     * Spark ML's {@code PredictionModel.transform} — the same column and values — computed straight from the
     * features' stored form ({@link FeatureRowScore}: no {@code Vector} per row).
     */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType schema = transformSchema(dataset.schema(), true);
        if (getPredictionCol().isEmpty()) return dataset.toDF();
        return FeatureRowScore.append(dataset, getFeaturesCol(), new Prediction(model), schema,
                List.of(getPredictionCol()));
    }

    /** One row's prediction. */
    private record Prediction(ScoringModel model) implements FeatureRowScore.Outputs {
        private static final StructType TYPE = new StructType().add("prediction", DataTypes.DoubleType, false);

        @Override
        public StructType type() {
            return TYPE;
        }

        @Override
        public InternalRow of(int size, int[] indices, double[] values) {
            return new GenericInternalRow(new Object[] {ModelParts.raw(model, size, indices, values)[0]});
        }
    }

    /** Spark ML's own transform (a UDF over {@code Vector} values): the reference {@link #transform} equals. */
    Dataset<Row> sparkTransform(Dataset<?> dataset) {
        return super.transform(dataset);
    }

    @Override
    public SteepestRegressionModel copy(ParamMap extra) {
        SteepestRegressionModel m = copyValues(new SteepestRegressionModel(uid, modelJson), extra);
        m.setSummary(summary);
        return m.setParent(parent());
    }

    @Override
    public MLWriter write() {
        return ModelIO.writer(this);
    }

    public static MLReader<SteepestRegressionModel> read() {
        return ModelIO.reader(SteepestRegressionModel.class, SteepestRegressionModel::new);
    }

    public static SteepestRegressionModel load(String path) {
        return read().load(path);
    }

    @Override
    public String toString() {
        return "SteepestRegressionModel: uid=" + uid + ", type=" + model.type() + ", numFeatures=" + numFeatures();
    }
}
