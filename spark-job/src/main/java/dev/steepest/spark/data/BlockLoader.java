package dev.steepest.spark.data;

import dev.steepest.core.data.Block;
import dev.steepest.core.data.BlockBuilder;
import dev.steepest.core.data.Precision;
import dev.steepest.spark.InputError;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.spark.api.java.JavaNewHadoopRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
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
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.storage.StorageLevel;

/**
 * Input files to cached blocks, once. CSV and LibSVM are read line by line with Hadoop's reader (any FileSystem,
 * globs, directories, gzip / bzip2), so every record knows its file and line; Parquet with Spark's reader, whose
 * rows know their file and row index. Every format becomes the same staged rows ({@link StagedRows}: parsed and
 * checked, bad records marked), categorical columns are one-hot encoded with Spark ML's {@code StringIndexer} and
 * {@code OneHotEncoder}, class labels are mapped to 0 .. K-1, the rows are spread deterministically over the
 * partitions, and each partition becomes one {@link Block} (dense row-major, or CSR for sparse input) while
 * {@code data.on-bad-record} is applied: {@code fail} stops at a bad record naming its file and line, {@code skip}
 * leaves it out and counts it by reason.
 */
public final class BlockLoader {
    private static final String ROW_ID = "__steepest_row";
    private static final String DEFAULT_VECTOR_COLUMN = "features";
    private static final int MAX_DISTINCT_LABELS = 100_000;

    private BlockLoader() {
    }

    /**
     * Options that come from the config. {@code maxClasses}: 0 for regression, 2 for a binary classifier (exactly
     * two labels), more for a multiclass one (2 to maxClasses labels). {@code truncateLineage}: cut the cached
     * blocks loose from the reading plan (Spark's {@code localCheckpoint}), so each step's task no longer
     * serializes the whole lineage. {@code labelColumn}, {@code weightColumn} and the entries of {@code features},
     * {@code exclude} and {@code categorical} name columns, or give their 0-based position as a number.
     * {@code precision}: how every block this loader builds (training, validation and held-out sets alike) stores
     * its feature values ({@code data.precision}).
     */
    public record Options(String format, String labelColumn, String weightColumn, Integer numFeatures,
                          Integer partitions, int maxClasses, boolean truncateLineage, boolean header,
                          String delimiter, List<String> features, List<String> exclude, List<String> categorical,
                          boolean skipBadRecords, Precision precision) implements Serializable {
        /** Float64 blocks. */
        public Options(String format, String labelColumn, String weightColumn, Integer numFeatures,
                       Integer partitions, int maxClasses, boolean truncateLineage, boolean header,
                       String delimiter, List<String> features, List<String> exclude, List<String> categorical,
                       boolean skipBadRecords) {
            this(format, labelColumn, weightColumn, numFeatures, partitions, maxClasses, truncateLineage, header,
                    delimiter, features, exclude, categorical, skipBadRecords, Precision.FLOAT64);
        }

        public Options(String format, String labelColumn, String weightColumn, Integer numFeatures,
                       Integer partitions, int maxClasses, boolean truncateLineage) {
            this(format, labelColumn, weightColumn, numFeatures, partitions, maxClasses, truncateLineage, true, ",",
                    null, List.of(), List.of(), false);
        }

        public Options(String format, String labelColumn, String weightColumn, Integer numFeatures,
                       Integer partitions, boolean binaryClassification) {
            this(format, labelColumn, weightColumn, numFeatures, partitions, binaryClassification ? 2 : 0, true);
        }

        /** The loader options {@code cfg} gives, for a model taking {@code maxClasses} classes (0: regression). */
        public static Options of(dev.steepest.spark.config.JobConfig cfg, int maxClasses) {
            return new Options(cfg.format(), cfg.labelColumn(), cfg.weightColumn(),
                    cfg.has("data.num-features") ? (int) cfg.longValue("data.num-features") : null,
                    cfg.has("data.partitions") ? (int) cfg.longValue("data.partitions") : null, maxClasses,
                    cfg.bool("data.truncate-lineage"), cfg.bool("data.header"), cfg.string("data.delimiter"),
                    cfg.stringList("data.features"), cfg.stringList("data.exclude"),
                    cfg.stringList("data.categorical"), "skip".equals(cfg.string("data.on-bad-record")),
                    Precision.parse(cfg.string("data.precision")));
        }

        public boolean classification() {
            return maxClasses > 0;
        }

        public Options withSkipBadRecords(boolean skip) {
            return new Options(format, labelColumn, weightColumn, numFeatures, partitions, maxClasses,
                    truncateLineage, header, delimiter, features, exclude, categorical, skip, precision);
        }

        public Options withPrecision(Precision p) {
            return new Options(format, labelColumn, weightColumn, numFeatures, partitions, maxClasses,
                    truncateLineage, header, delimiter, features, exclude, categorical, skipBadRecords, p);
        }
    }

    /** Loads the training set: decides features, categories and classes, which later data sets must match. */
    public static TrainingData loadTraining(SparkSession spark, String key, String path, Options opt) {
        Staged staged = stage(spark, key, path, opt, null);
        Dataset<Row> df = staged.rows;
        String[][] categories = new String[0][];
        if (!staged.categorical.isEmpty()) {
            StringIndexerModel indexer = guard(staged, () -> indexer(staged.categorical.size())
                    .fit(df.filter(functions.col(StagedRows.BAD).isNull())));
            categories = indexer.labelsArray();
        }
        Labels labels = opt.classification() ? guard(staged, () -> classes(df, key, path, opt)) : Labels.REGRESSION;
        int numeric = staged.numericFeatures >= 0 ? staged.numericFeatures
                : guard(staged, () -> largestIndex(df, key, path));
        List<String> names = new ArrayList<>(staged.numericNames != null ? staged.numericNames : indexNames(numeric));
        for (int c = 0; c < categories.length; c++) {
            for (String v : categories[c]) names.add(staged.categorical.get(c) + "=" + v);
        }
        DataSpec spec = new DataSpec(opt.format(), names, names.size(), staged.sparse, labels.classes,
                labels.names, staged.numericNames != null ? staged.numericNames : indexNames(numeric),
                staged.categorical, categories);

        Skipping skipping = skipping(df, staged, labels, opt);
        Dataset<Row> rows = encode(skipping.good, spec);
        int target = opt.partitions() != null ? opt.partitions()
                : Math.max(staged.inputPartitions, spark.sparkContext().defaultParallelism());
        // A plain repartition interleaves rows in shuffle-fetch order; hashing a stable row id and sorting by it
        // inside each partition gives the same blocks on every run.
        rows = rows.withColumn(ROW_ID, functions.monotonically_increasing_id())
                .repartition(target, functions.col(ROW_ID))
                .sortWithinPartitions(ROW_ID)
                .drop(ROW_ID);
        return build(rows, staged, spec, labels, opt, true, skipping.counts);
    }

    /** Loads a held-out set with the training set's columns, categories and classes (unseen labels are errors). */
    public static TrainingData loadHeldOut(SparkSession spark, String key, String path, Options opt, DataSpec train) {
        Staged staged = stage(spark, key, path, opt, train);
        Labels labels = train.classes() == null ? Labels.REGRESSION : new Labels(train.classes(), train.labelNames(), List.of());
        Skipping skipping = skipping(staged.rows, staged, labels, opt);
        return build(encode(skipping.good, train), staged, train, labels, opt, false, skipping.counts);
    }

    /** Fails with an input error naming {@code key} when nothing matches {@code path} (a path or glob). */
    public static void checkExists(Configuration conf, String key, String path) {
        InputFiles.list(conf, key, path);
    }

    static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    // ---------------------------------------------------------------------------------------------- staging

    /**
     * A data set read into staged rows. {@code numericFeatures}: the numeric feature count, or -1 when the largest
     * LibSVM index decides it; {@code numericNames}: their names (null: f0, f1, ...).
     */
    private record Staged(Dataset<Row> rows, int inputPartitions, String key, String path, Configuration conf,
                          boolean textLines,
                          int numericFeatures, List<String> numericNames, List<String> categorical,
                          boolean sparse) {
    }

    private static Staged stage(SparkSession spark, String key, String path, Options opt, DataSpec train) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        List<Path> files = InputFiles.list(conf, key, path);
        return switch (opt.format()) {
            case "csv" -> stageCsv(spark, conf, files, key, path, opt, train);
            case "libsvm" -> stageLibsvm(spark, conf, files, key, path, opt, train);
            case "parquet" -> stageParquet(spark, conf, files, key, path, opt, train);
            default -> throw new IllegalStateException(opt.format());
        };
    }

    /** Spark SQL's bytes per file partition ({@code spark.sql.files.maxPartitionBytes}, 128 MiB by default). */
    private static long partitionBytes(SparkSession spark) {
        return org.apache.spark.network.util.JavaUtils.byteStringAsBytes(
                spark.conf().get("spark.sql.files.maxPartitionBytes", "128m"));
    }

    /**
     * How many partitions Spark's own file readers would give text input: the total size over
     * {@code spark.sql.files.maxPartitionBytes}, so a directory of many small files does not become as many blocks
     * (each one a task in every step).
     */
    private static int inputPartitions(SparkSession spark, Configuration conf, List<Path> files) {
        long total = 0;
        try {
            for (Path f : files) total += f.getFileSystem(conf).getFileStatus(f).getLen();
        } catch (IOException e) {
            return files.size();
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (total + partitionBytes(spark) - 1) / partitionBytes(spark)));
    }

    /**
     * The files' lines as Hadoop records: uncompressed files split in pieces of at least Spark SQL's partition
     * size (Hadoop's default, the 32 MiB block of a local file system, would triple the tasks of Spark's CSV
     * reader), compressed files whole. A configured {@code mapreduce.input.fileinputformat.split.maxsize} wins.
     */
    private static JavaNewHadoopRDD<LongWritable, Text> lines(SparkSession spark, Configuration conf, List<Path> files) {
        try {
            Job job = Job.getInstance(new Configuration(conf));
            FileInputFormat.setInputPaths(job, files.toArray(new Path[0]));
            if (conf.get(FileInputFormat.SPLIT_MAXSIZE) == null) {
                FileInputFormat.setMinInputSplitSize(job, partitionBytes(spark));
            }
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            return (JavaNewHadoopRDD<LongWritable, Text>) jsc.newAPIHadoopRDD(job.getConfiguration(),
                    WholeCompressedTextInputFormat.class, LongWritable.class, Text.class);
        } catch (IOException e) {
            throw new InputError("cannot read " + files + ": " + e.getMessage(), e);
        }
    }

    private static Staged stageCsv(SparkSession spark, Configuration conf, List<Path> files, String key, String path,
                                   Options opt, DataSpec train) {
        char delimiter;
        try {
            delimiter = TextFields.delimiter(opt.delimiter());
        } catch (IllegalArgumentException e) {
            throw new InputError("data.delimiter: '" + opt.delimiter() + "' is not one character (or \\t)");
        }
        String first = null;
        for (Path f : files) {
            first = InputFiles.firstLine(conf, f);
            if (first != null && !first.isBlank()) break;
        }
        if (first == null || first.isBlank()) throw new InputError(key + ": '" + path + "' has no rows");
        String[] fields = TextFields.split(first, delimiter);
        if (fields == null) throw new InputError(key + ": the first line of '" + path + "' has an unterminated quote");
        String[] names = new String[fields.length];
        for (int i = 0; i < names.length; i++) names[i] = opt.header() ? fields[i] : "_c" + i;
        Columns cols = new Columns(names, key, path);
        int label = cols.resolve("data.label", opt.labelColumn());
        int weight = opt.weightColumn() == null ? -1 : cols.resolve("data.weight", opt.weightColumn());
        int[] categorical;
        int[] features;
        if (train != null) {
            categorical = cols.resolveAll(key, train.categoricalColumns());
            features = cols.resolveAll(key, train.numericColumns());
        } else {
            categorical = cols.resolveAll("data.categorical", opt.categorical());
            features = cols.features(opt, label, weight, categorical);
        }
        List<String> numericNames = new ArrayList<>();
        for (int j : features) numericNames.add(names[j]);
        List<String> categoricalNames = new ArrayList<>();
        for (int j : categorical) categoricalNames.add(names[j]);
        StagedRows.CsvPlan plan = new StagedRows.CsvPlan(delimiter, opt.header() ? InputFiles.stripBom(first) : null,
                names, label, weight, features, categorical, !opt.classification());
        JavaRDD<Row> rows = lines(spark, conf, files).mapPartitionsWithInputSplit(
                (split, it) -> StagedRows.csv(key, ((FileSplit) split).getPath().toString(), it, plan), true);
        return new Staged(spark.createDataFrame(rows, StagedRows.schema(categorical.length)),
                inputPartitions(spark, conf, files), key, path, conf, true,
                features.length, numericNames, categoricalNames, false);
    }

    private static Staged stageLibsvm(SparkSession spark, Configuration conf, List<Path> files, String key,
                                      String path, Options opt, DataSpec train) {
        for (String k : List.of("features", "exclude", "categorical")) {
            List<String> v = k.equals("features") ? opt.features() : k.equals("exclude") ? opt.exclude()
                    : opt.categorical();
            if (v != null && !v.isEmpty()) throw new InputError("data." + k + ": does not apply to LibSVM input");
        }
        Integer d = train != null ? Integer.valueOf(train.numFeatures()) : opt.numFeatures();
        boolean regression = !opt.classification();
        JavaRDD<Row> rows = lines(spark, conf, files).mapPartitionsWithInputSplit(
                (split, it) -> StagedRows.libsvm(((FileSplit) split).getPath().toString(), it, d, regression), true);
        return new Staged(spark.createDataFrame(rows, StagedRows.schema(0)), inputPartitions(spark, conf, files), key,
                path, conf, true,
                d == null ? -1 : d, null, List.of(), true);
    }

    private static Staged stageParquet(SparkSession spark, Configuration conf, List<Path> files, String key,
                                       String path, Options opt, DataSpec train) {
        Dataset<Row> df;
        try {
            df = spark.read().parquet(files.stream().map(Path::toString).toArray(String[]::new));
        } catch (Exception e) { // AnalysisException is checked in Java's eyes
            throw Errors.inputErrorOr(e, key + ": cannot read '" + path + "' as parquet");
        }
        String[] names = df.columns();
        Columns cols = new Columns(names, key, path);
        String label = names[cols.resolve("data.label", opt.labelColumn())];
        String weight = opt.weightColumn() == null ? null : names[cols.resolve("data.weight", opt.weightColumn())];
        int[] categorical;
        int[] features;
        if (train != null) {
            categorical = cols.resolveAll(key, train.categoricalColumns());
            features = train.numericColumns().equals(indexNames(train.numericFeatures()))
                    ? new int[] {vectorColumn(df, key, path)}
                    : cols.resolveAll(key, train.numericColumns());
        } else {
            categorical = cols.resolveAll("data.categorical", opt.categorical());
            features = opt.features() == null && Arrays.asList(names).contains(DEFAULT_VECTOR_COLUMN)
                    && df.schema().apply(DEFAULT_VECTOR_COLUMN).dataType() instanceof VectorUDT
                    ? new int[] {cols.resolve("data.features", DEFAULT_VECTOR_COLUMN)}
                    : cols.features(opt, cols.resolve("data.label", opt.labelColumn()),
                    weight == null ? -1 : cols.resolve("data.weight", weight), categorical);
        }
        boolean vector = features.length == 1 && df.schema().fields()[features[0]].dataType() instanceof VectorUDT;
        for (int j : features) {
            DataType t = df.schema().fields()[j].dataType();
            if (t instanceof VectorUDT && !vector) {
                throw new InputError("data.features: vector column '" + names[j] + "' must be the only feature column");
            }
            if (!vector) checkNumeric(t, names[j], key, path);
        }
        if (!opt.classification()) checkNumeric(df.schema().apply(label).dataType(), label, key, path);
        if (weight != null) checkNumeric(df.schema().apply(weight).dataType(), weight, key, path);
        int d = vector ? vectorSize(df, names[features[0]], key, path) : features.length;
        if (vector && train != null && d != train.numericFeatures()) {
            throw new InputError(key + ": '" + path + "' has " + d + " features; training had "
                    + train.numericFeatures());
        }
        List<Column> select = new ArrayList<>(List.of(functions.col("_metadata.file_path"),
                functions.col("_metadata.row_index"), functions.col(quote(label))));
        if (weight != null) select.add(functions.col(quote(weight)));
        List<String> numericNames = new ArrayList<>();
        for (int j : features) {
            select.add(functions.col(quote(names[j])));
            numericNames.add(names[j]);
        }
        List<String> categoricalNames = new ArrayList<>();
        for (int j : categorical) {
            select.add(functions.col(quote(names[j])));
            categoricalNames.add(names[j]);
        }
        StagedRows.ParquetPlan plan = new StagedRows.ParquetPlan(label, weight, numericNames.toArray(new String[0]),
                vector, categoricalNames.toArray(new String[0]), !opt.classification());
        JavaRDD<Row> rows = df.select(select.toArray(new Column[0])).javaRDD()
                .map(r -> StagedRows.parquetRecord(r, plan));
        boolean sparse = vector && (train != null ? train.sparse() : categorical.length == 0);
        return new Staged(spark.createDataFrame(rows, StagedRows.schema(categorical.length)),
                rows.getNumPartitions(), key, path, conf, false,
                d, vector ? null : numericNames, categoricalNames, sparse);
    }

    private static int vectorColumn(Dataset<Row> df, String key, String path) {
        for (int j = 0; j < df.schema().fields().length; j++) {
            if (df.schema().fields()[j].dataType() instanceof VectorUDT) return j;
        }
        throw new InputError(key + ": '" + path + "' has no vector column; training's features were a vector");
    }

    private static String quote(String column) {
        return "`" + column.replace("`", "``") + "`";
    }

    private static void checkNumeric(DataType t, String column, String key, String path) {
        if (!(t instanceof NumericType) && !(t instanceof BooleanType)) {
            throw new InputError(key + ": column '" + column + "' of '" + path + "' is " + t.simpleString()
                    + ", not numeric" + (key.equals("data.train") ? " (list it in data.categorical to one-hot "
                    + "encode it, or in data.exclude to leave it out)" : ""));
        }
    }

    private static int vectorSize(Dataset<Row> df, String column, String key, String path) {
        Row first = df.select(quote(column)).where(functions.col(quote(column)).isNotNull()).head();
        return ((Vector) first.get(0)).size();
    }

    /** Column references (names, or 0-based positions as numbers) resolved against a file's columns. */
    private record Columns(String[] names, String key, String path) {
        int resolve(String configKey, String ref) {
            for (int i = 0; i < names.length; i++) if (names[i].equals(ref)) return i;
            if (ref.matches("\\d{1,9}")) {
                int i = Integer.parseInt(ref);
                if (i < names.length) return i;
            }
            List<String> shown = Arrays.asList(names).subList(0, Math.min(names.length, 12));
            throw new InputError(configKey + ": no column '" + ref + "' in '" + path + "' (columns: "
                    + String.join(", ", shown) + (names.length > 12 ? ", ..." : "") + ")");
        }

        int[] resolveAll(String configKey, List<String> refs) {
            int[] out = new int[refs == null ? 0 : refs.size()];
            for (int i = 0; i < out.length; i++) out[i] = resolve(configKey, refs.get(i));
            return out;
        }

        /** data.features, or every column but the label, the weight, the excluded and the categorical ones. */
        int[] features(Options opt, int label, int weight, int[] categorical) {
            TreeSet<Integer> taken = new TreeSet<>(List.of(label, weight));
            for (int c : categorical) taken.add(c);
            for (int e : resolveAll("data.exclude", opt.exclude())) taken.add(e);
            int[] out;
            if (opt.features() != null) {
                out = resolveAll("data.features", opt.features());
                for (int j : out) {
                    if (taken.contains(j)) {
                        throw new InputError("data.features: column '" + names[j] + "' is also the label, the weight,"
                                + " excluded or categorical");
                    }
                }
            } else {
                out = java.util.stream.IntStream.range(0, names.length).filter(j -> !taken.contains(j)).toArray();
            }
            if (out.length == 0 && categorical.length == 0) {
                throw new InputError(key + ": '" + path + "' has no feature columns besides the label");
            }
            return out;
        }
    }

    private static List<String> indexNames(int d) {
        List<String> names = new ArrayList<>(d);
        for (int j = 0; j < d; j++) names.add("f" + j);
        return names;
    }

    // ---------------------------------------------------------------------------------------------- categories

    private static StringIndexer indexer(int n) {
        String[] in = new String[n];
        String[] out = new String[n];
        for (int c = 0; c < n; c++) {
            in[c] = StagedRows.categoricalColumn(c);
            out[c] = in[c] + "_index";
        }
        // alphabetical, so the one-hot order does not depend on counts; "keep": a category training did not see
        // gets the extra last index, which the encoder's dropLast turns into all zeros
        return new StringIndexer().setInputCols(in).setOutputCols(out).setStringOrderType("alphabetAsc")
                .setHandleInvalid("keep");
    }

    /** Appends one one-hot vector column per categorical column, with training's categories. */
    private static Dataset<Row> encode(Dataset<Row> staged, DataSpec spec) {
        int n = spec.categoricalColumns().size();
        if (n == 0) return staged;
        StringIndexer indexer = indexer(n);
        StringIndexerModel model = new StringIndexerModel(spec.categories()).setInputCols(indexer.getInputCols())
                .setOutputCols(indexer.getOutputCols()).setHandleInvalid("keep");
        Dataset<Row> indexed = model.transform(staged);
        String[] vectors = new String[n];
        for (int c = 0; c < n; c++) vectors[c] = StagedRows.categoricalColumn(c) + "_onehot";
        return new OneHotEncoder().setInputCols(indexer.getOutputCols()).setOutputCols(vectors).setDropLast(true)
                .fit(indexed).transform(indexed);
    }

    // ---------------------------------------------------------------------------------------------- labels

    /**
     * How labels become what the model trains on: regression labels are numbers; class labels map to 0 .. K-1 in
     * the order of {@code classes} (numbers, sorted) or of {@code names} (strings, sorted).
     */
    private record Labels(double[] classes, String[] names, List<String> notNumbers) implements Serializable {
        static final Labels REGRESSION = new Labels(null, null, List.of());

        Map<String, Integer> index() {
            Map<String, Integer> m = new HashMap<>();
            if (names != null) for (int k = 0; k < names.length; k++) m.put(names[k], k);
            return m;
        }

        String describe() {
            if (names != null) return String.join(", ", names);
            List<String> s = new ArrayList<>();
            for (double c : classes) s.add(fmt(c));
            return String.join(", ", s);
        }
    }

    /**
     * The classes, from the distinct labels of the good records: numbers when at least two distinct labels are
     * numbers or all of them are (then a label that is not a number is a bad record), strings otherwise. A
     * multiclass model's numeric labels must be whole numbers; a binary one needs exactly two.
     */
    private static Labels classes(Dataset<Row> df, String key, String path, Options opt) {
        List<Row> rows = df.filter(functions.col(StagedRows.BAD).isNull()).select(StagedRows.LABEL).distinct()
                .limit(MAX_DISTINCT_LABELS + 1).collectAsList();
        TreeSet<String> text = new TreeSet<>();
        TreeSet<Double> numbers = new TreeSet<>();
        for (Row r : rows) {
            String s = r.getString(0);
            text.add(s);
            double v = TextFields.parse(s);
            if (Double.isFinite(v)) numbers.add(v == 0.0 ? 0.0 : v); // -0.0 and 0.0 are one class
        }
        String where = key + ": label column '" + opt.labelColumn() + "' of '" + path + "': ";
        boolean numeric = numbers.size() >= 2 || (!numbers.isEmpty() && numbers.size() == text.size());
        int k = numeric ? numbers.size() : text.size();
        List<String> shown = new ArrayList<>();
        if (numeric) for (double v : numbers) shown.add(fmt(v));
        else shown.addAll(text);
        String found = k == 0 ? "no labels" : k > 5 ? k + " distinct labels"
                : "the label" + (k > 1 ? "s " : " ") + String.join(", ", shown);
        if (opt.maxClasses() == 2 && k != 2) {
            throw new InputError(where + "a binary classifier needs exactly 2 classes; found " + found
                    + (k > 2 ? " (model.type = softmax takes more)" : ""));
        }
        if (k < 2) throw new InputError(where + "a classifier needs at least 2 classes; found " + found);
        if (k > opt.maxClasses()) {
            throw new InputError(where + "more than " + opt.maxClasses() + " distinct labels (model.max-classes)");
        }
        if (!numeric) return new Labels(zeroTo(k), text.toArray(new String[0]), List.of());
        double[] classes = numbers.stream().mapToDouble(Double::doubleValue).toArray();
        if (opt.maxClasses() > 2) {
            for (double c : classes) {
                if (c != Math.rint(c)) {
                    throw new InputError(where + "the label " + c + " is not a whole number; a multiclass model "
                            + "takes whole-number or string labels");
                }
            }
        }
        List<String> notNumbers = text.stream().filter(t -> !Double.isFinite(TextFields.parse(t))).toList();
        return new Labels(classes, null, notNumbers);
    }

    private static double[] zeroTo(int k) {
        double[] c = new double[k];
        for (int i = 0; i < k; i++) c[i] = i;
        return c;
    }

    /** LibSVM without data.num-features: the largest index over the good records. */
    private static int largestIndex(Dataset<Row> df, String key, String path) {
        int max = df.filter(functions.col(StagedRows.BAD).isNull()).select(StagedRows.FEATURES).javaRDD()
                .map(r -> {
                    int[] idx = ((SparseVector) r.get(0)).indices();
                    return idx.length == 0 ? 0 : idx[idx.length - 1] + 1;
                }).fold(0, Math::max);
        if (max == 0) throw new InputError(key + ": '" + path + "' has no features (no index:value pairs)");
        return max;
    }

    // ---------------------------------------------------------------------------------------------- skipping

    /** The records to build blocks from, and the ones skipped before that, counted per reason. */
    private record Skipping(Dataset<Row> good, Map<String, Long> counts) {
    }

    /**
     * With {@code skip}, takes the bad records out before the rows get their ids, so the good records of a file
     * with bad ones become exactly the blocks of the same file without them (same ids, same partitions, same
     * model), and counts them (one more pass over the input). A label that is not a number, among numeric
     * labels, is bad too. Without {@code skip}, the block builder meets the first bad record and fails.
     */
    private static Skipping skipping(Dataset<Row> df, Staged staged, Labels labels, Options opt) {
        if (!opt.skipBadRecords()) return new Skipping(df, Map.of());
        Column bad = functions.col(StagedRows.BAD).isNotNull();
        if (!labels.notNumbers().isEmpty()) {
            bad = bad.or(functions.col(StagedRows.LABEL).isin(labels.notNumbers().toArray()));
        }
        Column reason = functions.coalesce(functions.col(StagedRows.BAD), functions.lit(BadRecord.NOT_A_NUMBER));
        Column isBad = bad;
        List<Row> counts = guard(staged, () -> df.filter(isBad).groupBy(reason).count().collectAsList());
        Map<String, Long> m = new TreeMap<>();
        for (Row r : counts) m.put(r.getString(0), r.getLong(1));
        return new Skipping(df.filter(functions.not(isBad)), m);
    }

    // ---------------------------------------------------------------------------------------------- blocks

    /** What a partition's block builder needs: where everything is in the encoded rows. */
    private record BuildPlan(String key, int numeric, boolean sparse, int[] categorySizes, int[] oneHotColumns,
                             Labels labels, boolean skip, boolean textLines, Precision precision)
            implements Serializable {
    }

    /** Builds and caches the blocks; {@code training}: a constant regression label is an input error. */
    private static TrainingData build(Dataset<Row> rows, Staged staged, DataSpec spec, Labels labels, Options opt,
                                      boolean training, Map<String, Long> skippedBefore) {
        int n = spec.categoricalColumns().size();
        int[] sizes = new int[n];
        int[] columns = new int[n];
        for (int c = 0; c < n; c++) {
            sizes[c] = spec.categories()[c].length;
            columns[c] = rows.schema().fieldIndex(StagedRows.categoricalColumn(c) + "_onehot");
        }
        BuildPlan plan = new BuildPlan(staged.key, spec.numericFeatures(), spec.sparse(), sizes, columns, labels,
                opt.skipBadRecords(), staged.textLines, opt.precision());
        JavaRDD<Built> built = rows.javaRDD().mapPartitions(it -> List.of(build(it, plan)).iterator(), true);
        built.persist(StorageLevel.MEMORY_ONLY());
        List<BlockSummary> summaries;
        JavaRDD<Block> blocks = built.map(b -> b.block);
        try {
            summaries = guard(staged, () -> built.map(b -> b.summary).collect());
            blocks.persist(StorageLevel.MEMORY_ONLY());
            if (opt.truncateLineage()) {
                // every later step ships a task whose RDD has no parents (measured: about 9 ms instead of 12.5 ms a
                // step on the samples in local[2], docs/BENCHMARKS.md); a lost executor's blocks cannot then be
                // recomputed, and the run fails instead of re-reading the input
                blocks.rdd().localCheckpoint();
            }
            blocks.count();
        } finally {
            built.unpersist(false);
        }
        long[] rowsPer = summaries.stream().mapToLong(s -> s.rows).toArray();
        long bytes = summaries.stream().mapToLong(s -> s.bytes).sum();
        Map<String, Long> skipped = new TreeMap<>(skippedBefore);
        for (BlockSummary s : summaries) s.skipped.forEach((k, v) -> skipped.merge(k, v, Long::sum));
        TrainingData data = new TrainingData(blocks, rowsPer, bytes, spec, staged.path, skipped);
        if (data.numRows() == 0) {
            data.release();
            throw new InputError(staged.key + ": '" + staged.path + "' has no rows"
                    + (skipped.isEmpty() ? "" : " after skipping " + data.skippedRows() + " bad records " + skipped));
        }
        double lo = summaries.stream().mapToDouble(s -> s.minLabel).min().orElse(0);
        double hi = summaries.stream().mapToDouble(s -> s.maxLabel).max().orElse(0);
        if (training && labels.classes == null && lo == hi) {
            data.release();
            throw new InputError(staged.key + ": the label of '" + staged.path + "' is constant (" + fmt(lo)
                    + "); there is nothing to learn");
        }
        return data;
    }

    /** A block and what its partition's summary says, built in one pass over the partition's rows. */
    private static final class Built implements Serializable {
        final Block block;
        final BlockSummary summary;

        Built(Block block, Map<String, Long> skipped) {
            this.block = block;
            this.summary = new BlockSummary(block, skipped);
        }
    }

    private static Built build(Iterator<Row> rows, BuildPlan plan) {
        int slots = 0;
        for (int s : plan.categorySizes()) slots += s;
        int d = plan.numeric() + slots;
        BlockBuilder builder = new BlockBuilder(d, plan.sparse(), plan.precision());
        double[] x = plan.sparse() ? null : new double[d];
        Map<String, Integer> names = plan.labels().index();
        Map<String, Long> skipped = new TreeMap<>();
        while (rows.hasNext()) {
            Row r = rows.next();
            String reason = r.getString(2);
            String detail = r.getString(3);
            double label = 0;
            if (reason == null) {
                String text = r.getString(4);
                if (plan.labels().classes == null) {
                    label = TextFields.parse(text);
                } else if (plan.labels().names != null) {
                    Integer k = names.get(text);
                    if (k == null) {
                        reason = BadRecord.UNSEEN_LABEL;
                        detail = "label '" + text + "', which training did not see (classes "
                                + plan.labels().describe() + ")";
                    } else {
                        label = k;
                    }
                } else {
                    double v = TextFields.parse(text);
                    int k = Double.isFinite(v) ? Arrays.binarySearch(plan.labels().classes, v == 0.0 ? 0.0 : v) : -1;
                    if (!Double.isFinite(v)) {
                        reason = BadRecord.NOT_A_NUMBER;
                        detail = "label '" + TextFields.abbreviate(text) + "' is not a number (the other labels are)";
                    } else if (k < 0) {
                        reason = BadRecord.UNSEEN_LABEL;
                        detail = "label " + fmt(v) + ", which training did not see (classes "
                                + plan.labels().describe() + ")";
                    } else {
                        label = k;
                    }
                }
            }
            Vector v = reason == null ? (Vector) r.get(6) : null;
            if (reason == null && !(v instanceof SparseVector) && v.size() != plan.numeric()) {
                reason = BadRecord.MALFORMED;
                detail = "the feature vector has " + v.size() + " values, expected " + plan.numeric();
            }
            if (reason == null && plan.precision() == Precision.FLOAT32) {
                double[] values = v instanceof SparseVector sv ? sv.values() : v.toArray();
                for (double value : values) {
                    if (Math.abs(value) > Float.MAX_VALUE) {
                        reason = BadRecord.NON_FINITE;
                        detail = "a feature value " + value + " is beyond float32's range (data.precision = float32;"
                                + " use float64)";
                        break;
                    }
                }
            }
            if (reason != null) {
                if (!plan.skip() || !BadRecord.skippable(reason)) {
                    throw new BadRecord(plan.key(), r.getString(0), r.getLong(1), plan.textLines(), reason, detail);
                }
                skipped.merge(reason, 1L, Long::sum);
                continue;
            }
            double weight = r.isNullAt(5) ? 1.0 : r.getDouble(5);
            if (plan.sparse()) {
                SparseVector sv = v instanceof SparseVector s ? s : v.toSparse();
                int[] idx = sv.indices();
                if (idx.length > 0 && idx[idx.length - 1] >= plan.numeric()) {
                    throw new BadRecord(plan.key(), r.getString(0), r.getLong(1), plan.textLines(),
                            BadRecord.BAD_INDEX, "index " + (idx[idx.length - 1] + 1) + " is beyond the "
                            + plan.numeric() + " features training had");
                }
                builder.addSparse(label, weight, idx, sv.values(), idx.length);
            } else {
                Arrays.fill(x, 0.0);
                copyInto(v, x, 0);
                int offset = plan.numeric();
                for (int c = 0; c < plan.categorySizes().length; c++) {
                    copyInto((Vector) r.get(plan.oneHotColumns()[c]), x, offset);
                    offset += plan.categorySizes()[c];
                }
                builder.addDense(label, weight, x);
            }
        }
        return new Built(builder.build(), skipped);
    }

    /** Writes {@code v}'s values into {@code x} from position {@code offset} on (x is zero where v is sparse). */
    private static void copyInto(Vector v, double[] x, int offset) {
        if (v instanceof SparseVector sv) {
            int[] idx = sv.indices();
            double[] val = sv.values();
            for (int k = 0; k < idx.length; k++) x[offset + idx[k]] = val[k];
        } else {
            double[] val = v.toArray();
            System.arraycopy(val, 0, x, offset, val.length);
        }
    }

    // ---------------------------------------------------------------------------------------------- errors

    private interface Job0<T> {
        T run();
    }

    /**
     * Runs a Spark job over the staged rows and turns a bad record in it into one line naming the file and line:
     * the line number is counted here, on the driver, from the byte offset the task reported.
     */
    private static <T> T guard(Staged staged, Job0<T> job) {
        try {
            return job.run();
        } catch (InputError e) {
            throw e;
        } catch (Exception e) { // SparkException is checked in Java's eyes
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof BadRecord b) {
                    Path file = new Path(b.file);
                    long line = b.textLine ? InputFiles.lineNumber(staged.conf, file, b.position) : -1;
                    throw new InputError(b.message(InputFiles.display(staged.conf, staged.path, file), line), e);
                }
                if (t.getCause() == t) break;
            }
            throw Errors.inputErrorOr(e, staged.key + ": cannot read '" + staged.path + "'");
        }
    }
}
