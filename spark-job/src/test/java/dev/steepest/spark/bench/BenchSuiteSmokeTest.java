package dev.steepest.spark.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark suite in quick mode (tiny synthetic data, one repeat), so that it cannot rot: every row B1-B6
 * is in the table with finite numbers, except B5's PyTorch anchor, which may be skipped with a note when
 * python3-torch is not installed.
 */
class BenchSuiteSmokeTest {
    @TempDir
    Path work;

    @Test
    void quickRunPrintsEveryRowWithFiniteNumbers() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long t0 = System.nanoTime();
        String table = BenchSuite.run(new String[] {"--quick", "--rows", "2000", "--work", work.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(table, out.toString(StandardCharsets.UTF_8));
        List<String[]> rows = new ArrayList<>();
        for (String line : table.split("\n")) {
            if (line.matches("\\| B[1-7] \\|.*")) rows.add(line.split("\\|"));
        }
        // B1 x2 (time to accuracy; lbfgs to Spark ML's objective), B2 x2 (batch 1024, 128), B3 x6 (dense and sparse: large and full batch, and the training loop on a
        // plain pool at the large batch), B4, B5 x2 (128, 1024),
        // B6 x4 (dense and sparse, float64 and float32), B7 x2 (CSV and Parquet loads)
        List<String> ids = rows.stream().map(r -> r[1].trim()).toList();
        for (String id : List.of("B1", "B2", "B3", "B4", "B5", "B6", "B7")) assertTrue(ids.contains(id), id + " in\n" + table);
        assertEquals(19, rows.size(), table);
        for (String[] r : rows) {
            String id = r[1].trim();
            double ours = parse(r[3]);
            assertTrue(Double.isFinite(ours) && ours > 0, "ours of " + id + ": " + r[3]);
            if (id.equals("B5") && r[4].contains("skipped")) {
                assertTrue(r[4].contains("python3-torch"), r[4]);
                continue;
            }
            double anchor = parse(r[4]);
            double ratio = parse(r[6]);
            assertTrue(Double.isFinite(anchor) && anchor > 0, "anchor of " + id + ": " + r[4]);
            assertTrue(Double.isFinite(ratio) && ratio > 0, "ratio of " + id + ": " + r[6]);
        }
        assertTrue(table.contains("peak RSS"), table);
        // the default step mode on local[2] with two partitions: the rows ran with resident step tasks
        assertTrue(table.contains("steps: resident tasks"), table);
        assertTrue(seconds < 60, "quick mode took " + seconds + " s");
    }

    private static double parse(String cell) {
        try {
            return Double.parseDouble(cell.trim().replace(",", ""));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
