package dev.steepest.spark.ml;

import dev.steepest.spark.InputError;
import dev.steepest.spark.output.RunDirectory;
import java.nio.file.Files;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.SparkSession;

/**
 * How the steepest models are saved: Spark ML's layout, {@code PATH/metadata/part-00000} (the class, uid and
 * params as {@code DefaultParamsWriter} makes them, so {@code PipelineModel.load} finds the class) and
 * {@code PATH/data/model.json} (the model, exactly as the CLI writes it). Both files are written and read by the
 * driver through the Hadoop FileSystem of {@code PATH} ({@code file://}, {@code hdfs://}, {@code s3a://} ...), no
 * Spark job: so a path on the driver's own disk works on a cluster too.
 */
final class ModelIO {
    private ModelIO() {
    }

    /** A model that saves as this class describes. */
    interface Saved extends Params {
        String modelJson();
    }

    /** Builds a model of class T from its uid and model.json text. */
    interface Factory<T> {
        T create(String uid, String modelJson);
    }

    /**
     * Writes the model to {@code path} (a plain path or any Hadoop URI) with the run directory's commit rules
     * ({@link RunDirectory}): under a hidden temporary name renamed into place, or with a manifest written last
     * where renames are not atomic, so a reader never finds half a model there.
     */
    static void save(SparkSession spark, Saved instance, String path) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        String metadata = DefaultParamsWriter$.MODULE$.getMetadataToSave(instance, spark);
        RunDirectory dir = RunDirectory.open(path, true, conf, "saving the model to " + path);
        try {
            Files.createDirectories(dir.file("metadata"));
            Files.createDirectories(dir.file("data"));
            Files.writeString(dir.file("metadata").resolve("part-00000"), metadata + "\n");
            Files.writeString(dir.file("data").resolve("model.json"), instance.modelJson());
            dir.commit();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write the model to " + path + ": " + e.getMessage(), e);
        } finally {
            dir.abort();
        }
    }

    static <T extends Params> T load(SparkSession spark, String path, Class<T> type, Factory<T> factory) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        RunDirectory.requireComplete(path, conf, "loading a model");
        String metadataText = ModelJson.readFile(conf, new Path(new Path(path, "metadata"), "part-00000")).trim();
        DefaultParamsReader.Metadata metadata;
        try {
            metadata = DefaultParamsReader$.MODULE$.parseMetadata(metadataText, type.getName());
        } catch (IllegalArgumentException e) {
            throw new InputError(path + ": " + e.getMessage(), e);
        }
        Path data = new Path(new Path(path, "data"), "model.json");
        String json = ModelJson.readFile(conf, data);
        ModelJson.parse(json, data.toString()); // checks the format version before anything is built
        T model = factory.create(metadata.uid(), json);
        metadata.getAndSetParams(model, scala.Option.empty());
        return model;
    }

    static MLWriter writer(Saved instance) {
        return new MLWriter() {
            @Override
            public void saveImpl(String path) {
                ModelIO.save(sparkSession(), instance, path);
            }
        };
    }

    static <T extends Params> MLReader<T> reader(Class<T> type, Factory<T> factory) {
        return new MLReader<T>() {
            @Override
            public T load(String path) {
                return ModelIO.load(sparkSession(), path, type, factory);
            }
        };
    }
}
