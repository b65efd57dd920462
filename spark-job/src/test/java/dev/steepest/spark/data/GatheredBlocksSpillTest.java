package dev.steepest.spark.data;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.spark.LoaderOptions;
import dev.steepest.spark.SparkTestSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local mode gathers the blocks only while every pack is in memory: with a storage pool too small for the packs
 * (they spill to disk), each block would read the spilled packs from disk again, so the rows go through the
 * shuffle — the same blocks, and the load says so in its lineage.
 */
class GatheredBlocksSpillTest {
    @TempDir
    static Path tmp;

    /** Three CSV files of 8,000 rows x 12 Gaussian features each: about 2.4 MB of packs, doubles. */
    private static String csv() throws IOException {
        Random r = new Random(11);
        for (int f = 0; f < 3; f++) {
            List<String> lines = new ArrayList<>(List.of("label,x0,x1,x2,x3,x4,x5,x6,x7,x8,x9,x10,x11"));
            for (int i = 0; i < 8000; i++) {
                StringBuilder b = new StringBuilder(Integer.toString(r.nextInt(3)));
                for (int j = 0; j < 12; j++) b.append(String.format(Locale.ROOT, ",%.6f", r.nextGaussian()));
                lines.add(b.toString());
            }
            Files.write(tmp.resolve("part-" + f + ".csv"), lines);
        }
        return tmp.toString();
    }

    private static TrainingData load(SparkSession spark, String path, BlockLoader.Options opt) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        StagedInput staged = CsvStager.stage(spark, conf, InputFiles.list(conf, "data.train", path), "data.train",
                path, opt, null);
        return DirectBlocks.training(spark, staged, opt);
    }

    @Test
    void packsThatSpillToDiskGoThroughTheShuffleAndGiveTheSameBlocks() throws IOException {
        String path = csv();
        BlockLoader.Options opt = LoaderOptions.of("csv", "label").maxClasses(3).partitions(3).build();
        SparkSession roomy = SparkTestSupport.session("local[2]");
        TrainingData gathered;
        List<dev.steepest.core.data.Block> want;
        try {
            gathered = load(roomy, path, opt);
            String lineage = CachedBlocks.lineage(gathered.blocks()).toDebugString();
            assertTrue(lineage.contains("GatheredBlocks"), lineage);
            want = gathered.blocks().collect();
            gathered.release();
        } finally {
            roomy.stop();
        }
        // a storage pool of about 2 MB ((512 MB - 300 MB reserved) x 0.01): the packs spill
        SparkSession tight = SparkTestSupport.session("local[2]", Map.of("spark.testing.memory",
                Long.toString(512L << 20), "spark.memory.fraction", "0.01"));
        try {
            TrainingData shuffled = load(tight, path, opt);
            String lineage = CachedBlocks.lineage(shuffled.blocks()).toDebugString();
            assertFalse(lineage.contains("GatheredBlocks"), lineage);
            assertTrue(lineage.contains("ShuffledRDD"), lineage);
            SameBlocks.assertSameBlocks(want, shuffled.blocks().collect());
            shuffled.release();
        } finally {
            tight.stop();
        }
    }
}
