package dev.steepest.spark.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.spark.SparkTestSupport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadProgressTest {
    private static final Pattern LINE = Pattern.compile("loading data\\.train (\\S+): stage (\\d+) \\((.+)\\) "
            + "(\\d+)/(\\d+) tasks(, (\\S+) rows( \\((\\S+) rows/s\\))?)?(, (\\S+) of (\\S+) MiB)?, ETA (\\S+)");

    @TempDir
    Path tmp;

    @Test
    void aLineNamesTheStageItsTasksRowsAndRateWithAnEtaByBytesWhenTheTotalIsKnown() {
        String l = LoadProgress.line("data.train", 12.2, 3, "count at BlockAssembler.java:88", 1, 4, 41_600, 8.0,
                12L << 20, 24L << 20);
        assertEquals("loading data.train 12s: stage 3 (count at BlockAssembler.java:88) 1/4 tasks, 41.6k rows "
                + "(5.2k rows/s), 12.0 of 24.0 MiB, ETA 8s", l);
    }

    @Test
    void withoutAKnownTotalTheEtaIsByTasksOnceOneHasFinishedElseUnknown() {
        assertEquals("loading data.train 6s: stage 2 (cache) 1/4 tasks, 500 rows (100 rows/s), ETA 15s",
                LoadProgress.line("data.train", 6, 2, "cache", 1, 4, 500, 5.0, 0, 0));
        assertEquals("loading data.train 6s: stage 2 (cache) 0/4 tasks, ETA ?",
                LoadProgress.line("data.train", 6, 2, "cache", 0, 4, 0, 5.0, 0, 0));
        // no rows before a task has finished (Spark counts a task's records when it ends), no lambda for a name
        assertEquals("loading data.train 6s: stage 2 0/2 tasks, ETA ?", LoadProgress.line("data.train", 6, 2,
                "$anonfun$withThreadLocalCaptured$2 at CompletableFuture.java:1768", 0, 2, 0, 5.0, 0, 0));
    }

    @Test
    void aSlowSparkLoadGetsLinesWithTheRowsItsFinishedTasksReadAndOneLastLine() throws Exception {
        Path file = tmp.resolve("rows.txt");
        Files.write(file, IntStream.range(0, 8000).mapToObj(Integer::toString).toList());
        SparkSession spark = SparkTestSupport.session("local[2]");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (LoadProgress p = LoadProgress.start(spark.sparkContext(), "data.train", Files.size(file), 0.3,
                new PrintStream(bytes, true, StandardCharsets.UTF_8))) {
            long n = JavaSparkContext.fromSparkContext(spark.sparkContext()).textFile(file.toString(), 8)
                    .mapPartitions(it -> {
                        Thread.sleep(400); // a slow reader: 8 tasks of 0.4 s on 2 cores
                        List<String> rows = new java.util.ArrayList<>();
                        it.forEachRemaining(rows::add);
                        return rows.iterator();
                    }).count();
            assertEquals(8000, n);
        } finally {
            spark.stop();
        }
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertTrue(lines.size() >= 3, "lines: " + lines);
        assertTrue(lines.get(lines.size() - 1).startsWith("loaded data.train in "), lines.toString());
        long lastRows = -1;
        int lastDone = -1;
        for (String l : lines.subList(0, lines.size() - 1)) {
            Matcher m = LINE.matcher(l);
            assertTrue(m.matches(), l);
            assertEquals("8", m.group(5));
            assertTrue(m.group(3).contains("count at"), l);
            int done = Integer.parseInt(m.group(4));
            assertTrue(done >= lastDone, lines.toString());
            lastDone = done;
            String r = m.group(7) == null ? "0" : m.group(7);
            long rows = r.endsWith("k") ? (long) (Double.parseDouble(r.replace("k", "")) * 1000) : Long.parseLong(r);
            assertTrue(rows >= lastRows, lines.toString());
            lastRows = rows;
        }
        assertTrue(lastDone > 0 && lastRows > 0, "no finished task was counted: " + lines);
    }
}
