package dev.steepest.spark.data;

import dev.steepest.spark.InputError;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import scala.Tuple2;

/**
 * LibSVM files ({@code label index:value ...}, 1-based increasing indices, {@code #} comments) to staged rows
 * with one sparse vector each. The feature count is {@code data.num-features}, training's, or the largest index
 * ({@link #largestIndex}, one more pass).
 */
final class LibsvmStager {
    private LibsvmStager() {
    }

    /** Stages {@code files}; {@code train} non-null: a held-out set, which takes training's feature count. */
    static StagedInput stage(SparkSession spark, Configuration conf, List<Path> files, String key, String path,
                             BlockLoader.Options opt, DataSpec train) {
        for (String k : List.of("features", "exclude", "categorical")) {
            List<String> v = k.equals("features") ? opt.features() : k.equals("exclude") ? opt.exclude()
                    : opt.categorical();
            if (v != null && !v.isEmpty()) throw new InputError("data." + k + ": does not apply to LibSVM input");
        }
        Integer d = train != null ? Integer.valueOf(train.numFeatures()) : opt.numFeatures();
        boolean regression = !opt.classification();
        JavaRDD<Row> rows = TextInput.lines(spark, conf, files).mapPartitionsWithInputSplit(
                (split, it) -> lines(((FileSplit) split).getPath().toString(), it, d, regression), true);
        return new StagedInput(spark.createDataFrame(rows, StagedRows.schema(0)),
                TextInput.partitions(spark, conf, files), key, path, conf, true,
                d == null ? -1 : d, null, List.of(), true, rows);
    }

    /**
     * One split's lines to staged rows. {@code numFeatures} null: the size is not known yet (inferred from the
     * largest index later), so the vector gets the largest possible size and the block builder sets the real one.
     */
    static Iterator<Row> lines(String file, Iterator<Tuple2<LongWritable, Text>> lines, Integer numFeatures,
                               boolean regression) {
        return new TextInput.Lines(lines) {
            @Override
            Row parse(long offset, String line) {
                int hash = line.indexOf('#');
                String body = (hash >= 0 ? line.substring(0, hash) : line).trim();
                if (body.isEmpty()) return null;
                return record(file, offset, body, numFeatures, regression);
            }
        };
    }

    /** One LibSVM line into a sparse vector with 0-based indices. */
    static Row record(String file, long offset, String body, Integer numFeatures, boolean regression) {
        String[] tokens = body.split("\\s+");
        String label = tokens[0];
        String p = Labels.stagingProblem(label, regression);
        if (p != null) return StagedRows.bad(file, offset, p, TextFields.detail("label", label, p), 0);
        int n = tokens.length - 1;
        int[] idx = new int[n];
        double[] val = new double[n];
        for (int k = 0; k < n; k++) {
            String t = tokens[k + 1];
            int colon = t.indexOf(':');
            if (colon <= 0) {
                return StagedRows.bad(file, offset, BadRecord.MALFORMED, "'" + TextFields.abbreviate(t)
                        + "' is not index:value", 0);
            }
            long i;
            try {
                i = Long.parseLong(t.substring(0, colon));
            } catch (NumberFormatException e) {
                return StagedRows.bad(file, offset, BadRecord.BAD_INDEX, "index '"
                        + TextFields.abbreviate(t.substring(0, colon)) + "' is not a whole number", 0);
            }
            if (i < 1) return StagedRows.bad(file, offset, BadRecord.BAD_INDEX, "index " + i + " is not 1-based", 0);
            if (k > 0 && i <= idx[k - 1] + 1) {
                return StagedRows.bad(file, offset, BadRecord.BAD_INDEX, "index " + i + " does not increase (after "
                        + (idx[k - 1] + 1) + ")", 0);
            }
            long limit = numFeatures != null ? numFeatures : Integer.MAX_VALUE - 1;
            if (i > limit) {
                return StagedRows.bad(file, offset, BadRecord.BAD_INDEX, "index " + i + " is beyond the " + limit
                        + " features" + (numFeatures != null ? "" : " an index can have"), 0);
            }
            String v = t.substring(colon + 1);
            p = TextFields.problem(v);
            if (p != null) return StagedRows.bad(file, offset, p, TextFields.detail("index " + i, v, p), 0);
            idx[k] = (int) i - 1;
            val[k] = TextFields.parse(v);
        }
        int size = numFeatures != null ? numFeatures : Integer.MAX_VALUE - 1;
        return StagedRows.good(file, offset, label, null, Vectors.sparse(size, idx, val), new String[0]);
    }

    /** Without data.num-features: the largest index over the good records. */
    static int largestIndex(StagedInput staged) {
        int max = staged.rows().filter(functions.col(StagedRows.BAD).isNull()).select(StagedRows.FEATURES).javaRDD()
                .map(r -> {
                    int[] idx = ((SparseVector) r.get(0)).indices();
                    return idx.length == 0 ? 0 : idx[idx.length - 1] + 1;
                }).fold(0, Math::max);
        if (max == 0) {
            throw new InputError(staged.key() + ": '" + staged.path() + "' has no features (no index:value pairs)");
        }
        return max;
    }
}
