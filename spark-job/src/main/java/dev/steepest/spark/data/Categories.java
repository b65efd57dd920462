package dev.steepest.spark.data;

import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Categorical columns, one-hot encoded with Spark ML's {@code StringIndexer} and {@code OneHotEncoder}: the
 * training set's categories in alphabetical order, one slot each after the numeric features; a category training
 * did not see is all zeros.
 */
final class Categories {
    private Categories() {
    }

    /** The name of the one-hot vector column that {@link #encode} appends for categorical column {@code c}. */
    static String oneHotColumn(int c) {
        return StagedRows.categoricalColumn(c) + "_onehot";
    }

    /** The categories of each categorical column of the training set's good records (one Spark job). */
    static String[][] fit(StagedInput staged) {
        if (staged.categorical().isEmpty()) return new String[0][];
        StringIndexerModel indexer = Errors.reportingBadRecords(staged, () -> indexer(staged.categorical().size())
                .fit(staged.rows().filter(functions.col(StagedRows.BAD).isNull())));
        return indexer.labelsArray();
    }

    /** Appends one one-hot vector column per categorical column, with training's categories. */
    static Dataset<Row> encode(Dataset<Row> staged, DataSpec spec) {
        int n = spec.categoricalColumns().size();
        if (n == 0) return staged;
        StringIndexer indexer = indexer(n);
        StringIndexerModel model = new StringIndexerModel(spec.categories()).setInputCols(indexer.getInputCols())
                .setOutputCols(indexer.getOutputCols()).setHandleInvalid("keep");
        Dataset<Row> indexed = model.transform(staged);
        String[] vectors = new String[n];
        for (int c = 0; c < n; c++) vectors[c] = oneHotColumn(c);
        return new OneHotEncoder().setInputCols(indexer.getOutputCols()).setOutputCols(vectors).setDropLast(true)
                .fit(indexed).transform(indexed);
    }

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
}
