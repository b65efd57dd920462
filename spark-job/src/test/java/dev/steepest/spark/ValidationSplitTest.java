package dev.steepest.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.data.Block;
import dev.steepest.spark.data.BlockLoader;
import dev.steepest.spark.data.TrainingData;
import dev.steepest.spark.data.ValidationSplit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** data.validation-fraction on Spark: exact stratified counts, deterministic, validation rows not trained on. */
class ValidationSplitTest extends LocalSparkTest {

    private static TrainingData load(String sample, String label, boolean classify) {
        return BlockLoader.loadTraining(spark, "data.train", SparkTestSupport.sample(sample),
                LoaderOptions.of("csv", label).partitions(3).maxClasses(classify ? 10 : 0).build());
    }

    /** Each row as text (features, label, weight), per partition. */
    private static List<List<String>> rows(TrainingData d) {
        List<List<String>> out = new ArrayList<>();
        for (Block b : d.blocks().collect()) {
            List<String> rows = new ArrayList<>();
            for (int i = 0; i < b.numRows(); i++) {
                StringBuilder s = new StringBuilder();
                for (int j = 0; j < b.numFeatures(); j++) s.append(b.feature(i, j)).append(',');
                rows.add(s.append(b.label(i)).append(',').append(b.weight(i)).toString());
            }
            out.add(rows);
        }
        return out;
    }

    private static long[] classCounts(TrainingData d, int k) {
        long[] c = new long[k];
        for (Block b : d.blocks().collect()) for (int i = 0; i < b.numRows(); i++) c[(int) b.label(i)]++;
        return c;
    }

    @Test
    void stratifiedCountsAreExactPerClassAndTheRowsArePartitionedDisjointly() {
        TrainingData all = load("softmax.csv", "label", true);
        List<List<String>> before = rows(all);
        long[] perClass = classCounts(all, 3);
        long n = all.numRows();
        ValidationSplit.Parts parts = ValidationSplit.split(all, 0.2, 42, 3, true);
        try {
            long[] val = classCounts(parts.validation(), 3);
            long[] train = classCounts(parts.train(), 3);
            assertEquals(Math.round(0.2 * n), parts.validation().numRows());
            assertEquals(n, parts.train().numRows() + parts.validation().numRows(), "train + validation = n");
            for (int c = 0; c < 3; c++) {
                assertEquals(perClass[c], val[c] + train[c]);
                // each class keeps its share to within one row (exact largest-remainder counts)
                assertTrue(Math.abs(val[c] - 0.2 * perClass[c]) < 1.0, "class " + c + ": " + val[c] + " of "
                        + perClass[c]);
            }
            // per partition, the two parts are exactly the original rows (same multiset, disjoint)
            List<List<String>> t = rows(parts.train());
            List<List<String>> v = rows(parts.validation());
            for (int p = 0; p < before.size(); p++) {
                List<String> joined = new ArrayList<>(t.get(p));
                joined.addAll(v.get(p));
                List<String> original = new ArrayList<>(before.get(p));
                Collections.sort(joined);
                Collections.sort(original);
                assertEquals(original, joined, "partition " + p);
            }
            assertEquals(parts.train().partitionSizes().length, 3);

            // the same seed and partitioning give the same split; another seed another one
            ValidationSplit.Parts again = ValidationSplit.split(load("softmax.csv", "label", true), 0.2, 42, 3, true);
            ValidationSplit.Parts other = ValidationSplit.split(load("softmax.csv", "label", true), 0.2, 43, 3, true);
            assertEquals(v, rows(again.validation()));
            assertTrue(!v.equals(rows(other.validation())));
            again.train().release();
            again.validation().release();
            other.train().release();
            other.validation().release();
        } finally {
            parts.train().release();
            parts.validation().release();
        }
    }

    @Test
    void regressionIsAPlainSeededSplitAndEmptyPartsAreInputErrors() {
        ValidationSplit.Parts parts = ValidationSplit.split(load("linear.csv", "y", false), 0.25, 7, 1, false);
        assertEquals(250, parts.validation().numRows());
        assertEquals(750, parts.train().numRows());
        parts.train().release();
        parts.validation().release();
        InputError e = assertThrows(InputError.class,
                () -> ValidationSplit.split(load("linear.csv", "y", false), 1e-4, 7, 1, false));
        assertTrue(e.getMessage().startsWith("data.validation-fraction: "), e.getMessage());
        assertTrue(e.getMessage().contains("no validation rows"), e.getMessage());
    }
}
