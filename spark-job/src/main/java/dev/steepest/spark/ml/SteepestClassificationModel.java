package dev.steepest.spark.ml;

import dev.steepest.core.score.ScoreHead;
import dev.steepest.core.score.ScoringModel;
import dev.steepest.spark.InputError;
import java.util.List;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
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
 * A trained steepest classifier (logistic, hinge, softmax, or an mlp with a softmax or logistic head) as a Spark ML
 * model: {@code transform} appends {@code rawPrediction}, {@code probability} and {@code prediction} (class indices
 * 0 .. K-1, as Spark ML's classifiers; {@link #labels()} gives the original label of each), keeping every input
 * column and row, on batch and streaming DataFrames alike. A binary model's raw prediction is {@code [-m, m]} for its
 * margin {@code m}; a K-class model's is its K scores before the softmax.
 *
 * <p>The linear SVM ({@code hinge}) has no probability: its {@code transform} leaves the {@code probabilityCol} out
 * (as Spark's {@code LinearSVCModel}, which has none), {@link #predictProbability} throws
 * {@link UnsupportedOperationException}, and {@code thresholds} are not applied to it (prediction: class 1 exactly
 * when {@code m > 0}).
 *
 * <p>Saved with {@code write().save(path)} on any Hadoop FileSystem; the saved {@code data/model.json} is the CLI's
 * {@code model.json}. {@link #load} and {@code PipelineModel.load} read it back.
 */
public final class SteepestClassificationModel
        extends ProbabilisticClassificationModel<Vector, SteepestClassificationModel>
        implements MLWritable, ModelIO.Saved {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final String modelJson;
    private final ScoringModel model;
    /** The fit's record; none after load (and not shipped to executors with the model). */
    private transient SteepestTrainingSummary summary;

    /** A model from the text of a {@code model.json} of a classifier. */
    public SteepestClassificationModel(String uid, String modelJson) {
        this(ConstructionUid.enter(uid), modelJson, true);
    }

    private SteepestClassificationModel(String uid, String modelJson, boolean entered) {
        ConstructionUid.leave();
        this.uid = uid;
        this.modelJson = modelJson;
        this.model = ModelJson.parse(modelJson, "model.json");
        if (!model.isClassifier()) {
            throw new InputError("model.json: a " + model.type() + " regression model; use SteepestRegressionModel");
        }
    }

    /** The model a CLI run wrote: {@code path} is its output directory or its {@code model.json}. */
    public static SteepestClassificationModel fromModelJson(org.apache.spark.sql.SparkSession spark, String path) {
        return new SteepestClassificationModel(Identifiable$.MODULE$.randomUID("steepestClassifier"),
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
    /** The parsed model.json (type, scorer, feature names, label mapping). */
    public ScoringModel scoringModel() { return model; }
    @Override public int numFeatures() { return model.numFeatures(); }
    @Override public int numClasses() { return model.numClasses(); }
    /** The original label of each class index (model.json's {@code label_mapping}). */
    public List<Object> labels() { return model.labelMapping(); }
    /** The model type: logistic, hinge, softmax or mlp. */
    public String modelType() { return model.type(); }
    /** Whether the model has class probabilities (every classifier but hinge). */
    public boolean hasProbability() { return model.scorer().head().hasProbability(); }

    /** Linear models: K x d coefficients (one row for a binary model) in the original feature space. */
    public Matrix coefficients() { return ModelParts.matrix(ModelParts.linear(model).coefficients()); }
    /** Linear models: the K intercepts. */
    public Vector intercepts() { return Vectors.dense(ModelParts.linear(model).intercepts().clone()); }
    /** MLP: the layers, input to output. */
    public List<MlpLayer> layers() { return ModelParts.layers(model); }

    @Override
    public Vector predictRaw(Vector features) {
        return Vectors.dense(ModelParts.raw(model, features));
    }

    @Override
    public Vector raw2probabilityInPlace(Vector rawPrediction) {
        if (!hasProbability()) throw new UnsupportedOperationException("a hinge (linear SVM) model has no probability");
        double[] v = ((DenseVector) rawPrediction).values();
        model.scorer().head().probabilityInPlace(v);
        return rawPrediction;
    }

    @Override
    public double raw2prediction(Vector rawPrediction) {
        if (!hasProbability()) return model.scorer().head().prediction(rawPrediction.toArray());
        return super.raw2prediction(rawPrediction);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        return hasProbability() ? super.transformSchema(schema) : withoutProbability().superTransformSchema(schema);
    }

    /**
     * Spark ML's {@code ProbabilisticClassificationModel.transform} — the same columns, in the same order, with the
     * same values — computed in one call per row straight from the features' stored form ({@link FeatureRowScore}:
     * no {@code Vector} per row, and the probability and prediction from the raw prediction in hand rather than read
     * back from their columns).
     */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType schema = transformSchema(dataset.schema(), true);
        if (isDefined(thresholds()) && getThresholds().length != numClasses()) {
            throw new IllegalArgumentException("SteepestClassificationModel.transform() called with non-matching "
                    + "numClasses and thresholds.length. numClasses=" + numClasses() + ", but thresholds has length "
                    + getThresholds().length);
        }
        Scores scores = new Scores(this, !getRawPredictionCol().isEmpty(),
                hasProbability() && !getProbabilityCol().isEmpty(), !getPredictionCol().isEmpty());
        List<String> columns = new java.util.ArrayList<>();
        if (scores.raw) columns.add(getRawPredictionCol());
        if (scores.probability) columns.add(getProbabilityCol());
        if (scores.prediction) columns.add(getPredictionCol());
        if (columns.isEmpty()) return dataset.toDF();
        return FeatureRowScore.append(dataset, getFeaturesCol(), scores, schema, columns);
    }

    /** One row's output columns, as {@code ProbabilisticClassificationModel.transform} computes them. */
    private static final class Scores implements FeatureRowScore.Outputs {
        private static final long serialVersionUID = 1L;
        private static final VectorUDT VECTOR = new VectorUDT();
        private final SteepestClassificationModel m;
        private final boolean raw;
        private final boolean probability;
        private final boolean prediction;
        private final StructType type;

        Scores(SteepestClassificationModel m, boolean raw, boolean probability, boolean prediction) {
            this.m = m;
            this.raw = raw;
            this.probability = probability;
            this.prediction = prediction;
            StructType t = new StructType();
            if (raw) t = t.add("raw", VECTOR, true);
            if (probability) t = t.add("probability", VECTOR, true);
            if (prediction) t = t.add("prediction", DataTypes.DoubleType, false);
            this.type = t;
        }

        @Override
        public StructType type() {
            return type;
        }

        @Override
        public InternalRow of(int size, int[] indices, double[] values) {
            Vector r = Vectors.dense(ModelParts.raw(m.model, size, indices, values));
            Vector p = probability ? m.raw2probability(r) : null;
            Object[] row = new Object[type.size()];
            int i = 0;
            if (raw) row[i++] = VECTOR.serialize(r);
            if (probability) row[i++] = VECTOR.serialize(p);
            // Spark's choice of source: the raw prediction when that column is set, else the probability
            if (prediction) row[i] = raw || !probability ? m.raw2prediction(r) : m.probability2prediction(p);
            return new GenericInternalRow(row);
        }
    }

    /** Spark ML's own transform (three UDFs over {@code Vector} values): the reference {@link #transform} equals. */
    Dataset<Row> sparkTransform(Dataset<?> dataset) {
        return hasProbability() ? super.transform(dataset) : withoutProbability().superTransform(dataset);
    }

    private SteepestClassificationModel withoutProbability() {
        return copy(ParamMap.empty()).setProbabilityCol("");
    }

    private StructType superTransformSchema(StructType schema) {
        return super.transformSchema(schema);
    }

    private Dataset<Row> superTransform(Dataset<?> dataset) {
        return super.transform(dataset);
    }

    /**
     * Spark's own (the summary machinery), restated because Java sees it inherited twice, with return types that
     * Scala's covariant {@code Tuple3} relates and Java's invariant generics do not: the raw type fits both.
     */
    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public scala.Tuple3 findSummaryModel() {
        return super.findSummaryModel();
    }

    @Override
    public SteepestClassificationModel copy(ParamMap extra) {
        SteepestClassificationModel m = copyValues(new SteepestClassificationModel(uid, modelJson), extra);
        m.setSummary(summary);
        return m.setParent(parent());
    }

    @Override
    public MLWriter write() {
        return ModelIO.writer(this);
    }

    public static MLReader<SteepestClassificationModel> read() {
        return ModelIO.reader(SteepestClassificationModel.class, SteepestClassificationModel::new);
    }

    public static SteepestClassificationModel load(String path) {
        return read().load(path);
    }

    @Override
    public String toString() {
        return "SteepestClassificationModel: uid=" + uid + ", type=" + model.type() + ", numClasses=" + numClasses()
                + ", numFeatures=" + numFeatures();
    }
}
