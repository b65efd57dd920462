package dev.steepest.spark.data;

import dev.steepest.core.data.Precision;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Input files to cached blocks, once: the entry point of {@code data/}. Each format has its stager
 * ({@link CsvStager}, {@link LibsvmStager}, {@link ParquetStager}) that reads it into the same staged rows
 * ({@link StagedRows}: parsed and checked, bad records marked); the training set then fixes the categories
 * ({@link Categories}) and classes ({@link Labels}) that later data sets must match; {@link Skipping} takes bad
 * records out in skip mode; the rows are spread deterministically over the partitions; and
 * {@link BlockAssembler} builds one {@link dev.steepest.core.data.Block} per partition.
 */
public final class BlockLoader {
    private static final String ROW_ID = "__steepest_row";

    private BlockLoader() {
    }

    /**
     * What to load and how. {@code maxClasses}: 0 for regression, 2 for a binary classifier (exactly two labels),
     * more for a multiclass one (2 to maxClasses labels). {@code truncateLineage}: steps read the cached blocks
     * past their reading plan ({@link CachedBlocks}), so each step's task no longer serializes the whole lineage,
     * while a block lost with its executor is still recomputed from the input. {@code labelColumn},
     * {@code weightColumn} and the entries of {@code features}, {@code exclude} and {@code categorical} name columns,
     * or give their 0-based position as a number ({@code features} null: every other column). {@code precision}: how every block this loader builds (training, validation and held-out
     * sets alike) stores its feature values ({@code data.precision}). The job's config becomes these options in
     * {@code dev.steepest.spark.job.DataOptions}.
     */
    public record Options(String format, String labelColumn, String weightColumn, Integer numFeatures,
                          Integer partitions, int maxClasses, boolean truncateLineage, boolean header,
                          String delimiter, List<String> features, List<String> exclude, List<String> categorical,
                          boolean skipBadRecords, Precision precision) implements Serializable {
        public boolean classification() {
            return maxClasses > 0;
        }
    }

    /** Loads the training set: decides features, categories and classes, which later data sets must match. */
    public static TrainingData loadTraining(SparkSession spark, String key, String path, Options opt) {
        return training(spark, stage(spark, key, path, opt, null), opt);
    }

    /** The training set of staged rows (from a file's stager or {@link FrameLoader}). */
    static TrainingData training(SparkSession spark, StagedInput staged, Options opt) {
        if (DirectBlocks.applies(staged)) return DirectBlocks.training(spark, staged, opt);
        String[][] categories = Categories.fit(staged);
        Labels labels = opt.classification()
                ? Errors.reportingBadRecords(staged, () -> Labels.of(staged, opt)) : Labels.REGRESSION;
        int numeric = staged.numericFeatures() >= 0 ? staged.numericFeatures()
                : Errors.reportingBadRecords(staged, () -> LibsvmStager.largestIndex(staged));
        DataSpec spec = spec(staged, opt, labels, numeric, categories);

        Skipping skipping = Skipping.of(staged, labels, opt);
        Dataset<Row> rows = Categories.encode(skipping.good(), spec);
        int target = opt.partitions() != null ? opt.partitions()
                : Math.max(staged.inputPartitions(), spark.sparkContext().defaultParallelism());
        // A plain repartition interleaves rows in shuffle-fetch order; hashing a stable row id and sorting by it
        // inside each partition gives the same blocks on every run (DirectBlocks gives each row the same partition
        // and place without Spark SQL).
        rows = rows.withColumn(ROW_ID, functions.monotonically_increasing_id())
                .repartition(target, functions.col(ROW_ID))
                .sortWithinPartitions(ROW_ID)
                .drop(ROW_ID);
        return BlockAssembler.assemble(rows, staged, spec, labels, opt, true, skipping.counts());
    }

    /** What a training set's blocks hold: its features' names, classes and categories. */
    static DataSpec spec(StagedInput staged, Options opt, Labels labels, int numeric, String[][] categories) {
        List<String> numericNames = staged.numericNames() != null ? staged.numericNames()
                : Columns.indexNames(numeric);
        List<String> names = new ArrayList<>(numericNames);
        for (int c = 0; c < categories.length; c++) {
            for (String v : categories[c]) names.add(staged.categorical().get(c) + "=" + v);
        }
        return new DataSpec(opt.format(), names, names.size(), staged.sparse(), labels.classes,
                labels.names, numericNames, staged.categorical(), categories);
    }

    /** Loads a held-out set with the training set's columns, categories and classes (unseen labels are errors). */
    public static TrainingData loadHeldOut(SparkSession spark, String key, String path, Options opt, DataSpec train) {
        return heldOut(stage(spark, key, path, opt, train), opt, train);
    }

    /** A held-out set of staged rows, with training's columns, categories and classes. */
    static TrainingData heldOut(StagedInput staged, Options opt, DataSpec train) {
        if (DirectBlocks.applies(staged)) return DirectBlocks.heldOut(staged, opt, train);
        Labels labels = Labels.of(train);
        Skipping skipping = Skipping.of(staged, labels, opt);
        return BlockAssembler.assemble(Categories.encode(skipping.good(), train), staged, train, labels, opt, false,
                skipping.counts());
    }

    /** Fails with an input error naming {@code key} when nothing matches {@code path} (a path or glob). */
    public static void checkExists(Configuration conf, String key, String path) {
        InputFiles.list(conf, key, path);
    }

    private static StagedInput stage(SparkSession spark, String key, String path, Options opt, DataSpec train) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        List<Path> files = InputFiles.list(conf, key, path);
        return switch (opt.format()) {
            case "csv" -> CsvStager.stage(spark, conf, files, key, path, opt, train);
            case "libsvm" -> LibsvmStager.stage(spark, conf, files, key, path, opt, train);
            case "parquet" -> ParquetStager.stage(spark, conf, files, key, path, opt, train);
            default -> throw new IllegalStateException(opt.format());
        };
    }
}
