package dev.steepest.spark.data;

import dev.steepest.spark.InputError;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
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
 * Parquet files, and any DataFrame, to staged rows: the features are one Spark ML vector column (by default
 * {@code features}) or numeric / boolean columns, each value checked once. Files are read with Spark's reader,
 * whose rows know their file and row index; {@link #stageFrame} is the same path for a DataFrame that did not
 * come from a file, given the two columns that identify its rows.
 */
final class ParquetStager {
    private static final String DEFAULT_VECTOR_COLUMN = "features";

    private ParquetStager() {
    }

    /**
     * Where the columns of a selected row go: 0 the source, 1 the position, 2 the label, then the weight when
     * {@code weight} is set, then the features (one vector column when {@code vector}, else one numeric column
     * each), then the categorical columns.
     */
    record Plan(String label, String weight, String[] features, boolean vector, String[] categorical,
                boolean regression) implements Serializable {
    }

    /** Stages Parquet {@code files}; {@code train} non-null: a held-out set, which takes training's columns. */
    static StagedInput stage(SparkSession spark, Configuration conf, List<Path> files, String key, String path,
                             BlockLoader.Options opt, DataSpec train) {
        return stage(spark, conf, files, key, path, opt, train, true);
    }

    /**
     * {@link #stage}, with {@code pack} false: the row path only (records, no packs), the reference the packs are
     * tested against.
     */
    static StagedInput stage(SparkSession spark, Configuration conf, List<Path> files, String key, String path,
                             BlockLoader.Options opt, DataSpec train, boolean pack) {
        Dataset<Row> df;
        try {
            df = spark.read().parquet(files.stream().map(Path::toString).toArray(String[]::new));
        } catch (Exception e) { // AnalysisException is checked in Java's eyes
            throw Errors.inputErrorOr(e, key + ": cannot read '" + path + "' as parquet");
        }
        return stageFrame(df, functions.col("_metadata.file_path"), functions.col("_metadata.row_index"), key, path,
                conf, opt, train, pack);
    }

    /**
     * Stages the DataFrame {@code df}, whose rows are identified by {@code source} (a string column: the file, or
     * any name a bad-record message should show) and {@code position} (a long column: the 0-based row index a
     * message shows as {@code row N+1}); {@code path} names the data set in messages. The row order of
     * {@code df}'s partitions decides the blocks, as a file's does. {@code pack}: the rows packed straight from Spark
     * SQL's internal rows when their columns allow ({@link ParquetPacker}; then without the row path's records,
     * whose query plan alone took 40 ms of a 0.6 s load), else the row path.
     */
    static StagedInput stageFrame(Dataset<Row> df, Column source, Column position, String key, String path,
                                  Configuration conf, BlockLoader.Options opt, DataSpec train, boolean pack) {
        String[] names = df.columns();
        Columns cols = new Columns(names, key, path);
        String label = names[cols.resolve("data.label", opt.labelColumn())];
        String weight = opt.weightColumn() == null ? null : names[cols.resolve("data.weight", opt.weightColumn())];
        int[] categorical;
        int[] features;
        if (train != null) {
            categorical = cols.resolveAll(key, train.categoricalColumns());
            features = train.numericColumns().equals(Columns.indexNames(train.numericFeatures()))
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
        List<Column> select = new ArrayList<>(List.of(source, position, functions.col(quote(label))));
        if (weight != null) select.add(functions.col(quote(weight)));
        List<String> numericNames = cols.named(features);
        List<String> categoricalNames = cols.named(categorical);
        for (String c : numericNames) select.add(functions.col(quote(c)));
        for (String c : categoricalNames) select.add(functions.col(quote(c)));
        Plan plan = new Plan(label, weight, numericNames.toArray(new String[0]), vector,
                categoricalNames.toArray(new String[0]), !opt.classification());
        Dataset<Row> selected = df.select(select.toArray(new Column[0]));
        JavaRDD<PackedRows> packs = pack ? packs(selected, plan) : null;
        // (a held-out set of numeric columns needs none of them: its packs go to its blocks in one pass)
        List<PackFacts> facts = packs != null && (vector || train == null) ? facts(packs, key, path) : null;
        int d;
        if (!vector) {
            d = features.length;
        } else if (facts != null && PackFacts.firstVectorSize(facts) >= 0) {
            d = PackFacts.firstVectorSize(facts);
        } else { // no vector in any pack: vectorSize fails, as it did
            if (packs != null) packs.unpersist(false);
            d = vectorSize(df, names[features[0]]);
        }
        if (vector && train != null && d != train.numericFeatures()) {
            if (packs != null) packs.unpersist(false);
            throw new InputError(key + ": '" + path + "' has " + d + " features; training had "
                    + train.numericFeatures());
        }
        boolean sparse = vector && (train != null ? train.sparse() : categorical.length == 0);
        if (packs != null) {
            return new StagedInput(null, packs.getNumPartitions(), key, path, conf, false,
                    d, vector ? null : numericNames, categoricalNames, sparse, null, packs, facts);
        }
        JavaRDD<Row> rows = selected.javaRDD().map(r -> record(r, plan));
        return new StagedInput(df.sparkSession().createDataFrame(rows, StagedRows.schema(categorical.length)),
                rows.getNumPartitions(), key, path, conf, false,
                d, vector ? null : numericNames, categoricalNames, sparse, rows, null, null);
    }

    /**
     * What the packs hold ({@link PackFacts}: {@link #vectorSize} among it, instead of a query of its own that reads
     * the first file again), found while they are made: the packs are cached (the loader's next pass over them
     * reads the cache, and unpersists it). A data set without a vector goes to {@link #vectorSize}, to fail as it
     * did.
     */
    private static List<PackFacts> facts(JavaRDD<PackedRows> packs, String key, String path) {
        packs.persist(StorageLevel.MEMORY_AND_DISK()); // as DirectBlocks caches packs
        try {
            return packs.map(PackFacts::of).collect();
        } catch (Exception e) { // SparkException is checked in Java's eyes
            packs.unpersist(false);
            throw Errors.inputErrorOr(e, key + ": cannot read '" + path + "'");
        }
    }

    /**
     * The selected rows packed straight from Spark SQL's internal rows ({@link ParquetPacker}), one pack per
     * partition in the partitions and order of {@code record}'s rows; null when a column's type keeps the row path.
     */
    private static JavaRDD<PackedRows> packs(Dataset<Row> selected, Plan plan) {
        List<DataType> types = new ArrayList<>();
        for (int j = 2; j < selected.schema().fields().length; j++) types.add(selected.schema().fields()[j].dataType());
        ParquetPacker packer = ParquetPacker.of(plan, types);
        if (packer == null) return null;
        return selected.queryExecution().toRdd().toJavaRDD()
                .mapPartitionsWithIndex((p, it) -> List.of(packer.pack(p, it)).iterator(), true);
    }

    static Row record(Row r, Plan plan) {
        String file = r.getString(0);
        long pos = r.getLong(1);
        int cats = plan.categorical().length;
        int at = 2;
        Object rawLabel = r.get(at++);
        String label = rawLabel == null ? null
                : rawLabel instanceof Number n ? Double.toString(n.doubleValue()) : rawLabel.toString();
        String p = Labels.stagingProblem(label, plan.regression());
        if (p != null) {
            return StagedRows.bad(file, pos, p, TextFields.detail(plan.label(), String.valueOf(label), p), cats);
        }
        Double weight = null;
        if (plan.weight() != null) {
            if (r.isNullAt(at)) {
                return StagedRows.bad(file, pos, BadRecord.MISSING_VALUE, "column '" + plan.weight() + "': no value",
                        cats);
            }
            weight = ((Number) r.get(at)).doubleValue();
            p = StagedRows.weightProblem(weight);
            if (p != null) return StagedRows.bad(file, pos, p, StagedRows.weightDetail(plan.weight(), weight), cats);
            at++;
        }
        Vector x;
        if (plan.vector()) {
            if (r.isNullAt(at)) {
                return StagedRows.bad(file, pos, BadRecord.MISSING_VALUE, "column '" + plan.features()[0]
                        + "': no vector", cats);
            }
            x = (Vector) r.get(at++);
            double[] values = x instanceof SparseVector sv ? sv.values() : x.toArray();
            for (double v : values) {
                if (!Double.isFinite(v)) {
                    return StagedRows.bad(file, pos, BadRecord.NON_FINITE, "column '" + plan.features()[0]
                            + "': a value is " + v, cats);
                }
            }
        } else {
            double[] d = new double[plan.features().length];
            for (int j = 0; j < d.length; j++, at++) {
                String name = plan.features()[j];
                if (r.isNullAt(at)) {
                    return StagedRows.bad(file, pos, BadRecord.MISSING_VALUE, "column '" + name + "': no value", cats);
                }
                Object o = r.get(at);
                d[j] = o instanceof Boolean b ? (b ? 1.0 : 0.0) : ((Number) o).doubleValue();
                if (!Double.isFinite(d[j])) {
                    return StagedRows.bad(file, pos, BadRecord.NON_FINITE, "column '" + name + "': " + d[j]
                            + " is not finite", cats);
                }
            }
            x = Vectors.dense(d);
        }
        String[] categories = new String[cats];
        for (int c = 0; c < cats; c++, at++) {
            if (r.isNullAt(at)) {
                return StagedRows.bad(file, pos, BadRecord.MISSING_VALUE, "column '" + plan.categorical()[c]
                        + "': no value", cats);
            }
            categories[c] = r.get(at).toString();
        }
        return StagedRows.good(file, pos, label, weight, x, categories);
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

    private static int vectorSize(Dataset<Row> df, String column) {
        Row first = df.select(quote(column)).where(functions.col(quote(column)).isNotNull()).head();
        return ((Vector) first.get(0)).size();
    }
}
