package dev.steepest.spark.data;

import dev.steepest.spark.InputError;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * CSV files to staged rows: the first line decides the columns (a header, or {@code _c0, _c1, ...}), the config's
 * column references are resolved against them, and every line is split ({@link TextFields}) and checked once.
 */
final class CsvStager {
    private CsvStager() {
    }

    /**
     * Where the CSV columns go: indices into a line's fields. {@code header} is the first file's first line when
     * the files have headers (each file's first line must equal it), null otherwise.
     */
    record Plan(char delimiter, String header, String[] names, int label, int weight, int[] features,
                int[] categorical, boolean regression) implements Serializable {
    }

    /** Stages {@code files}; {@code train} non-null: a held-out set, which takes training's columns. */
    static StagedInput stage(SparkSession spark, Configuration conf, List<Path> files, String key, String path,
                             BlockLoader.Options opt, DataSpec train) {
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
        Plan plan = new Plan(delimiter, opt.header() ? InputFiles.stripBom(first) : null,
                names, label, weight, features, categorical, !opt.classification());
        JavaRDD<Row> rows = TextInput.lines(spark, conf, files).mapPartitionsWithInputSplit(
                (split, it) -> lines(key, ((FileSplit) split).getPath().toString(), it, plan), true);
        // the pack's source is its partition's index (the task's partition id is not: GatheredBlocks computes these
        // partitions in its own tasks), which only mapPartitionsWithIndex knows, and the file only the split
        JavaRDD<PackedRows> packs = categorical.length > 0 ? null : TextInput.lines(spark, conf, files)
                .mapPartitionsWithInputSplit((split, it) -> List.of(new SplitLines(
                        ((FileSplit) split).getPath().toString(), it)).iterator(), true)
                .mapPartitionsWithIndex((p, it) -> {
                    SplitLines split = it.next();
                    return List.of(pack(p, key, split.file(), split.lines(), plan)).iterator();
                }, true);
        return new StagedInput(spark.createDataFrame(rows, StagedRows.schema(categorical.length)),
                TextInput.partitions(spark, conf, files), key, path, conf, true,
                features.length, cols.named(features), cols.named(categorical), false, rows, packs);
    }

    /** A split's file and its lines, from one step of a partition's pipeline to the next (never shipped). */
    private record SplitLines(String file, Iterator<Tuple2<LongWritable, Text>> lines) {
    }

    /** One split's lines to staged rows: the header line is checked and dropped, blank lines are dropped. */
    static Iterator<Row> lines(String key, String file, Iterator<Tuple2<LongWritable, Text>> lines, Plan plan) {
        PlainLine scratch = new PlainLine(plan);
        return new TextInput.Lines(lines) {
            @Override
            Row parse(long offset, String line) {
                return CsvStager.parse(key, file, offset, line, plan);
            }

            @Override
            Row parse(long offset, Text line) {
                if (offset != 0 && scratch.read(line.getBytes(), line.getLength())) return scratch.row(file, offset);
                return parse(offset, line.toString());
            }
        };
    }

    /**
     * One split's lines into one pack ({@link DirectBlocks}' fast path), as {@code PackedRows.add} packs the rows
     * of {@link #lines}: a plain line's values go straight into the pack, without a row or vector object.
     */
    static PackedRows pack(int source, String key, String file, Iterator<Tuple2<LongWritable, Text>> lines,
                           Plan plan) {
        PackedRows pack = new PackedRows(source);
        PlainLine scratch = new PlainLine(plan);
        int d = plan.features().length;
        while (lines.hasNext()) {
            Tuple2<LongWritable, Text> t = lines.next();
            long offset = t._1().get();
            Text line = t._2(); // Hadoop reuses the Text: read it now
            if (offset != 0 && scratch.read(line.getBytes(), line.getLength())) {
                pack.addGood(file, offset, scratch.label, scratch.weight, false, d, null, scratch.x, d);
            } else {
                Row r = parse(key, file, offset, line.toString(), plan);
                if (r != null) pack.add(r);
            }
        }
        return pack.trim();
    }

    /** A line as text: the header line is checked (null), a blank line is null, any other is a record. */
    private static Row parse(String key, String file, long offset, String line, Plan plan) {
        if (offset == 0 && plan.header() != null) {
            if (!InputFiles.stripBom(line).equals(plan.header())) {
                throw new BadRecord(key, file, 0, true, BadRecord.HEADER, "header '"
                        + TextFields.abbreviate(line) + "' differs from the first file's '"
                        + TextFields.abbreviate(plan.header()) + "'");
            }
            return null;
        }
        if (line.isBlank()) return null;
        return record(file, offset, offset == 0 ? InputFiles.stripBom(line) : line, plan);
    }

    /**
     * The good record in a plain line — ASCII, no quotes, the expected number of fields, every number plainly
     * written ({@link TextFields#parsePlain}), a label and no problem to report — read from its bytes without a
     * String per field; null for any other line, which {@link #record} then reads (and words its problem), so
     * that both give the same rows.
     */
    static Row plainRecord(String file, long offset, byte[] b, int length, Plan plan) {
        PlainLine p = new PlainLine(plan);
        return p.read(b, length) ? p.row(file, offset) : null;
    }

    /**
     * A plain line's fields ({@link #plainRecord}), read into arrays reused from line to line: the label, the
     * weight (NaN without a weight column), the numeric features {@code x} and the categories.
     */
    static final class PlainLine {
        private final Plan plan;
        private final int[] start;
        private final int[] end;
        final double[] x;
        final String[] categories;
        String label;
        double weight;

        PlainLine(Plan plan) {
            this.plan = plan;
            start = new int[plan.names().length];
            end = new int[plan.names().length];
            x = new double[plan.features().length];
            categories = new String[plan.categorical().length];
        }

        /** Whether the first {@code length} bytes of {@code b} are a plain line; if so, its fields are read. */
        boolean read(byte[] b, int length) {
            char delimiter = plan.delimiter();
            if (delimiter >= 0x80 || delimiter == '"') return false;
            int n = plan.names().length;
            int field = 0;
            int from = 0;
            for (int i = 0; i <= length; i++) {
                byte c = i < length ? b[i] : (byte) delimiter;
                if (c < 0 || c == '"') return false;
                if (c == delimiter) {
                    if (field == n) return false;
                    int s = from;
                    int e = i;
                    while (s < e && (b[s] & 0xff) <= ' ') s++; // String.trim's blanks
                    while (e > s && (b[e - 1] & 0xff) <= ' ') e--;
                    start[field] = s;
                    end[field] = e;
                    field++;
                    from = i + 1;
                }
            }
            if (field != n) return false;
            int l = plan.label();
            if (start[l] == end[l]) return false;
            if (plan.regression() && Double.isNaN(TextFields.parsePlain(b, start[l], end[l]))) return false;
            weight = Double.NaN;
            if (plan.weight() >= 0) {
                double w = TextFields.parsePlain(b, start[plan.weight()], end[plan.weight()]);
                if (Double.isNaN(w) || StagedRows.weightProblem(w) != null) return false;
                weight = w;
            }
            int[] features = plan.features();
            for (int j = 0; j < x.length; j++) {
                int f = features[j];
                double v = TextFields.parsePlain(b, start[f], end[f]);
                if (Double.isNaN(v)) return false;
                x[j] = v;
            }
            for (int c = 0; c < categories.length; c++) {
                int f = plan.categorical()[c];
                if (start[f] == end[f]) return false;
                categories[c] = new String(b, start[f], end[f] - start[f], StandardCharsets.ISO_8859_1);
            }
            label = new String(b, start[l], end[l] - start[l], StandardCharsets.ISO_8859_1);
            return true;
        }

        /** The line just read as a staged row (its own copies of the values). */
        Row row(String file, long offset) {
            return StagedRows.good(file, offset, label, Double.isNaN(weight) ? null : weight, Vectors.dense(x.clone()),
                    categories.clone());
        }
    }

    static Row record(String file, long offset, String line, Plan plan) {
        int cats = plan.categorical().length;
        String[] fields = TextFields.split(line, plan.delimiter());
        if (fields == null) return StagedRows.bad(file, offset, BadRecord.MALFORMED, "unterminated quote", cats);
        if (fields.length != plan.names().length) {
            return StagedRows.bad(file, offset, BadRecord.MALFORMED, "expected " + plan.names().length
                    + " fields, found " + fields.length, cats);
        }
        String label = fields[plan.label()];
        String p = Labels.stagingProblem(label, plan.regression());
        if (p != null) {
            return StagedRows.bad(file, offset, p, TextFields.detail(plan.names()[plan.label()], label, p), cats);
        }
        Double weight = null;
        if (plan.weight() >= 0) {
            String w = fields[plan.weight()];
            String name = plan.names()[plan.weight()];
            p = TextFields.problem(w);
            if (p != null) return StagedRows.bad(file, offset, p, TextFields.detail(name, w, p), cats);
            weight = TextFields.parse(w);
            p = StagedRows.weightProblem(weight);
            if (p != null) return StagedRows.bad(file, offset, p, StagedRows.weightDetail(name, weight), cats);
        }
        double[] x = new double[plan.features().length];
        for (int j = 0; j < x.length; j++) {
            String text = fields[plan.features()[j]];
            double v = TextFields.parse(text);
            if (!Double.isFinite(v)) {
                p = TextFields.problem(text);
                return StagedRows.bad(file, offset, p, TextFields.detail(plan.names()[plan.features()[j]], text, p),
                        cats);
            }
            x[j] = v;
        }
        String[] categories = new String[cats];
        for (int c = 0; c < cats; c++) {
            String v = fields[plan.categorical()[c]];
            if (v.isEmpty()) {
                return StagedRows.bad(file, offset, BadRecord.MISSING_VALUE,
                        TextFields.detail(plan.names()[plan.categorical()[c]], v, BadRecord.MISSING_VALUE), cats);
            }
            categories[c] = v;
        }
        return StagedRows.good(file, offset, label, weight, Vectors.dense(x), categories);
    }
}
