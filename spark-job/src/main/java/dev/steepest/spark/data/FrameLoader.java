package dev.steepest.spark.data;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * A DataFrame to cached blocks, for the Spark ML Estimators: the features are one Vector column
 * ({@code Options.features()} names it), the label and weight columns as {@code Options} name them. The frame is
 * staged by {@link ParquetStager#stageFrame} (the DataFrame path the Parquet reader takes) and then loaded exactly as
 * a file is ({@link BlockLoader}): same bad-record rules, classes, partitioning and blocks. Blocks are dense when
 * the first row's vector is dense (as a file's numeric columns are), sparse otherwise.
 */
public final class FrameLoader {
    private FrameLoader() {
    }

    public static TrainingData loadTraining(SparkSession spark, Dataset<Row> df, String key, String name,
                                            BlockLoader.Options opt) {
        return BlockLoader.training(spark, stage(df, key, name, opt, null), opt);
    }

    public static TrainingData loadHeldOut(Dataset<Row> df, String key, String name, BlockLoader.Options opt,
                                           DataSpec train) {
        return BlockLoader.heldOut(stage(df, key, name, opt, train), opt, train);
    }

    private static StagedInput stage(Dataset<Row> df, String key, String name, BlockLoader.Options opt,
                                     DataSpec train) {
        String features = opt.features().get(0);
        List<Column> cols = new ArrayList<>(List.of(functions.col(quote(features)), functions.col(quote(opt.labelColumn()))));
        if (opt.weightColumn() != null) cols.add(functions.col(quote(opt.weightColumn())));
        Dataset<Row> only = df.select(cols.toArray(new Column[0]));
        StagedInput s = ParquetStager.stageFrame(only, functions.lit(name), functions.monotonically_increasing_id(), key,
                name, df.sparkSession().sparkContext().hadoopConfiguration(), opt, train, true);
        Row first = only.select(quote(features)).where(functions.col(quote(features)).isNotNull()).limit(1)
                .collectAsList().stream().findFirst().orElse(null);
        boolean dense = first != null && first.get(0) instanceof DenseVector;
        boolean sparse = train != null ? train.sparse() : !dense;
        return new StagedInput(s.rows(), s.inputPartitions(), s.key(), s.path(), s.conf(), s.textLines(),
                s.numericFeatures(), s.numericNames(), s.categorical(), sparse, s.records(), s.packs(), s.facts());
    }

    private static String quote(String column) {
        return "`" + column.replace("`", "``") + "`";
    }
}
