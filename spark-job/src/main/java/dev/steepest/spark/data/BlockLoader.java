package dev.steepest.spark.data;

import dev.steepest.core.data.Block;
import dev.steepest.core.data.BlockBuilder;
import dev.steepest.spark.InputError;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;

/**
 * DataFrame to cached blocks, once: reads CSV (with header), Parquet or LibSVM with Spark's own readers from any
 * Hadoop FileSystem path or glob, spreads the rows over the wanted number of partitions (deterministically: the
 * same input gives the same blocks), converts each partition into one contiguous {@link Block} (dense row-major,
 * or CSR for sparse input), caches the blocks and counts rows per partition in the same pass.
 */
public final class BlockLoader {
    private static final String ROW_ID = "__steepest_row";
    private static final String VECTOR_COLUMN = "features";

    private BlockLoader() {
    }

    /**
     * Options that come from the config. {@code maxClasses}: 0 for regression, 2 for a binary classifier (exactly
     * two labels), more for a multiclass one (2 to maxClasses labels). {@code truncateLineage}: cut the cached
     * blocks loose from the reading plan (Spark's {@code localCheckpoint}), so each step's task no longer
     * serializes the whole lineage.
     */
    public record Options(String format, String labelColumn, String weightColumn, Integer numFeatures,
                          Integer partitions, int maxClasses, boolean truncateLineage) {
        public Options(String format, String labelColumn, String weightColumn, Integer numFeatures,
                       Integer partitions, boolean binaryClassification) {
            this(format, labelColumn, weightColumn, numFeatures, partitions, binaryClassification ? 2 : 0, true);
        }

        public boolean classification() {
            return maxClasses > 0;
        }
    }

    /** Loads the training set: decides features and classes, which later data sets must match. */
    public static TrainingData loadTraining(SparkSession spark, String key, String path, Options opt) {
        Dataset<Row> df = read(spark, key, path, opt, null);
        Layout layout = layout(df, key, path, opt, null);
        String[] labelNames = null;
        if (layout.stringLabel) {
            labelNames = distinctLabels(df, layout.label, key, path, opt);
            df = indexLabels(df, layout.label, labelNames);
        }
        int target = opt.partitions() != null ? opt.partitions()
                : Math.max(df.rdd().getNumPartitions(), spark.sparkContext().defaultParallelism());
        if (df.rdd().getNumPartitions() != target) {
            // A plain repartition interleaves rows in shuffle-fetch order; hashing a stable row id and sorting by
            // it inside each partition gives the same blocks on every run.
            df = df.withColumn(ROW_ID, functions.monotonically_increasing_id())
                    .repartition(target, functions.col(ROW_ID))
                    .sortWithinPartitions(ROW_ID)
                    .drop(ROW_ID);
        }
        JavaRDD<Block> blocks = cache(toBlocks(df, layout, key, path, null), opt);
        List<BlockSummary> summaries = summarize(blocks, key, path, opt.maxClasses());
        double[] classes = null;
        if (opt.classification()) {
            classes = classes(summaries, key, path, opt);
            if (!isIdentity(classes)) {
                final double[] cls = classes;
                JavaRDD<Block> remapped = cache(
                        blocks.map(b -> b.withLabels(mapLabels(b.labels(), cls, key, path))), opt);
                summaries = summarize(remapped, key, path, opt.maxClasses());
                blocks.unpersist(false);
                blocks = remapped;
            }
        }
        DataSpec spec = new DataSpec(opt.format(), layout.featureNames, layout.numFeatures, layout.sparse, classes,
                labelNames);
        return finish(blocks, summaries, spec, path, key);
    }

    /** Loads a held-out set with the training set's features and classes (unseen labels are an input error). */
    public static TrainingData loadHeldOut(SparkSession spark, String key, String path, Options opt, DataSpec train) {
        Dataset<Row> df = read(spark, key, path, opt, train);
        Layout layout = layout(df, key, path, opt, train);
        if (train.labelNames() != null) {
            if (!layout.stringLabel) {
                throw new InputError(key + ": column '" + layout.label + "' of '" + path + "' is numeric; training's "
                        + "labels were strings (" + String.join(", ", train.labelNames()) + ")");
            }
            Row unseen = df.filter(functions.col(layout.label).isNotNull()
                    .and(functions.not(functions.col(layout.label).isin((Object[]) train.labelNames())))).takeAsList(1)
                    .stream().findFirst().orElse(null);
            if (unseen != null) {
                throw new InputError(key + ": '" + path + "' has label '" + unseen.getAs(layout.label)
                        + "', which training did not see (classes " + String.join(", ", train.labelNames()) + ")");
            }
            df = indexLabels(df, layout.label, train.labelNames());
        }
        JavaRDD<Block> blocks = toBlocks(df, layout, key, path, train.classes());
        blocks.persist(StorageLevel.MEMORY_ONLY());
        return finish(blocks, summarize(blocks, key, path, 0), train, path, key);
    }

    /**
     * Caches blocks in memory, deserialized. With {@code truncateLineage} the first job also local-checkpoints
     * them: every later step ships a task whose RDD has no parents (measured: about 9 ms instead of 12.5 ms a step
     * on the samples in local[2], docs/BENCHMARKS.md). Spark then keeps them MEMORY_AND_DISK, and a lost executor's blocks cannot
     * be recomputed (the run fails instead of re-reading the input).
     */
    private static JavaRDD<Block> cache(JavaRDD<Block> blocks, Options opt) {
        blocks.persist(StorageLevel.MEMORY_ONLY());
        if (opt.truncateLineage()) {
            blocks.rdd().localCheckpoint();
        }
        return blocks;
    }

    private static TrainingData finish(JavaRDD<Block> blocks, List<BlockSummary> summaries, DataSpec spec,
                                       String path, String key) {
        long[] sizes = summaries.stream().mapToLong(s -> s.rows).toArray();
        long bytes = summaries.stream().mapToLong(s -> s.bytes).sum();
        if (Arrays.stream(sizes).sum() == 0) {
            blocks.unpersist(false);
            throw new InputError(key + ": '" + path + "' has no rows");
        }
        return new TrainingData(blocks, sizes, bytes, spec, path);
    }

    private static List<BlockSummary> summarize(JavaRDD<Block> blocks, String key, String path, int maxClasses) {
        try {
            return blocks.map(b -> BlockSummary.of(b, maxClasses)).collect();
        } catch (Exception e) { // SparkException is checked in Java's eyes
            throw Errors.inputErrorOr(e, key + ": cannot read '" + path + "'");
        }
    }

    private static double[] classes(List<BlockSummary> summaries, String key, String path, Options opt) {
        TreeSet<Double> all = new TreeSet<>();
        for (BlockSummary s : summaries) for (double l : s.labels) all.add(l);
        String where = key + ": column '" + opt.labelColumn() + "' of '" + path + "': ";
        if (opt.maxClasses() == 2 && all.size() != 2) {
            String found = all.size() > 2 ? "at least 3 distinct labels" : "only the label " + fmt(all.first());
            throw new InputError(where + "a binary classifier needs exactly 2 classes; found " + found
                    + (all.size() > 2 ? " (model.type = softmax takes more)" : ""));
        }
        if (all.size() < 2) {
            throw new InputError(where + "a classifier needs at least 2 classes; found only the label "
                    + fmt(all.first()));
        }
        if (all.size() > opt.maxClasses()) {
            throw new InputError(where + "more than " + opt.maxClasses() + " distinct labels (model.max-classes)");
        }
        return all.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Whether the classes are already 0, 1, ..., K-1. */
    private static boolean isIdentity(double[] classes) {
        for (int k = 0; k < classes.length; k++) if (classes[k] != k) return false;
        return true;
    }

    static double[] mapLabels(double[] labels, double[] classes, String key, String path) {
        double[] out = new double[labels.length];
        for (int i = 0; i < labels.length; i++) out[i] = classIndex(labels[i], classes, key, path);
        return out;
    }

    /** The index of {@code label} among the sorted {@code classes}; an unseen label is an input error. */
    private static int classIndex(double label, double[] classes, String key, String path) {
        int k = Arrays.binarySearch(classes, label);
        if (k < 0) {
            throw new InputError(key + ": '" + path + "' has label " + fmt(label)
                    + ", which training did not see (classes " + joinClasses(classes) + ")");
        }
        return k;
    }

    private static String joinClasses(double[] classes) {
        List<String> s = new ArrayList<>();
        for (double c : classes) s.add(fmt(c));
        return String.join(", ", s);
    }

    static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    // ---------------------------------------------------------------------------------------------- reading

    private static Dataset<Row> read(SparkSession spark, String key, String path, Options opt, DataSpec train) {
        checkExists(spark, key, path);
        try {
            switch (opt.format()) {
                case "csv":
                    return spark.read().option("header", "true").option("inferSchema", "true")
                            .option("mode", "FAILFAST").csv(path);
                case "parquet":
                    return spark.read().parquet(path);
                case "libsvm":
                    Integer d = opt.numFeatures() != null ? opt.numFeatures()
                            : train != null ? Integer.valueOf(train.numFeatures()) : null;
                    var reader = spark.read().format("libsvm");
                    if (d != null) reader = reader.option("numFeatures", d.toString());
                    return reader.load(path);
                default:
                    throw new IllegalStateException(opt.format());
            }
        } catch (Exception e) { // AnalysisException and SparkException are checked in Java's eyes
            throw Errors.inputErrorOr(e, key + ": cannot read '" + path + "' as " + opt.format());
        }
    }

    private static void checkExists(SparkSession spark, String key, String path) {
        checkExists(spark.sparkContext().hadoopConfiguration(), key, path);
    }

    /** Fails with an input error naming {@code key} when nothing matches {@code path} (a path or glob). */
    public static void checkExists(Configuration conf, String key, String path) {
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(conf);
            FileStatus[] matches = fs.globStatus(p);
            if (matches == null || matches.length == 0) {
                throw new InputError(key + ": no such file or directory '" + path + "'");
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new InputError(key + ": cannot open '" + path + "': " + e.getMessage(), e);
        }
    }

    /** The distinct string labels, sorted: class k is the k-th (one extra pass over the label column). */
    private static String[] distinctLabels(Dataset<Row> df, String label, String key, String path, Options opt) {
        List<Row> rows = df.select(label).where(functions.col(label).isNotNull()).distinct()
                .limit(opt.maxClasses() + 1).collectAsList();
        String[] names = rows.stream().map(r -> r.getString(0)).sorted().toArray(String[]::new);
        if (names.length > opt.maxClasses() || names.length < 2) {
            String where = key + ": column '" + label + "' of '" + path + "': ";
            throw new InputError(where + (opt.maxClasses() == 2 ? "a binary classifier needs exactly 2 classes; "
                    : "a classifier needs 2 to " + opt.maxClasses() + " classes (model.max-classes); ")
                    + "found " + (names.length > opt.maxClasses() ? "more than " + opt.maxClasses() : names.length)
                    + (names.length == 1 ? " ('" + names[0] + "')" : ""));
        }
        return names;
    }

    /** Replaces string labels by their class index (a null label stays null and is reported as missing). */
    private static Dataset<Row> indexLabels(Dataset<Row> df, String label, String[] names) {
        Column[] literals = new Column[names.length];
        for (int k = 0; k < names.length; k++) literals[k] = functions.lit(names[k]);
        Column position = functions.array_position(functions.array(literals), functions.col(label));
        return df.withColumn(label, position.minus(1).cast(DataTypes.DoubleType));
    }

    // ---------------------------------------------------------------------------------------------- layout

    /** Which columns hold the label, the weight and the features, and how features are stored. */
    private record Layout(String label, String weight, List<String> featureNames, int numFeatures, boolean sparse,
                          boolean vectorColumn, boolean stringLabel) implements java.io.Serializable {
    }

    private static Layout layout(Dataset<Row> df, String key, String path, Options opt, DataSpec train) {
        List<String> columns = Arrays.asList(df.columns());
        if ("libsvm".equals(opt.format())) {
            int d = vectorSize(df);
            if (train != null && d != train.numFeatures()) {
                throw new InputError(key + ": '" + path + "' has " + d + " features; training had "
                        + train.numFeatures());
            }
            return new Layout("label", null, indexNames(d), d, true, true, false);
        }
        String label = opt.labelColumn();
        if (!columns.contains(label)) {
            throw new InputError("data.label: no column '" + label + "' in '" + path + "' (columns: "
                    + String.join(", ", columns.subList(0, Math.min(columns.size(), 12)))
                    + (columns.size() > 12 ? ", ..." : "") + ")");
        }
        String weight = opt.weightColumn();
        if (weight != null && !columns.contains(weight)) {
            throw new InputError("data.weight: no column '" + weight + "' in '" + path + "'");
        }
        boolean stringLabel = opt.classification()
                && df.schema().apply(label).dataType() instanceof org.apache.spark.sql.types.StringType;
        if (!stringLabel) checkNumeric(df, label, key, path);
        if (weight != null) checkNumeric(df, weight, key, path);
        StructField vector = Arrays.stream(df.schema().fields())
                .filter(f -> f.name().equals(VECTOR_COLUMN) && f.dataType() instanceof VectorUDT).findFirst()
                .orElse(null);
        if (vector != null) {
            int d = vectorSize(df.select(VECTOR_COLUMN));
            if (train != null && d != train.numFeatures()) {
                throw new InputError(key + ": '" + path + "' has " + d + " features; training had "
                        + train.numFeatures());
            }
            return new Layout(label, weight, indexNames(d), d, train != null ? train.sparse() : true, true,
                    stringLabel);
        }
        List<String> features = new ArrayList<>();
        if (train != null) {
            for (String f : train.featureNames()) {
                if (!columns.contains(f)) {
                    throw new InputError(key + ": '" + path + "' has no feature column '" + f
                            + "' that training had");
                }
                features.add(f);
            }
        } else {
            for (String c : columns) {
                if (!c.equals(label) && !c.equals(weight)) features.add(c);
            }
        }
        if (features.isEmpty()) {
            throw new InputError(key + ": '" + path + "' has no feature columns besides the label");
        }
        for (String f : features) checkNumeric(df, f, key, path);
        return new Layout(label, weight, features, features.size(), false, false, stringLabel);
    }

    private static void checkNumeric(Dataset<Row> df, String column, String key, String path) {
        DataType t = df.schema().apply(column).dataType();
        if (!(t instanceof NumericType) && !(t instanceof BooleanType)) {
            throw new InputError(key + ": column '" + column + "' of '" + path + "' is " + t.simpleString()
                    + ", not numeric");
        }
    }

    private static int vectorSize(Dataset<Row> df) {
        Row first = df.select(VECTOR_COLUMN).head();
        return ((Vector) first.get(0)).size();
    }

    private static List<String> indexNames(int d) {
        List<String> names = new ArrayList<>(d);
        for (int j = 0; j < d; j++) names.add("f" + j);
        return names;
    }

    // ---------------------------------------------------------------------------------------------- blocks

    private static JavaRDD<Block> toBlocks(Dataset<Row> df, Layout layout, String key, String path,
                                           double[] classes) {
        List<Column> cols = new ArrayList<>();
        cols.add(functions.col(layout.label).cast(DataTypes.DoubleType));
        cols.add(layout.weight == null ? functions.lit(1.0) : functions.col(layout.weight).cast(DataTypes.DoubleType));
        if (layout.vectorColumn) {
            cols.add(functions.col(VECTOR_COLUMN));
        } else {
            for (String f : layout.featureNames) cols.add(functions.col(f).cast(DataTypes.DoubleType));
        }
        Dataset<Row> selected = df.select(cols.toArray(new Column[0]));
        return selected.javaRDD().mapPartitions(rows -> List.of(build(rows, layout, key, path, classes)).iterator(),
                true);
    }

    private static Block build(Iterator<Row> rows, Layout layout, String key, String path, double[] classes) {
        int d = layout.numFeatures;
        BlockBuilder builder = new BlockBuilder(d, layout.sparse);
        double[] x = layout.vectorColumn ? null : new double[d];
        while (rows.hasNext()) {
            Row r = rows.next();
            double label = value(r, 0, layout.label, key, path);
            double weight = value(r, 1, layout.weight == null ? "weight" : layout.weight, key, path);
            if (weight < 0) {
                throw new InputError(key + ": column '" + layout.weight + "' of '" + path + "' has a negative "
                        + "weight " + weight);
            }
            if (classes != null) label = classIndex(label, classes, key, path);
            if (layout.vectorColumn) {
                if (r.isNullAt(2)) throw new InputError(key + ": a row of '" + path + "' has no feature vector");
                Vector v = (Vector) r.get(2);
                if (v.size() != d) {
                    throw new InputError(key + ": a row of '" + path + "' has " + v.size() + " features, expected " + d);
                }
                if (v instanceof SparseVector sv) {
                    checkFinite(sv.values(), key, path);
                    builder.addSparse(label, weight, sv.indices(), sv.values(), sv.indices().length);
                } else {
                    double[] dense = v.toArray();
                    checkFinite(dense, key, path);
                    builder.addDense(label, weight, dense);
                }
            } else {
                for (int j = 0; j < d; j++) x[j] = value(r, 2 + j, layout.featureNames.get(j), key, path);
                builder.addDense(label, weight, x);
            }
        }
        return builder.build();
    }

    private static double value(Row r, int i, String column, String key, String path) {
        if (r.isNullAt(i)) {
            throw new InputError(key + ": '" + path + "': a row has no value in column '" + column + "'");
        }
        double v = r.getDouble(i);
        if (!Double.isFinite(v)) {
            throw new InputError(key + ": '" + path + "': column '" + column + "' has a non-finite value " + v);
        }
        return v;
    }

    private static void checkFinite(double[] values, String key, String path) {
        for (double v : values) {
            if (!Double.isFinite(v)) throw new InputError(key + ": '" + path + "': a feature is " + v);
        }
    }
}
