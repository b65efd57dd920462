package dev.steepest.spark.ml;

import com.typesafe.config.ConfigFactory;
import dev.steepest.spark.config.ConfigSchema;
import dev.steepest.spark.config.JobConfig;
import dev.steepest.spark.data.BlockLoader;
import dev.steepest.spark.data.DataSpec;
import dev.steepest.spark.data.FrameLoader;
import dev.steepest.spark.data.TrainingData;
import dev.steepest.spark.job.TrainJob;
import dev.steepest.spark.job.TrainingInputs;
import dev.steepest.spark.job.WarmStart;
import dev.steepest.spark.spec.TrainingSpec;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import java.io.PrintStream;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * What {@link SteepestClassifier} and {@link SteepestRegressor} share: their Params besides the ones Spark's base
 * classes bring ({@link ConfigParams} and four more: {@code regParam}, {@code elasticNetParam}, {@code weightCol},
 * {@code validationIndicatorCol}), the {@link JobConfig} their values make (validated as the CLI's config is),
 * the initial model of a warm start ({@code setInitialModel}: not a Param, so it is copied and saved beside them, in
 * {@code initialModel/model.json}), and {@code fit}: the DataFrame staged by {@link FrameLoader} and trained by {@link TrainJob}, the CLI's training
 * path.
 *
 * <p>Concurrent fits in one SparkContext ({@code CrossValidator.setParallelism(2)}): a fit that starts while another
 * runs takes one Spark job per step ({@code train.step-mode = jobs}, unless set explicitly), so it never waits for task
 * slots that another fit's resident tasks hold for the whole run; its jobs run as slots free up.
 */
final class EstimatorSupport implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final AtomicInteger ACTIVE_FITS = new AtomicInteger();

    final ConfigParams config;
    final DoubleParam regParam;
    final DoubleParam elasticNetParam;
    final Param<String> weightCol;
    final Param<String> validationIndicatorCol;
    /** setInitialModel's model (its model.json text and uid), or null: not a Param, saved beside the Params. */
    private String initialModelJson;
    private String initialModelUid;

    EstimatorSupport(Params owner) {
        String uid = owner.uid();
        config = new ConfigParams(owner);
        regParam = new DoubleParam(uid, "regParam", "Regularization strength lambda >= 0: the penalty "
                + "lambda (alpha ||w||_1 + (1 - alpha) / 2 ||w||^2) with alpha = elasticNetParam, that is "
                + "regularization.l1 = lambda alpha and regularization.l2 = lambda (1 - alpha).",
                ParamValidators.gtEq(0));
        elasticNetParam = new DoubleParam(uid, "elasticNetParam", "The elastic-net mixing alpha in [0, 1]: 0 is L2, "
                + "1 is L1 (see regParam).", ParamValidators.inRange(0, 1));
        weightCol = new Param<>(uid, "weightCol", "Sample-weight column (data.weight); every weight 1 when unset.");
        validationIndicatorCol = new Param<>(uid, "validationIndicatorCol", "Boolean column: rows where it is true are "
                + "the validation set (per-epoch validation, early stopping, the plateau schedule), not trained on.");
    }

    void setInitialModel(ModelIO.Saved model) {
        initialModelJson = model.modelJson();
        initialModelUid = model.uid();
    }

    boolean hasInitialModel() {
        return initialModelJson != null;
    }

    /** Carries the initial model over to a copy of the Estimator ({@code copy}, as CrossValidator makes them). */
    void copyInitialModelTo(EstimatorSupport other) {
        other.initialModelJson = initialModelJson;
        other.initialModelUid = initialModelUid;
    }

    /** The initial model's file under a saved Estimator's directory. */
    private static org.apache.hadoop.fs.Path initialModelFile(String path) {
        return new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(path, "initialModel"), "model.json");
    }

    /** {@code DefaultParamsWriter}'s layout, plus {@code initialModel/model.json} when an initial model is set. */
    MLWriter writer(Params owner) {
        return new DefaultParamsWriter(owner) {
            @Override
            public void saveImpl(String path) {
                super.saveImpl(path);
                if (initialModelJson != null) {
                    ModelJson.writeText(sparkSession().sparkContext().hadoopConfiguration(), initialModelFile(path),
                            initialModelJson);
                }
            }
        };
    }

    /** Reads back what {@link #writer} saved. */
    static <T extends Params> MLReader<T> reader(java.util.function.Function<T, EstimatorSupport> support) {
        return new DefaultParamsReader<T>() {
            @Override
            public T load(String path) {
                T estimator = super.load(path);
                org.apache.hadoop.conf.Configuration conf = sparkSession().sparkContext().hadoopConfiguration();
                org.apache.hadoop.fs.Path file = initialModelFile(path);
                try {
                    if (file.getFileSystem(conf).exists(file)) {
                        String json = ModelJson.readFile(conf, file);
                        ModelJson.parse(json, file.toString());
                        support.apply(estimator).initialModelJson = json;
                        support.apply(estimator).initialModelUid = "saved in " + path;
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return estimator;
            }
        };
    }

    /** The Params, in the order explainParams shows them, without duplicates by name. */
    Param<?>[] params(Param<?>[] inherited) {
        Map<String, Param<?>> m = new LinkedHashMap<>();
        for (Param<?> p : inherited) m.put(p.name(), p);
        for (Param<?> p : config.all()) m.putIfAbsent(p.name(), p);
        return m.values().toArray(new Param<?>[0]);
    }

    void setDefaults(Params owner, Map<Param<?>, Object> extra) {
        Map<Param<?>, Object> d = config.defaults();
        d.put(regParam, 0.0);
        d.put(elasticNetParam, 0.0);
        d.putAll(extra);
        d.forEach((p, v) -> setDefault(owner, p, v));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void setDefault(Params owner, Param p, Object v) {
        owner.setDefault(p, v);
    }

    /** The config of a fit: the Params that are set, the DataFrame's columns, and {@code modelType}. */
    JobConfig jobConfig(Params owner, String modelType, String featuresCol, String labelCol, boolean concurrent,
                        Map<String, Object> implied) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data.train", "DataFrame");
        m.put("data.format", "parquet");
        m.put("data.features", List.of(featuresCol));
        m.put("data.label", labelCol);
        if (owner.isDefined(weightCol) && !owner.getOrDefault(weightCol).isEmpty()) {
            m.put("data.weight", owner.getOrDefault(weightCol));
        }
        if (owner.isDefined(validationIndicatorCol) && !owner.getOrDefault(validationIndicatorCol).isEmpty()) {
            m.put("data.validation", "DataFrame");
        }
        config.byKey().forEach((key, p) -> {
            if (owner.isSet(p)) m.put(key, ConfigParams.configValue(owner.getOrDefault(p)));
        });
        m.put("model.type", modelType);
        if (owner.isSet(regParam) || owner.isSet(elasticNetParam)) {
            double lambda = (Double) owner.getOrDefault(regParam);
            double alpha = (Double) owner.getOrDefault(elasticNetParam);
            m.put("regularization.l2", lambda * (1 - alpha));
            m.put("regularization.l1", lambda * alpha);
        }
        implied.forEach(m::putIfAbsent);
        if (concurrent && !m.containsKey("train.step-mode")) m.put("train.step-mode", "jobs");
        return ConfigSchema.validate(ConfigFactory.parseMap(m, "the Estimator's Params"), Map.of());
    }

    /** Trains on {@code dataset}: model.json's text is {@code ModelJson.text(outcome.modelJson())}. */
    TrainJob.Outcome fit(Params owner, Dataset<?> dataset, String modelType, String featuresCol, String labelCol,
               Map<String, Object> implied) {
        boolean concurrent = ACTIVE_FITS.incrementAndGet() > 1;
        try {
            TrainingSpec spec = TrainingSpec.of(jobConfig(owner, modelType, featuresCol, labelCol, concurrent, implied));
            Dataset<Row> df = dataset.toDF();
            Dataset<Row> train = df;
            Dataset<Row> validation = null;
            if (spec.data().validationPath() != null) {
                String col = "`" + owner.getOrDefault(validationIndicatorCol).replace("`", "``") + "`";
                train = df.filter(functions.not(functions.col(col)));
                validation = df.filter(functions.col(col));
            }
            SparkSession spark = df.sparkSession();
            WarmStart.Source warm = initialModelJson == null ? null : new WarmStart.Source("initialModel: '"
                    + initialModelUid + "'", ModelJson.parse(initialModelJson, "initialModel"));
            TrainingInputs inputs = frames(train, validation, warm);
            PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
            return TrainJob.run(spark, spec, inputs, null, quiet, System.nanoTime(), List.of(), null);
        } finally {
            ACTIVE_FITS.decrementAndGet();
        }
    }

    private static TrainingInputs frames(Dataset<Row> train, Dataset<Row> validation, WarmStart.Source warm) {
        return new TrainingInputs() {
            @Override
            public WarmStart.Source initialModel(SparkSession spark, String initFrom) {
                if (warm == null) return TrainingInputs.super.initialModel(spark, initFrom);
                if (initFrom != null) {
                    throw new IllegalArgumentException("setInitialModel and modelInitFrom are both set: use one");
                }
                return warm;
            }

            @Override
            public TrainingData training(SparkSession spark, String key, String path, BlockLoader.Options options) {
                return FrameLoader.loadTraining(spark, train, key, "the DataFrame", options);
            }

            @Override
            public TrainingData heldOut(SparkSession spark, String key, String path, BlockLoader.Options options,
                                        DataSpec spec) {
                return FrameLoader.loadHeldOut(validation, key, "the DataFrame's validation rows", options, spec);
            }
        };
    }
}
