package dev.steepest.spark.config;

import java.util.List;

/**
 * {@code data.*}: where the data is and how to read it. Part of {@link ConfigSchema}'s table.
 */
final class DataKeys {
    private static final double INF = Double.POSITIVE_INFINITY;

    private DataKeys() {
    }

    static void declare(KeyTable t) {
        t.string("data.train", null, "Training data: a path, glob or any Hadoop FileSystem URI (required).");
        t.string("data.test", null, "Held-out data evaluated after training (same format and columns).");
        t.string("data.validation", null, "Validation data evaluated after every epoch (same format and columns as "
                + "data.train); early stopping and the plateau schedule watch its loss.");
        t.real("data.validation-fraction", null, 0, true, 1, true, "Hold out this fraction of the training rows as the "
                + "validation set instead (stratified by class, seeded by train.seed; those rows are not trained on).");
        t.word("data.format", null, "Input format; default from the extension of data.train.", "csv", "parquet", "libsvm");
        t.string("data.label", "label", "Label column (CSV / Parquet).");
        t.string("data.weight", null, "Sample-weight column (CSV / Parquet); every weight 1 when unset.");
        t.integer("data.num-features", null, 1, INF, "LibSVM: number of features; inferred when unset.");
        t.bool("data.header", true, "CSV: the first line of each file names the columns (else they are _c0, _c1, ...).");
        t.string("data.delimiter", ",", "CSV: the field delimiter, one character (\\t or tab for tabs).");
        t.add("data.features", Key.Type.STRING_LIST, null, List.of(), 0, false, INF, false, "CSV / Parquet: the "
                + "feature columns (names or 0-based positions); default every column but the label, weight, "
                + "excluded and categorical ones.");
        t.add("data.exclude", Key.Type.STRING_LIST, List.of(), List.of(), 0, false, INF, false,
                "CSV / Parquet: columns that are not features (ids, timestamps).");
        t.add("data.categorical", Key.Type.STRING_LIST, List.of(), List.of(), 0, false, INF, false,
                "CSV / Parquet: string columns one-hot encoded with Spark ML's StringIndexer and OneHotEncoder "
                + "(categories in alphabetical order; one unseen in held-out data encodes as all zeros).");
        t.word("data.on-bad-record", "fail", "A record that cannot be trained on (malformed line, missing or non-"
                + "numeric value, NaN or infinity, negative weight): fail names its file and line; skip leaves it "
                + "out and counts it per reason in summary.json.", "fail", "skip");
        t.integer("data.partitions", null, 1, INF,
                "Partitions (= cached blocks); default max(input partitions, Spark default parallelism).");
        t.word("data.precision", "float64", "How the cached blocks store feature values: float64 (8 bytes each) or "
                + "float32 (4 bytes, each rounded to the nearest float; labels, weights and every sum stay double). "
                + "Training, validation and held-out sets alike.", "float64", "float32");
        t.bool("data.truncate-lineage", true, "Steps read the cached blocks past their read plan, so they do not "
                + "re-ship it (faster steps); a lost executor's blocks are still recomputed from the input.");
    }
}
