package dev.steepest.spark.data;

import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A data set read into {@link StagedRows}, with what its stager found out: the partitions it was read in,
 * where it came from ({@code key}, {@code path}, and {@code conf} to turn a text offset into a line number),
 * whether positions are text byte offsets ({@code textLines}) or row indices, the numeric feature count
 * ({@code numericFeatures}; -1 when the largest LibSVM index decides it) and names ({@code numericNames}; null:
 * f0, f1, ...), the categorical columns, and whether blocks are sparse. {@code records}: the same staged rows as
 * the plain row RDD that {@code rows} was made from (partition for partition, in order), which the fast path
 * ({@link DirectBlocks}) reads without the round trip through Spark SQL's row format. {@code packs}: when not
 * null, the same rows already packed, one {@link PackedRows} per input partition (the fast Parquet path,
 * {@link ParquetPacker}), which the fast path reads instead of packing {@code records} (then {@code rows} and
 * {@code records} are null: nothing else reads them); {@code facts}: when not
 * null, what the stager's own pass over those packs found ({@link PackFacts}, pack for pack), which saves the fast
 * path a pass of its own.
 */
record StagedInput(Dataset<Row> rows, int inputPartitions, String key, String path, Configuration conf,
                   boolean textLines, int numericFeatures, List<String> numericNames, List<String> categorical,
                   boolean sparse, JavaRDD<Row> records, JavaRDD<PackedRows> packs, List<PackFacts> facts) {
    /** Staged rows without packs of their own. */
    StagedInput(Dataset<Row> rows, int inputPartitions, String key, String path, Configuration conf,
                boolean textLines, int numericFeatures, List<String> numericNames, List<String> categorical,
                boolean sparse, JavaRDD<Row> records) {
        this(rows, inputPartitions, key, path, conf, textLines, numericFeatures, numericNames, categorical, sparse,
                records, null, null);
    }

    /** Staged rows and their packs, without facts found. */
    StagedInput(Dataset<Row> rows, int inputPartitions, String key, String path, Configuration conf,
                boolean textLines, int numericFeatures, List<String> numericNames, List<String> categorical,
                boolean sparse, JavaRDD<Row> records, JavaRDD<PackedRows> packs) {
        this(rows, inputPartitions, key, path, conf, textLines, numericFeatures, numericNames, categorical, sparse,
                records, packs, null);
    }
}
