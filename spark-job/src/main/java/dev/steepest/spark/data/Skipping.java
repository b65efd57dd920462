package dev.steepest.spark.data;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * {@code data.on-bad-record = skip} before the blocks: the records to build blocks from ({@code good}) and the
 * ones taken out, counted per reason.
 */
record Skipping(Dataset<Row> good, Map<String, Long> counts) {
    /**
     * With {@code skip}, takes the bad records out before the rows get their ids, so the good records of a file
     * with bad ones become exactly the blocks of the same file without them (same ids, same partitions, same
     * model), and counts them (one more pass over the input). A label that is not a number, among numeric
     * labels, is bad too. Without {@code skip}, the block builder meets the first bad record and fails.
     */
    static Skipping of(StagedInput staged, Labels labels, BlockLoader.Options opt) {
        Dataset<Row> df = staged.rows();
        if (!opt.skipBadRecords()) return new Skipping(df, Map.of());
        Column bad = functions.col(StagedRows.BAD).isNotNull();
        if (!labels.notNumbers.isEmpty()) {
            bad = bad.or(functions.col(StagedRows.LABEL).isin(labels.notNumbers.toArray()));
        }
        Column reason = functions.coalesce(functions.col(StagedRows.BAD), functions.lit(BadRecord.NOT_A_NUMBER));
        Column isBad = bad;
        List<Row> counts = Errors.reportingBadRecords(staged,
                () -> df.filter(isBad).groupBy(reason).count().collectAsList());
        Map<String, Long> m = new TreeMap<>();
        for (Row r : counts) m.put(r.getString(0), r.getLong(1));
        return new Skipping(df.filter(functions.not(isBad)), m);
    }
}
