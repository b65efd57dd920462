package dev.steepest.spark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.data.Precision;
import dev.steepest.spark.InputError;
import dev.steepest.spark.LoaderOptions;
import dev.steepest.spark.LocalSparkTest;
import dev.steepest.spark.SparkTestSupport;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fast Parquet path ({@link ParquetPacker}: Spark SQL's internal rows straight into packs) against the row path
 * it replaces (external rows through {@link ParquetStager#record}, packed by {@code PackedRows.add}): a vector
 * column of dense and sparse vectors, numeric columns of every type, weights, labels of several types, nulls,
 * non-finite values, two files — the same packs field for field, the same blocks bit for bit in skip mode, and
 * the same message in fail mode; for training and held-out sets.
 */
class ParquetPackedInputTest extends LocalSparkTest {
    @TempDir
    static Path tmp;

    /** Two files of 150 rows: label, weight, a vector column (dense and sparse, some null or non-finite). */
    private static String vectorFile(String name, DataType labelType, boolean bad) {
        StructType schema = new StructType(new StructField[] {
                DataTypes.createStructField("y", labelType, true),
                DataTypes.createStructField("w", DataTypes.DoubleType, true),
                DataTypes.createStructField("features", SQLDataTypes.VectorType(), true)});
        Random r = new Random(name.hashCode());
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            double[] x = new double[6];
            for (int j = 0; j < x.length; j++) x[j] = r.nextDouble() < 0.5 ? 0 : i % 4 == 0 ? r.nextInt(256) : r.nextGaussian();
            if (bad && i % 23 == 4) x[2] = i % 2 == 0 ? Double.NaN : Double.NEGATIVE_INFINITY;
            Object v = bad && i % 31 == 9 ? null : r.nextBoolean() ? Vectors.dense(x) : Vectors.dense(x).toSparse();
            Object w = bad && i % 37 == 11 ? null : bad && i % 41 == 13 ? -1.0 : 0.5 + r.nextDouble();
            rows.add(RowFactory.create(label(labelType, bad && i % 43 == 15 ? -1 : i % 3), w, v));
        }
        return write(name, rows, schema);
    }

    private static Object label(DataType t, int k) {
        if (k < 0) return null;
        if (t == DataTypes.StringType) return "class" + k;
        if (t == DataTypes.IntegerType) return k;
        if (t == DataTypes.LongType) return (long) k;
        if (t == DataTypes.FloatType) return (float) k;
        if (t instanceof org.apache.spark.sql.types.DecimalType) return new BigDecimal(k + ".00");
        return (double) k;
    }

    /** Two files of 150 rows: label and one numeric column of each type, some null or non-finite. */
    private static String numericFile(String name, boolean bad) {
        StructType schema = new StructType(new StructField[] {
                DataTypes.createStructField("y", DataTypes.DoubleType, true),
                DataTypes.createStructField("b", DataTypes.ByteType, true),
                DataTypes.createStructField("s", DataTypes.ShortType, true),
                DataTypes.createStructField("i", DataTypes.IntegerType, true),
                DataTypes.createStructField("l", DataTypes.LongType, true),
                DataTypes.createStructField("f", DataTypes.FloatType, true),
                DataTypes.createStructField("d", DataTypes.DoubleType, true),
                DataTypes.createStructField("m", DataTypes.createDecimalType(12, 4), true),
                DataTypes.createStructField("z", DataTypes.BooleanType, true)});
        Random r = new Random(7);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Object[] v = {(double) (i % 2), (byte) (i % 100 - 50), (short) (i * 7), i * 1000, (long) i << 20,
                    (float) r.nextGaussian(), bad && i % 19 == 3 ? Double.POSITIVE_INFINITY : r.nextGaussian(),
                    new BigDecimal(r.nextInt(2_000_000) - 1_000_000).movePointLeft(4), i % 3 == 0};
            if (bad && i % 17 == 5) v[1 + i % 8] = null;
            if (bad && i % 29 == 8) v[0] = null;
            rows.add(RowFactory.create(v));
        }
        return write(name, rows, schema);
    }

    private static String write(String name, List<Row> rows, StructType schema) {
        Path dir = tmp.resolve(name);
        spark.createDataFrame(rows, schema).repartition(2).write().parquet(dir.toString());
        return dir.toString();
    }

    private static StagedInput stage(String path, BlockLoader.Options opt, DataSpec train) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        return ParquetStager.stage(spark, conf, InputFiles.list(conf, "data.train", path), "data.train", path, opt,
                train);
    }

    /** The row path the packs replace: the stager's records, without packs. */
    private static StagedInput rowPath(String path, BlockLoader.Options opt, DataSpec train) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        StagedInput s = ParquetStager.stage(spark, conf, InputFiles.list(conf, "data.train", path), "data.train",
                path, opt, train, false);
        assertNull(s.packs());
        assertNotNull(s.records());
        return s;
    }

    private static List<PackedRows> packsOfRows(JavaRDD<Row> records) {
        return records.mapPartitionsWithIndex((p, it) -> {
            PackedRows pack = new PackedRows(p);
            while (it.hasNext()) pack.add(it.next());
            return List.of(pack.trim()).iterator();
        }, true).collect();
    }

    private static void assertSamePacks(List<PackedRows> want, List<PackedRows> got) {
        assertEquals(want.size(), got.size());
        for (int k = 0; k < want.size(); k++) {
            PackedRows a = want.get(k);
            PackedRows b = got.get(k);
            assertEquals(a.source, b.source);
            assertEquals(a.n, b.n);
            assertArrayEquals(a.file, b.file);
            assertArrayEquals(a.pos, b.pos);
            assertArrayEquals(a.bad, b.bad);
            assertArrayEquals(a.detail, b.detail);
            assertArrayEquals(a.label, b.label);
            for (int i = 0; i < a.n; i++) {
                assertEquals(Double.doubleToRawLongBits(a.weight[i]), Double.doubleToRawLongBits(b.weight[i]));
            }
            assertArrayEquals(a.kind, b.kind);
            assertArrayEquals(a.size, b.size);
            assertArrayEquals(a.start, b.start);
            assertEquals(a.valueCount, b.valueCount);
            for (int v = 0; v < a.valueCount; v++) {
                assertEquals(Double.doubleToRawLongBits(a.value(v)), Double.doubleToRawLongBits(b.value(v)));
            }
            assertArrayEquals(a.indices, b.indices);
            assertEquals(a.smallValues == null, b.smallValues == null);
        }
    }

    /**
     * Both paths on {@code path} with the options {@code o} gives: the same packs; in skip mode the same blocks
     * (and skip counts: some when {@code expectBad}), for training and held-out sets; in fail mode, when
     * {@code expectBad}, the same message naming file and row.
     */
    private static void assertBothPathsAgree(String path, LoaderOptions o, boolean expectBad) {
        // one block in fail mode: the first bad record in row order stops it (with more, whichever task fails first)
        BlockLoader.Options fail = LoaderOptions.from(o.build()).partitions(1).build();
        BlockLoader.Options skip = o.skip().build();
        StagedInput fast = stage(path, skip, null);
        assertNotNull(fast.packs(), "the fast path reads this file");
        assertNull(fast.records(), "the packed path has no records of its own");
        assertSamePacks(packsOfRows(rowPath(path, skip, null).records()), fast.packs().collect());
        fast.packs().unpersist(false);
        TrainingData want = BlockLoader.training(spark, rowPath(path, skip, null), skip);
        TrainingData got = BlockLoader.training(spark, stage(path, skip, null), skip);
        try {
            SameBlocks.assertSameData(want, got);
            assertEquals(expectBad, !got.skipped().isEmpty(), got.skipped().toString());
            // the same file as a held-out set, with training's columns and classes
            DataSpec spec = got.spec();
            TrainingData wantHeld = BlockLoader.heldOut(rowPath(path, skip, spec), skip, spec);
            TrainingData gotHeld = BlockLoader.heldOut(stage(path, skip, spec), skip, spec);
            try {
                SameBlocks.assertSameData(wantHeld, gotHeld);
            } finally {
                wantHeld.release();
                gotHeld.release();
            }
        } finally {
            want.release();
            got.release();
        }
        if (expectBad) {
            InputError a = assertThrows(InputError.class,
                    () -> BlockLoader.training(spark, rowPath(path, fail, null), fail).release());
            InputError b = assertThrows(InputError.class,
                    () -> BlockLoader.training(spark, stage(path, fail, null), fail).release());
            assertEquals(a.getMessage(), b.getMessage());
            assertTrue(b.getMessage().contains(": row "), b.getMessage());
        }
    }

    @Test
    void aVectorColumnOfDenseAndSparseVectorsGivesThePacksAndBlocksOfTheRowPath() {
        String clean = vectorFile("vectors-clean", DataTypes.DoubleType, false);
        assertBothPathsAgree(clean, LoaderOptions.of("parquet", "y").maxClasses(3).weight("w").partitions(3), false);
        assertBothPathsAgree(clean, LoaderOptions.of("parquet", "y").maxClasses(3)
                .precision(Precision.FLOAT32), false);
    }

    @Test
    void nullsNonFiniteValuesAndBadWeightsAreTheRowPathsBadRecordsWithItsMessages() {
        String bad = vectorFile("vectors-bad", DataTypes.DoubleType, true);
        assertBothPathsAgree(bad, LoaderOptions.of("parquet", "y").maxClasses(3).weight("w").partitions(3), true);
        assertBothPathsAgree(bad, LoaderOptions.of("parquet", "y").weight("w"), true);
    }

    @Test
    void labelsOfEveryReadTypeBecomeTheRowPathsLabelText() {
        for (DataType t : List.of(DataTypes.StringType, DataTypes.IntegerType, DataTypes.LongType,
                DataTypes.FloatType, DataTypes.createDecimalType(10, 2))) {
            String path = vectorFile("labels-" + t.typeName().replaceAll("[^a-z0-9]", ""), t, t == DataTypes.IntegerType);
            assertBothPathsAgree(path, LoaderOptions.of("parquet", "y").maxClasses(3).weight("w"),
                    t == DataTypes.IntegerType);
        }
    }

    @Test
    void numericColumnsOfEveryTypeWithNullsAndInfinitiesGiveTheRowPathsBlocks() {
        assertBothPathsAgree(numericFile("numeric-clean", false), LoaderOptions.of("parquet", "y")
                .partitions(2), false);
        assertBothPathsAgree(numericFile("numeric-bad", true), LoaderOptions.of("parquet", "y").maxClasses(2), true);
    }

    @Test
    void theVectorSizeComesFromThePacksAndAHeldOutSetOfAnotherSizeIsRefusedAsBefore() {
        String six = vectorFile("vectors-six", DataTypes.DoubleType, false);
        BlockLoader.Options o = LoaderOptions.of("parquet", "y").maxClasses(3).build();
        StagedInput staged = stage(six, o, null);
        assertEquals(6, staged.numericFeatures());
        TrainingData d = BlockLoader.training(spark, staged, o);
        try {
            assertEquals(6, d.spec().numFeatures());
            String four = tmp.resolve("vectors-four").toString();
            spark.createDataFrame(List.of(RowFactory.create(1.0, Vectors.sparse(4, new int[] {1}, new double[] {2})),
                    RowFactory.create(0.0, Vectors.dense(1, 2, 3, 4))), new StructType(new StructField[] {
                            DataTypes.createStructField("y", DataTypes.DoubleType, true),
                            DataTypes.createStructField("features", SQLDataTypes.VectorType(), true)}))
                    .write().parquet(four);
            InputError e = assertThrows(InputError.class, () -> stage(four, o, d.spec()));
            assertEquals("data.train: '" + four + "' has 4 features; training had 6", e.getMessage());
        } finally {
            d.release();
        }
        assertTrue(spark.sparkContext().getPersistentRDDs().isEmpty(), "the packs' cache is released: "
                + spark.sparkContext().getPersistentRDDs());
    }

    @Test
    void aLabelOfAnotherTypeOrACategoricalColumnKeepsTheRowPath() {
        String path = numericFile("numeric-keep", false);
        assertNull(stage(path, LoaderOptions.of("parquet", "y").categorical("z").build(), null).packs());
        String dated = tmp.resolve("dated").toString();
        spark.sql("SELECT DATE'2026-01-01' + CAST(id % 2 AS INT) AS y, CAST(id AS DOUBLE) AS a FROM range(4)")
                .write().parquet(dated);
        assertNull(stage(dated, LoaderOptions.of("parquet", "y").maxClasses(2).build(), null).packs());
    }
}
