package dev.steepest.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steepest.spark.cli.ExitCode;
import dev.steepest.spark.cli.Main;
import dev.steepest.spark.ml.SteepestClassificationModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code steepest predict} and {@code steepest evaluate} on a model the CLI trained: evaluate gives the run's own
 * test metrics, predict writes what the run's Spark ML model predicts, and each input error exits 2 in one line.
 */
class ScoringCliTest {
    @TempDir
    static Path tmp;
    static Path runDir;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @BeforeAll
    static void trainOnce() {
        runDir = tmp.resolve("run");
        Run r = run("train", "--config", SparkTestSupport.repoRoot().resolve("conf/logistic-csv.conf").toString(),
                "--set", "data.train=" + SparkTestSupport.sample("logistic.csv"),
                "--set", "data.test=" + SparkTestSupport.sample("logistic-test.csv"),
                "--set", "train.epochs=3", "--set", "spark.ui.enabled=false", "--out", runDir.toString());
        assertEquals(ExitCode.OK, r.code(), r.err());
    }

    @Test
    void evaluateOnTheRunsTestSetGivesItsSummaryTestMetricsOnStdoutAndInAFile() throws Exception {
        Path file = tmp.resolve("eval.json");
        Run r = run("evaluate", "--model", runDir.toString(), "--data", SparkTestSupport.sample("logistic-test.csv"),
                "--out", file.toString());
        assertEquals(ExitCode.OK, r.code(), r.err());
        ObjectMapper json = new ObjectMapper();
        JsonNode printed = json.readTree(r.out().substring(r.out().indexOf("\n{") + 1)); // the metrics end stdout
        JsonNode written = json.readTree(file.toFile());
        JsonNode test = json.readTree(runDir.resolve("summary.json").toFile()).get("test");
        assertEquals(printed, written);
        assertEquals(test.get("rows"), printed.get("rows"));
        assertEquals(test.get("confusion_matrix"), printed.get("confusion_matrix"));
        for (String k : List.of("accuracy", "log_loss", "macro_f1", "auc")) {
            // training evaluated in the standardized space, evaluate in the original one: the same up to rounding
            assertEquals(test.get(k).asDouble(), printed.get(k).asDouble(), 1e-9 * Math.abs(test.get(k).asDouble()), k);
        }
    }

    @Test
    void predictWritesWhatTheRunsSparkModelPredictsWithTheKeptColumns() throws Exception {
        Path out = tmp.resolve("pred");
        Run r = run("predict", "--model", runDir.toString(), "--data", SparkTestSupport.sample("logistic-test.csv"),
                "--out", out.toString());
        assertEquals(ExitCode.OK, r.code(), r.err());
        SparkSession spark = SparkTestSupport.session("local[2]");
        try {
            Dataset<Row> written = spark.read().parquet(out.toString());
            assertEquals(List.of("label", "prediction", "probability_0.0", "probability_1.0"),
                    List.of(written.columns()));
            SteepestClassificationModel model = SteepestClassificationModel.load(runDir.resolve("spark-model").toString());
            Dataset<Row> test = spark.read().option("header", true).option("inferSchema", true)
                    .csv(SparkTestSupport.sample("logistic-test.csv"));
            List<Row> expected = model.transform(new VectorAssembler().setInputCols(new String[] {"x0", "x1", "x2", "x3"})
                    .setOutputCol("features").transform(test)).select("probability", "prediction").collectAsList();
            List<Row> got = written.collectAsList();
            assertEquals(expected.size(), got.size());
            for (int i = 0; i < got.size(); i++) {
                Vector p = expected.get(i).getAs(0);
                assertEquals(p.apply(1), got.get(i).getDouble(3), 0.0);
                assertEquals(p.apply(0), got.get(i).getDouble(2), 0.0);
                assertEquals(expected.get(i).getDouble(1), got.get(i).getDouble(1));
            }
        } finally {
            spark.stop();
        }
    }

    @Test
    void eachScoringInputErrorExitsTwoInOneLine() throws Exception {
        Path fewer = tmp.resolve("fewer.csv");
        Files.writeString(fewer, "label,x0,x1\n0,1,2\n1,2,3\n");
        assertOneLineError(run("predict", "--model", runDir.toString(), "--data", fewer.toString(),
                "--out", tmp.resolve("p1").toString()), "no column 'x2'");
        Path unseen = tmp.resolve("unseen.csv");
        Files.writeString(unseen, "label,x0,x1,x2,x3\n0,1,2,3,4\n7,2,3,4,5\n");
        assertOneLineError(run("evaluate", "--model", runDir.toString(), "--data", unseen.toString(),
                "--out", tmp.resolve("e1.json").toString()), "7");
        Path empty = Files.createDirectories(tmp.resolve("not-a-model"));
        assertOneLineError(run("predict", "--model", empty.toString(), "--data", fewer.toString()),
                "not a steepest model");
        Path other = Files.createDirectories(tmp.resolve("other-version"));
        Files.writeString(other.resolve("model.json"), Files.readString(runDir.resolve("model.json"))
                .replace("\"format_version\" : 1", "\"format_version\" : 99"));
        assertOneLineError(run("evaluate", "--model", other.toString(), "--data", fewer.toString()),
                "format_version 99 is not supported");
        assertOneLineError(run("predict", "--model", runDir.toString(), "--data", fewer.toString(), "--set",
                "model.type=linear"), "only data.* keys");
    }

    private static void assertOneLineError(Run r, String fragment) {
        assertEquals(ExitCode.INPUT, r.code(), r.err());
        List<String> lines = r.err().strip().lines().filter(l -> !l.startsWith("WARNING:")).toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith("steepest: error: ") && lines.get(0).contains(fragment), lines.get(0));
    }
}
