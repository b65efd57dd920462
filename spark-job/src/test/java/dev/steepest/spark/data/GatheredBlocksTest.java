package dev.steepest.spark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.data.Block;
import dev.steepest.core.data.Precision;
import dev.steepest.spark.InputError;
import dev.steepest.spark.LoaderOptions;
import dev.steepest.spark.LocalSparkTest;
import dev.steepest.spark.SparkTestSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local mode's blocks gathered straight from the cached packs ({@link GatheredBlocks}) against the blocks the
 * shuffle delivers ({@link DirectBlocks#spread}, what a cluster runs): CSV, LibSVM and Parquet input, several
 * source files, more blocks than sources and fewer, classification and regression, weights, float32, bad records
 * skipped or failing — the same blocks bit for bit, the same skip counts, the same message. And a block lost after
 * the load is recomputed from the input (through every source, uncached by then) into the same block.
 */
class GatheredBlocksTest extends LocalSparkTest {
    @TempDir
    static Path tmp;

    /** The softmax sample in three files, with bad lines (a missing value, a word, a label no class takes) in two. */
    private static String csvParts(boolean bad) throws IOException {
        List<String> lines = Files.readAllLines(Path.of(SparkTestSupport.sample("softmax.csv")));
        Path dir = tmp.resolve(bad ? "csv-bad" : "csv-clean");
        Files.createDirectories(dir);
        int per = (lines.size() - 1) / 3 + 1;
        for (int f = 0; f < 3; f++) {
            List<String> part = new ArrayList<>(List.of(lines.get(0)));
            part.addAll(lines.subList(1 + f * per, Math.min(lines.size(), 1 + (f + 1) * per)));
            if (bad && f > 0) {
                part.add(7, "1,0.5,,0.25,1.0");
                part.add(40, "2,0.5,abc,0.25,1.0");
                part.add(90, "x,0.5,0.1,0.25,1.0");
            }
            Files.write(dir.resolve("part-" + f + ".csv"), part);
        }
        return dir.toString();
    }

    private static StagedInput stage(String path, BlockLoader.Options opt) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        List<org.apache.hadoop.fs.Path> files = InputFiles.list(conf, "data.train", path);
        return switch (opt.format()) {
            case "csv" -> CsvStager.stage(spark, conf, files, "data.train", path, opt, null);
            case "libsvm" -> LibsvmStager.stage(spark, conf, files, "data.train", path, opt, null);
            default -> ParquetStager.stage(spark, conf, files, "data.train", path, opt, null);
        };
    }

    private static TrainingData load(String path, BlockLoader.Options opt, boolean gather) {
        return DirectBlocks.training(spark, stage(path, opt), opt, gather);
    }

    /** Both ways of building {@code path}'s blocks with {@code opt}: the same blocks; returns the gathered skip count. */
    private static long assertGatherIsShuffle(String path, BlockLoader.Options opt) {
        TrainingData shuffled = load(path, opt, false);
        TrainingData gathered = load(path, opt, true);
        try {
            SameBlocks.assertSameData(shuffled, gathered);
            assertTrue(gathered.numRows() > 0);
            return gathered.skippedRows();
        } finally {
            shuffled.release();
            gathered.release();
        }
    }

    @Test
    void csvFilesGiveTheShuffledBlocksForAnyNumberOfBlocks() throws IOException {
        String clean = csvParts(false);
        for (Integer parts : new Integer[] {null, 1, 2, 7}) {
            assertGatherIsShuffle(clean, LoaderOptions.of("csv", "label").maxClasses(3).partitions(parts).build());
        }
        assertGatherIsShuffle(clean, LoaderOptions.of("csv", "label").partitions(4).build()); // regression
        // x3 as the weight: its negative values are bad records, skipped
        assertTrue(assertGatherIsShuffle(clean, LoaderOptions.of("csv", "label").maxClasses(3).weight("x3")
                .partitions(3).precision(Precision.FLOAT32).skip().build()) > 100);
    }

    @Test
    void skippedBadRecordsAreCountedOnceAndTheRowsAroundThemKeepTheirBlocks() throws IOException {
        String bad = csvParts(true);
        long skipped = assertGatherIsShuffle(bad, LoaderOptions.of("csv", "label").maxClasses(3).partitions(5)
                .skip().build());
        assertEquals(6, skipped); // two files, three bad lines each (the label 'x' is not a number)
        assertEquals(6, assertGatherIsShuffle(bad, LoaderOptions.of("csv", "label").partitions(2).skip().build()));
    }

    @Test
    void inFailModeBothStopAtTheSameRecordWithTheSameMessage() throws IOException {
        String bad = csvParts(true);
        // one block: the first bad record in row order stops it (with more, whichever task fails first)
        BlockLoader.Options fail = LoaderOptions.of("csv", "label").partitions(1).build();
        InputError a = assertThrows(InputError.class, () -> load(bad, fail, false).release());
        InputError b = assertThrows(InputError.class, () -> load(bad, fail, true).release());
        assertEquals(a.getMessage(), b.getMessage());
        assertTrue(b.getMessage().contains("part-1.csv:"), b.getMessage());
    }

    @Test
    void libsvmAndParquetGiveTheShuffledBlocks() {
        String libsvm = SparkTestSupport.sample("logistic.libsvm");
        assertGatherIsShuffle(libsvm, LoaderOptions.of("libsvm", "label").maxClasses(2).partitions(3).build());
        assertGatherIsShuffle(libsvm, LoaderOptions.of("libsvm", "label").partitions(2).build());
        String parquet = SparkTestSupport.sample("linear.parquet");
        assertGatherIsShuffle(parquet, LoaderOptions.of("parquet", "y").partitions(3).build());
        assertGatherIsShuffle(parquet, LoaderOptions.of("parquet", "y").partitions(2).skip()
                .precision(Precision.FLOAT32).build());
    }

    @Test
    void aBlockLostAfterTheLoadIsRecomputedFromTheInputIntoTheSameBlock() throws IOException {
        String clean = csvParts(false);
        for (String format : List.of("csv", "libsvm")) {
            String path = format.equals("csv") ? clean : SparkTestSupport.sample("logistic.libsvm");
            BlockLoader.Options opt = LoaderOptions.of(format, "label").maxClasses(3).partitions(4).build();
            TrainingData d = load(path, opt, true);
            try {
                List<Block> before = d.blocks().collect();
                assertTrue(spark.sparkContext().getPersistentRDDs().size() == 1, "only the blocks stay cached: "
                        + spark.sparkContext().getPersistentRDDs());
                d.blocks().unpersist(true); // the blocks are lost; the packs went when the load ended
                Function<List<Block>, Integer> rows = l -> l.stream().mapToInt(Block::numRows).sum();
                List<Block> after = d.blocks().collect();
                assertEquals(rows.apply(before), rows.apply(after));
                SameBlocks.assertSameBlocks(before, after);
            } finally {
                d.release();
            }
        }
    }
}
