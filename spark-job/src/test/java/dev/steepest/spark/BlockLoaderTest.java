package dev.steepest.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.data.Block;
import dev.steepest.core.model.Accumulator;
import dev.steepest.core.model.LinearModel;
import dev.steepest.core.train.LocalGradientSource;
import dev.steepest.spark.data.BlockLoader;
import dev.steepest.spark.data.TrainingData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spark's readers into blocks: paths, globs and URIs, formats, partitions, label mapping, input errors. */
class BlockLoaderTest extends LocalSparkTest {

    private static TrainingData load(String path, String format, String label, Integer partitions, boolean classify) {
        return BlockLoader.loadTraining(spark, "data.train", path,
                LoaderOptions.of(format, label).partitions(partitions).binary(classify).build());
    }

    private static double[] fullGradient(TrainingData data) {
        List<Block> blocks = data.blocks().collect();
        LinearModel model = LinearModel.linearRegression(data.spec().numFeatures(), true);
        double[] params = {0.3, -0.2, 0.1, 0.05, -0.4, 0.7};
        Accumulator a = new LocalGradientSource(blocks, model).computeAll(params);
        double[] g = a.meanGradient();
        double[] out = new double[g.length + 1];
        System.arraycopy(g, 0, out, 0, g.length);
        out[g.length] = a.meanLoss();
        return out;
    }

    @Test
    void csvParquetAndFileUriGiveTheSameRowsAndGradient() {
        TrainingData csv = load(SparkTestSupport.sample("linear.csv"), "csv", "y", 3, false);
        TrainingData parquet = load(SparkTestSupport.sample("linear.parquet"), "parquet", "y", 2, false);
        TrainingData uri = load(Paths.get(SparkTestSupport.sample("linear.csv")).toUri().toString(), "csv", "y",
                null, false);
        try {
            assertEquals(1000, csv.numRows());
            assertEquals(3, csv.partitionSizes().length);
            assertEquals(1000, parquet.numRows());
            assertEquals(1000, uri.numRows());
            assertEquals(List.of("x0", "x1", "x2", "x3", "x4"), csv.spec().featureNames());
            assertEquals(csv.spec().featureNames(), parquet.spec().featureNames());
            double[] a = fullGradient(csv);
            double[] b = fullGradient(parquet);
            double[] c = fullGradient(uri);
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-12 * Math.max(1, Math.abs(a[i])));
                assertEquals(a[i], c[i], 1e-12 * Math.max(1, Math.abs(a[i])));
            }
            // blocks: dense, one per partition, every row once
            long rows = 0;
            for (Block block : csv.blocks().collect()) {
                assertTrue(!block.isSparse());
                rows += block.numRows();
            }
            assertEquals(1000, rows);
        } finally {
            csv.release();
            parquet.release();
            uri.release();
        }
    }

    @Test
    void globsReadEveryMatchingFile() {
        TrainingData both = load(SparkTestSupport.sample("logistic*.csv"), "csv", "label", null, true);
        try {
            assertEquals(2500, both.numRows());
        } finally {
            both.release();
        }
    }

    @Test
    void libsvmGivesSparseBlocks() {
        TrainingData d = BlockLoader.loadTraining(spark, "data.train", SparkTestSupport.sample("logistic.libsvm"),
                LoaderOptions.of("libsvm", "label").partitions(2).binary(true).build());
        try {
            assertEquals(2000, d.numRows());
            assertEquals(4, d.spec().numFeatures());
            for (Block b : d.blocks().collect()) assertTrue(b.isSparse());
        } finally {
            d.release();
        }
    }

    @Test
    void binaryLabelsAreMappedToClassIndicesAndUnseenOrExtraLabelsAreInputErrors(@TempDir Path dir)
            throws IOException {
        Path csv = dir.resolve("pm.csv");
        Files.writeString(csv, "label,a,b\n-1,1.0,2.0\n1,0.5,1.0\n1,0.1,0.2\n-1,3.0,1.0\n");
        TrainingData d = load(csv.toString(), "csv", "label", 2, true);
        try {
            assertArrayEquals(new double[] {-1, 1}, d.spec().classes());
            double[] labels = d.blocks().collect().stream().flatMapToDouble(b -> java.util.Arrays.stream(b.labels()))
                    .sorted().toArray();
            assertArrayEquals(new double[] {0, 0, 1, 1}, labels);

            Path test = dir.resolve("unseen.csv");
            Files.writeString(test, "label,a,b\n-1,1.0,2.0\n7,0.5,1.0\n");
            InputError e = assertThrows(InputError.class, () -> BlockLoader.loadHeldOut(spark, "data.test",
                    test.toString(), LoaderOptions.of("csv", "label").binary(true).build(), d.spec()));
            assertTrue(e.getMessage().contains("label 7"), e.getMessage());
            assertTrue(e.getMessage().contains("data.test"), e.getMessage());
        } finally {
            d.release();
        }

        Path three = dir.resolve("three.csv");
        Files.writeString(three, "label,a\n0,1\n1,2\n2,3\n");
        InputError e = assertThrows(InputError.class, () -> load(three.toString(), "csv", "label", 1, true));
        assertTrue(e.getMessage().contains("exactly 2 classes"), e.getMessage());
    }

    @Test
    void stringLabelsMapToSortedClassIndicesAndUnseenOnesAreNamed(@TempDir Path dir) throws IOException {
        Path train = dir.resolve("animals.csv");
        Files.writeString(train, "kind,a,b\ncat,1.0,2.0\ndog,0.5,1.0\nbird,0.1,0.2\ncat,3.0,1.0\ndog,2.0,2.0\n");
        TrainingData d = BlockLoader.loadTraining(spark, "data.train", train.toString(),
                LoaderOptions.of("csv", "kind").partitions(2).maxClasses(10).build());
        try {
            assertArrayEquals(new String[] {"bird", "cat", "dog"}, d.spec().labelNames());
            assertArrayEquals(new double[] {0, 1, 2}, d.spec().classes());
            double[] labels = d.blocks().collect().stream().flatMapToDouble(b -> java.util.Arrays.stream(b.labels()))
                    .sorted().toArray();
            assertArrayEquals(new double[] {0, 1, 1, 2, 2}, labels);

            Path test = dir.resolve("zoo.csv");
            Files.writeString(test, "kind,a,b\ncat,1.0,2.0\nyak,0.5,1.0\n");
            InputError e = assertThrows(InputError.class, () -> BlockLoader.loadHeldOut(spark, "data.test",
                    test.toString(), LoaderOptions.of("csv", "kind").maxClasses(10).build(), d.spec()));
            assertTrue(e.getMessage().contains("label 'yak'") && e.getMessage().contains("bird, cat, dog"),
                    e.getMessage());
        } finally {
            d.release();
        }
        // a binary classifier with three string labels, and a regression on a string label, are input errors
        InputError binary = assertThrows(InputError.class, () -> BlockLoader.loadTraining(spark, "data.train",
                train.toString(), LoaderOptions.of("csv", "kind").partitions(1).binary(true).build()));
        assertTrue(binary.getMessage().contains("exactly 2 classes"), binary.getMessage());
        InputError regression = assertThrows(InputError.class, () -> BlockLoader.loadTraining(spark, "data.train",
                train.toString(), LoaderOptions.of("csv", "kind").partitions(1).build()));
        assertTrue(regression.getMessage().matches("data\\.train: .*animals\\.csv:2: column 'kind': 'cat' is not a number"),
                regression.getMessage());
    }

    @Test
    void missingColumnsAndNonNumericFeaturesAreInputErrors(@TempDir Path dir) throws IOException {
        InputError e = assertThrows(InputError.class,
                () -> load(SparkTestSupport.sample("linear.csv"), "csv", "target", 1, false));
        assertTrue(e.getMessage().contains("data.label: no column 'target'"), e.getMessage());
        Path words = dir.resolve("words.csv");
        Files.writeString(words, "y,a,b\n1.0,2.0,red\n2.0,3.0,blue\n");
        e = assertThrows(InputError.class, () -> load(words.toString(), "csv", "y", 1, false));
        assertTrue(e.getMessage().endsWith("words.csv:2: column 'b': 'red' is not a number"), e.getMessage());
        Path empty = dir.resolve("blank.csv");
        Files.writeString(empty, "y,a\n1.0,\n2.0,3.0\n");
        e = assertThrows(InputError.class, () -> load(empty.toString(), "csv", "y", 1, false));
        assertTrue(e.getMessage().contains("column 'a'"), e.getMessage());
    }
}
