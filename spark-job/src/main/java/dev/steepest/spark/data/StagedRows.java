package dev.steepest.spark.data;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Every input format, read into one shape before it becomes blocks: one row per record with where it came from
 * ({@code __file}, {@code __pos}: the byte offset of a text line, or a Parquet row index), whether it is bad
 * ({@code __bad}: a {@link BadRecord} reason, null for a good record, and {@code __detail}), the label as text,
 * the weight, the numeric features as one vector, and the categorical columns as text. The format stagers
 * ({@link CsvStager}, {@link LibsvmStager}, {@link ParquetStager}) parse and check each record once and write it
 * with {@link #good} or {@link #bad}; a bad record is kept (not thrown) so that the block builder alone applies
 * {@code data.on-bad-record} and counts. Everything else reads the rows through the accessors here, never by
 * position.
 */
final class StagedRows {
    static final String FILE = "__file";
    static final String POS = "__pos";
    static final String BAD = "__bad";
    static final String DETAIL = "__detail";
    static final String LABEL = "__label";
    static final String WEIGHT = "__weight";
    static final String FEATURES = "__features";

    private static final int FILE_AT = 0;
    private static final int POS_AT = 1;
    private static final int BAD_AT = 2;
    private static final int DETAIL_AT = 3;
    private static final int LABEL_AT = 4;
    private static final int WEIGHT_AT = 5;
    private static final int FEATURES_AT = 6;
    private static final int FIRST_CATEGORICAL = 7;

    private StagedRows() {
    }

    static String categoricalColumn(int i) {
        return "__cat" + i;
    }

    static StructType schema(int categorical) {
        List<StructField> f = new ArrayList<>(List.of(
                DataTypes.createStructField(FILE, DataTypes.StringType, false),
                DataTypes.createStructField(POS, DataTypes.LongType, false),
                DataTypes.createStructField(BAD, DataTypes.StringType, true),
                DataTypes.createStructField(DETAIL, DataTypes.StringType, true),
                DataTypes.createStructField(LABEL, DataTypes.StringType, true),
                DataTypes.createStructField(WEIGHT, DataTypes.DoubleType, true),
                new StructField(FEATURES, SQLDataTypes.VectorType(), true, Metadata.empty())));
        for (int i = 0; i < categorical; i++) {
            f.add(DataTypes.createStructField(categoricalColumn(i), DataTypes.StringType, true));
        }
        return DataTypes.createStructType(f);
    }

    // ------------------------------------------------------------------------------------------------ writing

    /** A bad record of a data set with {@code categorical} categorical columns. */
    static Row bad(String file, long pos, String reason, String detail, int categorical) {
        Object[] v = new Object[FIRST_CATEGORICAL + categorical];
        v[FILE_AT] = file;
        v[POS_AT] = pos;
        v[BAD_AT] = reason;
        v[DETAIL_AT] = detail;
        return RowFactory.create(v);
    }

    /** A good record; {@code weight} null: no weight column; {@code categories}: one value per categorical column. */
    static Row good(String file, long pos, String label, Double weight, Vector features, String[] categories) {
        Object[] v = new Object[FIRST_CATEGORICAL + categories.length];
        v[FILE_AT] = file;
        v[POS_AT] = pos;
        v[LABEL_AT] = label;
        v[WEIGHT_AT] = weight;
        v[FEATURES_AT] = features;
        System.arraycopy(categories, 0, v, FIRST_CATEGORICAL, categories.length);
        return RowFactory.create(v);
    }

    // ------------------------------------------------------------------------------------------------ reading

    static String file(Row r) {
        return r.getString(FILE_AT);
    }

    /** The byte offset of a text line, or a Parquet row index. */
    static long position(Row r) {
        return r.getLong(POS_AT);
    }

    /** The {@link BadRecord} reason of a bad record; null for a good one. */
    static String badReason(Row r) {
        return r.getString(BAD_AT);
    }

    static String badDetail(Row r) {
        return r.getString(DETAIL_AT);
    }

    /** The label as the file wrote it. */
    static String label(Row r) {
        return r.getString(LABEL_AT);
    }

    /** The sample weight: 1 without a weight column. */
    static double weight(Row r) {
        return r.isNullAt(WEIGHT_AT) ? 1.0 : r.getDouble(WEIGHT_AT);
    }

    /** Whether the record has a weight column's value. */
    static boolean hasWeight(Row r) {
        return !r.isNullAt(WEIGHT_AT);
    }

    /** The numeric features (a LibSVM record's vector has its final size only after the block builder). */
    static Vector features(Row r) {
        return (Vector) r.get(FEATURES_AT);
    }

    // ------------------------------------------------------------------------------------------------ checks

    /** Checks a weight; returns the reason it is bad or null. */
    static String weightProblem(double w) {
        if (!Double.isFinite(w)) return BadRecord.NON_FINITE;
        return w < 0 ? BadRecord.NEGATIVE_WEIGHT : null;
    }

    /** The bad-record detail for the weight {@code w} of {@code column}, which {@link #weightProblem} refused. */
    static String weightDetail(String column, double w) {
        return "column '" + column + "': " + (w < 0 ? "negative weight " : "weight ") + w;
    }
}
