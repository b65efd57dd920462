package dev.steepest.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steepest.spark.cli.ExitCode;
import dev.steepest.spark.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5's input errors through the command line: each is one line naming the key, file and line, exit code 2,
 * no stack trace, and the previous output directory is left exactly as it was. Skip mode end to end.
 */
class InputErrorsCliTest {
    @TempDir
    Path tmp;
    private Path previous;

    private record Run(int code, String out, String err) {
    }

    @BeforeEach
    void previousOutput() throws IOException {
        previous = Files.createDirectories(tmp.resolve("runs/yesterday"));
        Files.writeString(previous.resolve("model.json"), "yesterday's model");
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path file(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private Path config(Path train, String... extra) throws IOException {
        List<String> lines = new ArrayList<>(List.of(
                "data.train = \"" + train + "\"",
                "data.label = y",
                "model.type = linear",
                "optimizer { name = sgd, lr = 0.1 }",
                "train { batch-size = full, epochs = 20 }",
                "spark.master = \"local[2]\"",
                "spark.ui.enabled = false"));
        lines.addAll(List.of(extra));
        Path p = tmp.resolve("job.conf");
        Files.writeString(p, String.join("\n", lines));
        return p;
    }

    /** Runs into the existing output directory with --overwrite: an input error must leave it untouched. */
    private void assertInputError(Path cfg, String... fragments) throws IOException {
        Run r = run("train", "--config", cfg.toString(), "--out", previous.toString(), "--overwrite");
        assertEquals(ExitCode.INPUT, r.code(), r.out() + r.err());
        List<String> lines = new ArrayList<>(r.err().strip().lines().toList());
        lines.removeIf(l -> l.startsWith("WARNING:"));
        assertEquals(1, lines.size(), "one line: " + r.err());
        for (String f : fragments) assertTrue(lines.get(0).contains(f), "'" + f + "' in: " + lines.get(0));
        assertFalse(r.err().contains("\tat "), "no stack trace without --verbose");
        assertEquals("yesterday's model", Files.readString(previous.resolve("model.json")));
        try (var s = Files.list(previous.getParent())) {
            assertEquals(List.of(previous), s.toList(), "no temporary or moved-aside directory is left behind");
        }
    }

    private static final String GOOD = "y,a,b\n1,2,3\n2,3,5\n3,5,8\n4,8,13\n";

    @Test
    void aBadRecordNamesFileLineAndColumn() throws IOException {
        Path train = file("train.csv", "y,a,p17\n1,2,3\n2,3,abc\n");
        assertInputError(config(train), "steepest: error: data.train: " + train + ":3: column 'p17': 'abc' is not a number");
    }

    @Test
    void missingPathAndEmptyDataSets() throws IOException {
        assertInputError(config(tmp.resolve("absent.csv")), "data.train: no such file or directory", "absent.csv");
        assertInputError(config(file("header-only.csv", "y,a,b\n")), "data.train:", "header-only.csv", "has no rows");
        assertInputError(config(file("dirty.csv", "y,a,b\n1,x,3\n2,,3\n"), "data.on-bad-record = skip"),
                "has no rows after skipping 2 bad records");
    }

    @Test
    void missingOrWrongColumns() throws IOException {
        Path train = file("train.csv", GOOD);
        assertInputError(config(train, "data.label = target"), "data.label: no column 'target'", "columns: y, a, b");
        assertInputError(config(train, "data.features = [a, c]"), "data.features: no column 'c'");
        assertInputError(config(train, "data.weight = w"), "data.weight: no column 'w'");
        Path test = file("test.csv", "y,a\n1,2\n");
        assertInputError(config(train, "data.test = \"" + test + "\""), "data.test: no column 'b'", "test.csv");
        assertInputError(config(train, "data.delimiter = \";;\""), "data.delimiter", "one character");
        assertInputError(config(train, "data.categorical = [a]", "data.features = [a]"), "data.features",
                "also the label, the weight, excluded or categorical");
    }

    @Test
    void anUnknownBlasModeIsAnInputError() throws IOException {
        Path cfg = config(file("train.csv", GOOD));
        String before = System.getProperty("steepest.blas");
        System.setProperty("steepest.blas", "fast");
        try {
            assertInputError(cfg, "-Dsteepest.blas must be auto, java or native, not 'fast'");
        } finally {
            if (before == null) System.clearProperty("steepest.blas");
            else System.setProperty("steepest.blas", before);
        }
    }

    @Test
    void batchLargerThanTheDataSet() throws IOException {
        assertInputError(config(file("train.csv", GOOD), "train.batch-size = 10"),
                "train.batch-size: 10 is larger than the data set (4 rows)", "'full'");
    }

    @Test
    void skipModeReportsCountsAndTrainsTheModelOfTheCleanRows() throws IOException {
        StringBuilder clean = new StringBuilder("y,a,b\n");
        StringBuilder dirty = new StringBuilder("y,a,b\n");
        for (int i = 0; i < 60; i++) {
            double a = (i % 10) * 0.3;
            double b = (i % 7) * -0.2;
            String row = (1 + 2 * a - b) + "," + a + "," + b;
            clean.append(row).append('\n');
            dirty.append(row).append('\n');
            if (i % 20 == 5) dirty.append("1,NaN,2\n1,oops,2\n");
        }
        Path cleanOut = tmp.resolve("clean");
        Path dirtyOut = tmp.resolve("dirty");
        Run a = run("train", "--config", config(file("clean.csv", clean.toString())).toString(), "--out",
                cleanOut.toString());
        assertEquals(ExitCode.OK, a.code(), a.err());
        Run b = run("train", "--config", config(file("dirty.csv", dirty.toString()), "data.on-bad-record = skip")
                .toString(), "--out", dirtyOut.toString());
        assertEquals(ExitCode.OK, b.code(), b.err());
        assertTrue(b.out().contains("skipped 6 bad records of "), b.out());
        ObjectMapper json = new ObjectMapper();
        JsonNode bad = json.readTree(dirtyOut.resolve("summary.json").toFile()).get("bad_records").get("train");
        assertEquals(6, bad.get("skipped").asLong());
        assertEquals(3, bad.get("reasons").get("non-finite").asLong());
        assertEquals(3, bad.get("reasons").get("not-a-number").asLong());
        JsonNode m1 = json.readTree(cleanOut.resolve("model.json").toFile());
        JsonNode m2 = json.readTree(dirtyOut.resolve("model.json").toFile());
        assertEquals(m1.get("coefficients"), m2.get("coefficients"));
        assertEquals(m1.get("intercepts"), m2.get("intercepts"));
    }
}
