package dev.steepest.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.data.Block;
import dev.steepest.core.data.Precision;
import dev.steepest.spark.data.BlockLoader;
import dev.steepest.spark.data.TrainingData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.io.compress.BZip2Codec;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The input side of issue 5 at the loader: CSV options (header, delimiter, label by position, feature selection,
 * categorical columns), compressed files and directories, bad records (fail names file and line; skip counts per
 * reason and gives the blocks of the clean data), LibSVM and Parquet errors, and labels that do not fit the model.
 */
class InputFormatsTest extends LocalSparkTest {

    @TempDir
    Path tmp;

    private static BlockLoader.Options csv(String label, int maxClasses) {
        return LoaderOptions.of("csv", label).partitions(1).maxClasses(maxClasses).build();
    }

    private static BlockLoader.Options with(BlockLoader.Options o, Function<LoaderOptions, LoaderOptions> f) {
        return f.apply(LoaderOptions.from(o)).build();
    }

    private static TrainingData train(Path p, BlockLoader.Options o) {
        return BlockLoader.loadTraining(spark, "data.train", p.toString(), o);
    }

    /** Every row of every block, in block order: label, weight, features. */
    private static List<double[]> rows(TrainingData d) {
        List<double[]> out = new ArrayList<>();
        for (Block b : d.blocks().collect()) {
            for (int i = 0; i < b.numRows(); i++) {
                double[] r = new double[2 + b.numFeatures()];
                r[0] = b.label(i);
                r[1] = b.weight(i);
                for (int j = 0; j < b.numFeatures(); j++) r[2 + j] = b.feature(i, j);
                out.add(r);
            }
        }
        return out;
    }

    private static void assertSameRows(List<double[]> expected, List<double[]> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) assertArrayEquals(expected.get(i), actual.get(i), "row " + i);
    }

    private Path write(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    private static String lines(int n, Function<Integer, String> row) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) s.append(row.apply(i)).append('\n');
        return s.toString();
    }

    @Test
    void headerlessTabSeparatedQuotedCsvWithLabelByPositionAndExcludedColumns() throws IOException {
        Path p = write("t.tsv", "7\t\"a\"\t1.5\t 2 \n9\t\"b\"\"c\"\t-1\t3e1\n");
        TrainingData d = train(p, with(csv("0", 0), b -> b.header(false).delimiter("\\t").exclude("1")));
        try {
            assertEquals(List.of("_c2", "_c3"), d.spec().featureNames());
            assertSameRows(List.of(new double[] {7, 1, 1.5, 2}, new double[] {9, 1, -1, 30}), rows(d));
        } finally {
            d.release();
        }
        // data.features picks columns by name, in the order given; data.weight reads sample weights
        Path named = write("n.csv", "id,y,w,a,b\n1,0.5,2,10,20\n2,1.5,0.25,30,40\n");
        d = train(named, with(csv("y", 0), b -> b.weight("w").features("b", "a")));
        try {
            assertEquals(List.of("b", "a"), d.spec().featureNames());
            assertSameRows(List.of(new double[] {0.5, 2, 20, 10}, new double[] {1.5, 0.25, 40, 30}), rows(d));
        } finally {
            d.release();
        }
    }

    @Test
    void gzipBzip2AndDirectoriesReadLikeThePlainFile() throws IOException {
        String text = Files.readString(Path.of(SparkTestSupport.sample("linear.csv")));
        Path plain = write("plain/linear.csv", text);
        Path dir = Files.createDirectories(tmp.resolve("parts"));
        String[] all = text.split("\n");
        String header = all[0];
        // three part files (the first gzip, the second bzip2, the third plain) plus files Hadoop leaves around
        int cut1 = 300;
        int cut2 = 700;
        writeGzip(dir.resolve("part-0.csv.gz"), header + "\n" + String.join("\n", List.of(all).subList(1, cut1)) + "\n");
        writeBzip2(dir.resolve("part-1.csv.bz2"), header + "\n" + String.join("\n", List.of(all).subList(cut1, cut2)) + "\n");
        Files.writeString(dir.resolve("part-2.csv"), header + "\n" + String.join("\n", List.of(all).subList(cut2, all.length)) + "\n");
        Files.writeString(dir.resolve("_SUCCESS"), "");
        Files.writeString(dir.resolve(".part-2.csv.crc"), "junk");
        BlockLoader.Options o = csv("y", 0);
        TrainingData a = train(plain, o);
        TrainingData b = train(dir, o);
        try {
            assertEquals(1000, b.numRows());
            assertSameRows(rows(a), rows(b));
        } finally {
            a.release();
            b.release();
        }
    }

    private static void writeGzip(Path p, String text) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void writeBzip2(Path p, String text) throws IOException {
        BZip2Codec codec = new BZip2Codec();
        codec.setConf(new Configuration());
        try (OutputStream out = codec.createOutputStream(Files.newOutputStream(p))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void categoricalColumnsAreOneHotEncodedAndUnseenCategoriesAreZero() throws IOException {
        Path p = write("c.csv", "y,color,x\n1,red,0.5\n2,blue,1.5\n3,red,2.5\n4,green,3.5\n");
        TrainingData d = train(p, with(csv("y", 0), b -> b.categorical("color")));
        try {
            assertEquals(List.of("x", "color=blue", "color=green", "color=red"), d.spec().featureNames());
            assertSameRows(List.of(new double[] {1, 1, 0.5, 0, 0, 1}, new double[] {2, 1, 1.5, 1, 0, 0},
                    new double[] {3, 1, 2.5, 0, 0, 1}, new double[] {4, 1, 3.5, 0, 1, 0}), rows(d));
            Path test = write("ct.csv", "y,color,x\n5,purple,4.5\n6,blue,5.5\n");
            TrainingData t = BlockLoader.loadHeldOut(spark, "data.test", test.toString(),
                    with(csv("y", 0), b -> b.categorical("color")), d.spec());
            try {
                assertSameRows(List.of(new double[] {5, 1, 4.5, 0, 0, 0}, new double[] {6, 1, 5.5, 1, 0, 0}),
                        rows(t));
            } finally {
                t.release();
            }
        } finally {
            d.release();
        }
        // a string column that is not declared categorical is a bad record naming it
        InputError e = assertThrows(InputError.class, () -> train(p, csv("y", 0)));
        assertTrue(e.getMessage().endsWith("c.csv:2: column 'color': 'red' is not a number"), e.getMessage());
    }

    @Test
    void failModeNamesFileLineAndColumnAcrossSplitsAndInCompressedFiles() throws IOException {
        String header = "y," + String.join(",", List.of("p0", "p1", "p2", "p17"));
        String body = lines(1100, i -> (i + 2 == 1043) ? "1,2,3,4,abc" : i + ",1,2,3," + (i * 0.5));
        Path p = write("train.csv", header + "\n" + body);
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        conf.set("mapreduce.input.fileinputformat.split.maxsize", "2048"); // many splits: offsets far from 0
        try {
            InputError e = assertThrows(InputError.class, () -> train(p, csv("y", 0)));
            assertEquals("data.train: " + p + ":1043: column 'p17': 'abc' is not a number", e.getMessage());
        } finally {
            conf.unset("mapreduce.input.fileinputformat.split.maxsize");
        }
        Path gz = tmp.resolve("train.csv.gz");
        writeGzip(gz, header + "\n" + body);
        InputError e = assertThrows(InputError.class, () -> train(gz, csv("y", 0)));
        assertEquals("data.train: " + gz + ":1043: column 'p17': 'abc' is not a number", e.getMessage());
        // the user's relative directory name is kept in the message
        Path other = write("d/part-1.csv", "y,a\n1,2\n3,\n");
        e = assertThrows(InputError.class, () -> BlockLoader.loadTraining(spark, "data.train",
                tmp.resolve("d").toString(), csv("y", 0)));
        assertEquals("data.train: " + other + ":3: column 'a': no value", e.getMessage());
    }

    @Test
    void skipModeCountsEachReasonExactlyAndKeepsExactlyTheCleanRows() throws IOException {
        StringBuilder clean = new StringBuilder("y,w,a,b\n");
        StringBuilder dirty = new StringBuilder("y,w,a,b\n");
        String[] planted = {
            "1,1,abc,2",        // not-a-number
            "1,1,,2",           // missing-value
            "1,1,NaN,2",        // non-finite
            "1,1,inf,2",        // non-finite
            "1,1,2",            // malformed: 3 fields
            "\"1,1,2,3",        // malformed: unterminated quote
            "1,-0.5,2,3",       // negative-weight
            "x,1,2,3",          // not-a-number (regression label)
        };
        for (int i = 0; i < 200; i++) {
            String row = (i % 7) + "," + (1 + i % 3) + "," + (i * 0.25) + "," + (-i);
            clean.append(row).append('\n');
            dirty.append(row).append('\n');
            if (i % 25 == 3) dirty.append(planted[(i / 25) % planted.length]).append('\n');
        }
        Path c = write("clean.csv", clean.toString());
        Path d = write("dirty.csv", dirty.toString());
        BlockLoader.Options o = with(csv("y", 0), b -> b.weight("w").partitions(3));
        TrainingData a = train(c, o);
        TrainingData b = train(d, with(o, x -> x.skip()));
        try {
            assertEquals(Map.of("not-a-number", 2L, "missing-value", 1L, "non-finite", 2L, "malformed", 2L,
                    "negative-weight", 1L), b.skipped());
            assertEquals(8, b.skippedRows());
            assertEquals(200, b.numRows());
            assertArrayEquals(a.partitionSizes(), b.partitionSizes());
            assertSameRows(rows(a), rows(b));
        } finally {
            a.release();
            b.release();
        }
        // fail mode stops at a bad record; a file with only bad records is empty after skipping
        assertThrows(InputError.class, () -> train(d, o));
        Path allBad = write("bad.csv", "y,w,a,b\n1,1,abc,2\n1,1,,2\n");
        InputError e = assertThrows(InputError.class, () -> train(allBad, with(o, x -> x.skip())));
        assertTrue(e.getMessage().contains("has no rows after skipping 2 bad records"), e.getMessage());
    }

    @Test
    void libsvmBadIndicesAndValuesNameTheLine() throws IOException {
        BlockLoader.Options o = LoaderOptions.of("libsvm", "label").partitions(1).maxClasses(2).build();
        String good = "0 1:0.5 3:1\n1 2:1.5\n";
        String[][] cases = {
            {"1 0:1 2:3", "index 0 is not 1-based"},
            {"1 3:1 2:3", "index 2 does not increase (after 3)"},
            {"1 x:1", "index 'x' is not a whole number"},
            {"1 2:abc", "column 'index 2': 'abc' is not a number"},
            {"1 2", "'2' is not index:value"},
        };
        for (String[] c : cases) {
            Path p = write("bad.libsvm", good + c[0] + "\n");
            InputError e = assertThrows(InputError.class, () -> train(p, o));
            assertEquals("data.train: " + p + ":3: " + c[1], e.getMessage());
        }
        TrainingData d = train(write("ok.libsvm", good + "# a comment line\n\n0 4:2 # trailing comment\n"), o);
        try {
            assertEquals(4, d.spec().numFeatures());
            assertEquals(3, d.numRows());
            Path test = write("test.libsvm", "0 1:1\n1 5:1\n");
            InputError e = assertThrows(InputError.class, () -> BlockLoader.loadHeldOut(spark, "data.test",
                    test.toString(), o, d.spec()));
            assertEquals("data.test: " + test + ":2: index 5 is beyond the 4 features", e.getMessage());
        } finally {
            d.release();
        }
    }

    @Test
    void parquetBadValuesNameFileAndRowAndStringColumnsAreTypeErrors() {
        Path dir = tmp.resolve("pq");
        spark.sql("SELECT CAST(id AS DOUBLE) AS y, CASE WHEN id = 6 THEN CAST('NaN' AS DOUBLE) ELSE id * 0.5 END AS a,"
                + " CAST(id AS STRING) AS s FROM range(10)").coalesce(1).write().parquet(dir.toString());
        BlockLoader.Options o = with(LoaderOptions.of("parquet", "y").partitions(1).build(),
                b -> b.exclude("s"));
        InputError e = assertThrows(InputError.class, () -> train(dir, o));
        assertTrue(e.getMessage().matches("data\\.train: .*/pq/part-[^ ]*\\.parquet: row 7: column 'a': NaN is not finite"),
                e.getMessage());
        TrainingData d = train(dir, with(o, b -> b.skip()));
        try {
            assertEquals(9, d.numRows());
            assertEquals(Map.of("non-finite", 1L), d.skipped());
        } finally {
            d.release();
        }
        e = assertThrows(InputError.class, () -> train(dir, LoaderOptions.of("parquet", "y").partitions(1).build()));
        assertTrue(e.getMessage().contains("column 's'") && e.getMessage().contains("not numeric")
                && e.getMessage().contains("data.categorical"), e.getMessage());
    }

    @Test
    void labelsThatDoNotFitTheModelAreInputErrors() throws IOException {
        Path fractional = write("f.csv", "y,a\n0,1\n1.5,2\n2,3\n");
        InputError e = assertThrows(InputError.class, () -> train(fractional, csv("y", 10)));
        assertTrue(e.getMessage().contains("1.5 is not a whole number"), e.getMessage());
        Path three = write("three.csv", "y,a\n0,1\n1,2\n2,3\n");
        e = assertThrows(InputError.class, () -> train(three, csv("y", 2)));
        assertTrue(e.getMessage().contains("exactly 2 classes; found the labels 0, 1, 2"), e.getMessage());
        Path constant = write("const.csv", "y,a\n4,1\n4,2\n4,3\n");
        e = assertThrows(InputError.class, () -> train(constant, csv("y", 0)));
        assertTrue(e.getMessage().contains("constant (4)"), e.getMessage());
        e = assertThrows(InputError.class, () -> train(constant, csv("y", 10)));
        assertTrue(e.getMessage().contains("at least 2 classes; found the label 4"), e.getMessage());
        // among numeric labels, a label that is not a number is a bad record (skippable), not a class
        Path garbage = write("g.csv", "y,a\n0,1\n1,2\nyes,3\n1,4\n");
        e = assertThrows(InputError.class, () -> train(garbage, csv("y", 2)));
        assertTrue(e.getMessage().endsWith("g.csv:4: label 'yes' is not a number (the other labels are)"),
                e.getMessage());
        TrainingData d = train(garbage, with(csv("y", 2), b -> b.skip()));
        try {
            assertEquals(3, d.numRows());
            assertEquals(Map.of("not-a-number", 1L), d.skipped());
        } finally {
            d.release();
        }
    }

    @Test
    void aParquetFileWithASparkMlVectorColumnLoadsUnderTheCliKryoSettings() {
        assertEquals("true", spark.conf().get("spark.kryo.registrationRequired"));
        Path pq = tmp.resolve("vectors.parquet");
        new org.apache.spark.ml.feature.VectorAssembler().setInputCols(new String[] {"a", "b"}).setOutputCol("features")
                .transform(spark.sql("SELECT CAST(id AS DOUBLE) AS y, CAST(id * 2 AS DOUBLE) AS a,"
                        + " CAST(id % 3 AS DOUBLE) AS b FROM range(6)"))
                .select("y", "features").coalesce(1).write().parquet(pq.toString());
        TrainingData d = train(pq, LoaderOptions.of("parquet", "y").partitions(1).build());
        try {
            assertEquals(6, d.numRows());
            assertEquals(2, d.spec().numFeatures());
        } finally {
            d.release();
        }
    }

    @Test
    void theSameDataAsCsvParquetAndLibsvmGivesTheSameBlocks() {
        Path pq = tmp.resolve("logistic.parquet");
        spark.read().option("header", "true").option("inferSchema", "true").csv(SparkTestSupport.sample("logistic.csv"))
                .coalesce(1).write().parquet(pq.toString());
        BlockLoader.Options o = LoaderOptions.of("csv", "label").partitions(2).maxClasses(2).build();
        TrainingData c = BlockLoader.loadTraining(spark, "data.train", SparkTestSupport.sample("logistic.csv"), o);
        TrainingData p = train(pq, LoaderOptions.of("parquet", "label").partitions(2).maxClasses(2).build());
        TrainingData l = BlockLoader.loadTraining(spark, "data.train", SparkTestSupport.sample("logistic.libsvm"),
                LoaderOptions.of("libsvm", "label").partitions(2).maxClasses(2).build());
        try {
            List<double[]> csvRows = rows(c);
            assertSameRows(csvRows, rows(p));
            assertSameRows(csvRows, rows(l));
        } finally {
            c.release();
            p.release();
            l.release();
        }
    }

    /**
     * data.precision = float32 (target B6): a dense CSV of 150 features loads into blocks whose cached bytes are at
     * most 1.1 x the raw float32 bytes (rows x features x 4), half or less of the float64 load's, with every value
     * equal to {@code (float)} of the float64 load's; a held-out set loaded with the same options is float32 too.
     */
    @Test
    void float32BlocksCostAtMostOneTenthMoreThanTheRawFloats() throws IOException {
        int n = 200;
        int d = 150;
        java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
        StringBuilder header = new StringBuilder("label");
        for (int j = 0; j < d; j++) header.append(",x").append(j);
        String[] rows = new String[n];
        for (int i = 0; i < n; i++) {
            StringBuilder r = new StringBuilder(Integer.toString(i % 3));
            // values with more digits than a float holds, so the rounding is visible
            for (int j = 0; j < d; j++) r.append(',').append(rng.nextDouble() * 10 - 5);
            rows[i] = r.toString();
        }
        Path p = write("wide.csv", header + "\n" + String.join("\n", rows) + "\n");
        BlockLoader.Options f64 = LoaderOptions.of("csv", "label").partitions(2).maxClasses(3).build();
        assertEquals(Precision.FLOAT64, f64.precision());
        BlockLoader.Options f32 = with(f64, b -> b.precision(Precision.FLOAT32));
        TrainingData a = train(p, f64);
        TrainingData b = train(p, f32);
        TrainingData held = BlockLoader.loadHeldOut(spark, "data.test", p.toString(), f32, b.spec());
        try {
            long raw = 4L * n * d;
            assertTrue(b.cachedBytes() <= 1.1 * raw, b.cachedBytes() + " > 1.1 x " + raw);
            assertTrue(2 * b.cachedBytes() <= a.cachedBytes() + 8L * 2 * n, b.cachedBytes() + " vs " + a.cachedBytes());
            List<Block> blocks64 = a.blocks().collect();
            List<Block> blocks32 = b.blocks().collect();
            assertEquals(blocks64.size(), blocks32.size());
            int changed = 0;
            for (int k = 0; k < blocks64.size(); k++) {
                Block x = blocks64.get(k);
                Block y = blocks32.get(k);
                assertTrue(y.isFloat32() && !x.isFloat32() && !y.isSparse());
                assertEquals(x.numRows(), y.numRows());
                assertArrayEquals(x.labels(), y.labels(), 0.0);
                double[] v = x.values();
                float[] f = y.floatValues();
                assertEquals(v.length, f.length);
                for (int i = 0; i < v.length; i++) {
                    assertEquals((float) v[i], f[i], 0.0f, "value " + i + " of block " + k);
                    if (f[i] != v[i]) changed++;
                }
            }
            assertTrue(changed > 0, "no value was rounded: the test data do not test the rounding");
            for (Block h : held.blocks().collect()) assertTrue(h.isFloat32(), "held-out block in float32");
        } finally {
            a.release();
            b.release();
            held.release();
        }
        // a finite value beyond float's range is a bad record in float32 (it would become infinite), fine in float64
        Path huge = write("huge.csv", "label,x0\n0,1\n1,2e39\n2,3\n");
        InputError e = assertThrows(InputError.class, () -> train(huge, f32));
        assertTrue(e.getMessage().endsWith("huge.csv:3: a feature value 2.0E39 is beyond float32's range "
                + "(data.precision = float32; use float64)"), e.getMessage());
        TrainingData skipped = train(huge, with(f32, o -> o.skip()));
        TrainingData kept = train(huge, f64);
        try {
            assertEquals(2, skipped.numRows());
            assertEquals(Map.of("non-finite", 1L), skipped.skipped());
            assertEquals(3, kept.numRows());
        } finally {
            skipped.release();
            kept.release();
        }
    }
}
