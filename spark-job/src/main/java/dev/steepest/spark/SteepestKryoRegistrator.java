package dev.steepest.spark;

import com.esotericsoftware.kryo.Kryo;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Registers every class of ours that Kryo sees (task results, shuffled partial sums, blocks if a user caches them
 * serialized), so runs work with {@code spark.kryo.registrationRequired=true}.
 */
public final class SteepestKryoRegistrator implements KryoRegistrator {
    @Override
    public void registerClasses(Kryo kryo) {
        kryo.register(dev.steepest.core.data.Block.class);
        kryo.register(dev.steepest.core.model.Accumulator.class);
        kryo.register(dev.steepest.core.model.Evaluation.class);
        kryo.register(dev.steepest.core.model.FeatureMoments.class);
        kryo.register(dev.steepest.spark.exec.IndexedPartial.class);
        kryo.register(dev.steepest.spark.data.BlockSummary.class);
        kryo.register(java.util.TreeMap.class); // BlockSummary's skipped records per reason
        kryo.register(dev.steepest.spark.data.PackedRows.class); // the fast input path's shuffle (issue 17)
        kryo.register(dev.steepest.spark.data.PackFacts.class); // and what a pass over its packs finds
        kryo.register(long[].class);
        kryo.register(byte[].class);
        kryo.register(double[].class);
        kryo.register(float[].class); // float32 blocks' values (data.precision)
        kryo.register(int[].class);
        kryo.register(double[][].class);
        // Spark SQL internals that reach Kryo when reading our inputs (CSV schema inference collects DataType
        // arrays to the driver); Spark does not register them itself.
        for (String name : SPARK_INTERNALS) {
            try {
                kryo.register(Class.forName(name, false, Thread.currentThread().getContextClassLoader()));
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("Spark class missing: " + name, e);
            }
        }
    }

    private static final String[] SPARK_INTERNALS = {
        "[Lorg.apache.spark.sql.types.DataType;",
        "org.apache.spark.sql.types.NullType$",
        // a Parquet file's schema is read in a Spark job (ParquetFileFormat.mergeSchemasInParallel) whose result
        // holds its column types: without these, a file with such a column failed before it was read
        "org.apache.spark.sql.types.BooleanType$",
        "org.apache.spark.sql.types.ByteType$",
        "org.apache.spark.sql.types.ShortType$",
        "org.apache.spark.sql.types.FloatType$",
        "org.apache.spark.sql.types.DecimalType",
        "org.apache.spark.sql.types.DateType$",
        "org.apache.spark.sql.types.TimestampType$",
        "org.apache.spark.ml.linalg.VectorUDT",
        "org.apache.spark.ml.linalg.MatrixUDT",
        // the column metadata Spark ML writes (ml_attr: nested Metadata, arrays of it, of strings and numbers)
        "[Lorg.apache.spark.sql.types.Metadata;",
        "[Ljava.lang.String;",
    };
}
