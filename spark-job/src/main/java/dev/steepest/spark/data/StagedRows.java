package dev.steepest.spark.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * Every input format, read into one shape before it becomes blocks: one row per record with where it came from
 * ({@code __file}, {@code __pos}: the byte offset of a text line, or a Parquet row index), whether it is bad
 * ({@code __bad}: a {@link BadRecord} reason, null for a good record, and {@code __detail}), the label as text,
 * the weight, the numeric features as one vector, and the categorical columns as text. Parsing and checking happen
 * here, once, per record; a bad record is kept (not thrown) so that the block builder alone applies
 * {@code data.on-bad-record} and counts.
 */
final class StagedRows {
    static final String FILE = "__file";
    static final String POS = "__pos";
    static final String BAD = "__bad";
    static final String DETAIL = "__detail";
    static final String LABEL = "__label";
    static final String WEIGHT = "__weight";
    static final String FEATURES = "__features";
    static final int FIRST_CATEGORICAL = 7;

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

    static Row bad(String file, long pos, String reason, String detail, int categorical) {
        Object[] v = new Object[FIRST_CATEGORICAL + categorical];
        v[0] = file;
        v[1] = pos;
        v[2] = reason;
        v[3] = detail;
        return RowFactory.create(v);
    }

    /** Checks a label's text: only a regression label must be a number here (class labels are mapped later). */
    static String labelProblem(String text, boolean regression) {
        if (text == null || text.isEmpty()) return BadRecord.MISSING_VALUE;
        return regression ? TextFields.problem(text) : null;
    }

    /** Checks a weight; returns the reason it is bad or null. */
    static String weightProblem(double w) {
        if (!Double.isFinite(w)) return BadRecord.NON_FINITE;
        return w < 0 ? BadRecord.NEGATIVE_WEIGHT : null;
    }

    /** The bad-record detail for the weight {@code w} of column {@code column}, which {@link #weightProblem} refused. */
    static String weightDetail(String column, double w) {
        return "column '" + column + "': " + (w < 0 ? "negative weight " : "weight ") + w;
    }

    // ------------------------------------------------------------------------------------------------ CSV

    /**
     * Where the CSV columns go: indices into a line's fields. {@code header} is the first file's first line when
     * the files have headers (each file's first line must equal it), null otherwise.
     */
    record CsvPlan(char delimiter, String header, String[] names, int label, int weight, int[] features,
                   int[] categorical, boolean regression) implements Serializable {
    }

    static Iterator<Row> csv(String key, String file, Iterator<Tuple2<LongWritable, Text>> lines, CsvPlan plan) {
        return new Lines(lines) {
            @Override
            Row parse(long offset, String line) {
                if (offset == 0 && plan.header() != null) {
                    if (!InputFiles.stripBom(line).equals(plan.header())) {
                        throw new BadRecord(key, file, 0, true, BadRecord.HEADER, "header '"
                                + TextFields.abbreviate(line) + "' differs from the first file's '"
                                + TextFields.abbreviate(plan.header()) + "'");
                    }
                    return null;
                }
                if (line.isBlank()) return null;
                return csvRecord(file, offset, offset == 0 ? InputFiles.stripBom(line) : line, plan);
            }
        };
    }

    static Row csvRecord(String file, long offset, String line, CsvPlan plan) {
        int cats = plan.categorical().length;
        String[] fields = TextFields.split(line, plan.delimiter());
        if (fields == null) return bad(file, offset, BadRecord.MALFORMED, "unterminated quote", cats);
        if (fields.length != plan.names().length) {
            return bad(file, offset, BadRecord.MALFORMED, "expected " + plan.names().length + " fields, found "
                    + fields.length, cats);
        }
        String label = fields[plan.label()];
        String p = labelProblem(label, plan.regression());
        if (p != null) return bad(file, offset, p, TextFields.detail(plan.names()[plan.label()], label, p), cats);
        Double weight = null;
        if (plan.weight() >= 0) {
            String w = fields[plan.weight()];
            String name = plan.names()[plan.weight()];
            p = TextFields.problem(w);
            if (p != null) return bad(file, offset, p, TextFields.detail(name, w, p), cats);
            weight = TextFields.parse(w);
            p = weightProblem(weight);
            if (p != null) return bad(file, offset, p, weightDetail(name, weight), cats);
        }
        double[] x = new double[plan.features().length];
        for (int j = 0; j < x.length; j++) {
            String text = fields[plan.features()[j]];
            double v = TextFields.parse(text);
            if (!Double.isFinite(v)) {
                p = TextFields.problem(text);
                return bad(file, offset, p, TextFields.detail(plan.names()[plan.features()[j]], text, p), cats);
            }
            x[j] = v;
        }
        Object[] row = new Object[FIRST_CATEGORICAL + cats];
        row[0] = file;
        row[1] = offset;
        row[4] = label;
        row[5] = weight;
        row[6] = Vectors.dense(x);
        for (int c = 0; c < cats; c++) {
            String v = fields[plan.categorical()[c]];
            if (v.isEmpty()) {
                return bad(file, offset, BadRecord.MISSING_VALUE,
                        TextFields.detail(plan.names()[plan.categorical()[c]], v, BadRecord.MISSING_VALUE), cats);
            }
            row[FIRST_CATEGORICAL + c] = v;
        }
        return RowFactory.create(row);
    }

    // ------------------------------------------------------------------------------------------------ LibSVM

    /**
     * One LibSVM line, {@code label index:value ...} with 1-based increasing indices, into a sparse vector with
     * 0-based indices. {@code numFeatures} null: the size is not known yet (inferred from the largest index later),
     * so the vector gets the largest possible size and the block builder sets the real one.
     */
    static Iterator<Row> libsvm(String file, Iterator<Tuple2<LongWritable, Text>> lines, Integer numFeatures,
                                boolean regression) {
        return new Lines(lines) {
            @Override
            Row parse(long offset, String line) {
                int hash = line.indexOf('#');
                String body = (hash >= 0 ? line.substring(0, hash) : line).trim();
                if (body.isEmpty()) return null;
                return libsvmRecord(file, offset, body, numFeatures, regression);
            }
        };
    }

    static Row libsvmRecord(String file, long offset, String body, Integer numFeatures, boolean regression) {
        String[] tokens = body.split("\\s+");
        String label = tokens[0];
        String p = labelProblem(label, regression);
        if (p != null) return bad(file, offset, p, TextFields.detail("label", label, p), 0);
        int n = tokens.length - 1;
        int[] idx = new int[n];
        double[] val = new double[n];
        for (int k = 0; k < n; k++) {
            String t = tokens[k + 1];
            int colon = t.indexOf(':');
            if (colon <= 0) {
                return bad(file, offset, BadRecord.MALFORMED, "'" + TextFields.abbreviate(t)
                        + "' is not index:value", 0);
            }
            long i;
            try {
                i = Long.parseLong(t.substring(0, colon));
            } catch (NumberFormatException e) {
                return bad(file, offset, BadRecord.BAD_INDEX, "index '" + TextFields.abbreviate(t.substring(0, colon))
                        + "' is not a whole number", 0);
            }
            if (i < 1) return bad(file, offset, BadRecord.BAD_INDEX, "index " + i + " is not 1-based", 0);
            if (k > 0 && i <= idx[k - 1] + 1) {
                return bad(file, offset, BadRecord.BAD_INDEX, "index " + i + " does not increase (after "
                        + (idx[k - 1] + 1) + ")", 0);
            }
            long limit = numFeatures != null ? numFeatures : Integer.MAX_VALUE - 1;
            if (i > limit) {
                return bad(file, offset, BadRecord.BAD_INDEX, "index " + i + " is beyond the " + limit
                        + " features" + (numFeatures != null ? "" : " an index can have"), 0);
            }
            String v = t.substring(colon + 1);
            p = TextFields.problem(v);
            if (p != null) return bad(file, offset, p, TextFields.detail("index " + i, v, p), 0);
            idx[k] = (int) i - 1;
            val[k] = TextFields.parse(v);
        }
        int size = numFeatures != null ? numFeatures : Integer.MAX_VALUE - 1;
        return RowFactory.create(file, offset, null, null, label, null, Vectors.sparse(size, idx, val));
    }

    // ------------------------------------------------------------------------------------------------ Parquet

    /**
     * Where the columns of a Parquet row (as selected by the loader) go: 0 the file, 1 the row index, 2 the label,
     * then the weight when {@code hasWeight}, then the features (one vector column when {@code vector}, else one
     * numeric column each), then the categorical columns.
     */
    record ParquetPlan(String label, String weight, String[] features, boolean vector, String[] categorical,
                       boolean regression) implements Serializable {
    }

    static Row parquetRecord(Row r, ParquetPlan plan) {
        String file = r.getString(0);
        long pos = r.getLong(1);
        int cats = plan.categorical().length;
        int at = 2;
        Object rawLabel = r.get(at++);
        String label = rawLabel == null ? null
                : rawLabel instanceof Number n ? Double.toString(n.doubleValue()) : rawLabel.toString();
        String p = labelProblem(label, plan.regression());
        if (p != null) return bad(file, pos, p, TextFields.detail(plan.label(), String.valueOf(label), p), cats);
        Double weight = null;
        if (plan.weight() != null) {
            if (r.isNullAt(at)) {
                return bad(file, pos, BadRecord.MISSING_VALUE, "column '" + plan.weight() + "': no value", cats);
            }
            weight = ((Number) r.get(at)).doubleValue();
            p = weightProblem(weight);
            if (p != null) return bad(file, pos, p, weightDetail(plan.weight(), weight), cats);
            at++;
        }
        Vector x;
        if (plan.vector()) {
            if (r.isNullAt(at)) {
                return bad(file, pos, BadRecord.MISSING_VALUE, "column '" + plan.features()[0] + "': no vector", cats);
            }
            x = (Vector) r.get(at++);
            double[] values = x instanceof org.apache.spark.ml.linalg.SparseVector sv ? sv.values() : x.toArray();
            for (double v : values) {
                if (!Double.isFinite(v)) {
                    return bad(file, pos, BadRecord.NON_FINITE, "column '" + plan.features()[0] + "': a value is "
                            + v, cats);
                }
            }
        } else {
            double[] d = new double[plan.features().length];
            for (int j = 0; j < d.length; j++, at++) {
                String name = plan.features()[j];
                if (r.isNullAt(at)) return bad(file, pos, BadRecord.MISSING_VALUE, "column '" + name + "': no value", cats);
                Object o = r.get(at);
                d[j] = o instanceof Boolean b ? (b ? 1.0 : 0.0) : ((Number) o).doubleValue();
                if (!Double.isFinite(d[j])) {
                    return bad(file, pos, BadRecord.NON_FINITE, "column '" + name + "': " + d[j] + " is not finite", cats);
                }
            }
            x = Vectors.dense(d);
        }
        Object[] row = new Object[FIRST_CATEGORICAL + cats];
        row[0] = file;
        row[1] = pos;
        row[4] = label;
        row[5] = weight;
        row[6] = x;
        for (int c = 0; c < cats; c++, at++) {
            if (r.isNullAt(at)) {
                return bad(file, pos, BadRecord.MISSING_VALUE, "column '" + plan.categorical()[c] + "': no value", cats);
            }
            row[FIRST_CATEGORICAL + c] = r.get(at).toString();
        }
        return RowFactory.create(row);
    }

    // ------------------------------------------------------------------------------------------------ lines

    /** Hadoop's (offset, line) records to staged rows, lazily, skipping the lines {@link #parse} returns null for. */
    private abstract static class Lines implements Iterator<Row> {
        private final Iterator<Tuple2<LongWritable, Text>> in;
        private Row next;

        Lines(Iterator<Tuple2<LongWritable, Text>> in) {
            this.in = in;
        }

        abstract Row parse(long offset, String line);

        @Override
        public boolean hasNext() {
            while (next == null && in.hasNext()) {
                Tuple2<LongWritable, Text> t = in.next();
                next = parse(t._1().get(), t._2().toString()); // Hadoop reuses the Text: copy it now
            }
            return next != null;
        }

        @Override
        public Row next() {
            if (!hasNext()) throw new NoSuchElementException();
            Row r = next;
            next = null;
            return r;
        }
    }
}
