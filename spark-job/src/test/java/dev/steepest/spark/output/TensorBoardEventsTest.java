package dev.steepest.spark.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steepest.spark.SparkTestSupport;
import dev.steepest.spark.SparkTestSupport.CliRun;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.SessionLog;
import org.tensorflow.proto.Summary;

/**
 * {@code train.tensorboard-dir}: the event files a run writes hold, in TensorBoard's framing and messages, every
 * scalar metrics.jsonl holds at the same steps; a resumed run's file makes TensorBoard drop the interrupted run's
 * steps after the checkpoint, so the two files read as the uninterrupted run.
 */
public class TensorBoardEventsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static CliRun cli(String... args) {
        return SparkTestSupport.cli(args);
    }

    private Path config() throws IOException {
        Path c = tmp.resolve("logistic.conf");
        Files.writeString(c, String.join("\n",
                "data.train = \"" + SparkTestSupport.sample("logistic.csv") + "\"",
                "data.label = label", "model.type = logistic", "train.seed = 42", "data.validation-fraction = 0.2",
                "optimizer { name = adam, lr = 0.02 }", "train.batch-size = 64", "train.epochs = 3",
                "spark.master = \"local[2]\"", "spark.ui.enabled = false", ""));
        return c;
    }

    /** Reads one event file as TensorBoard does: TFRecords whose length and data checksums must both hold. */
    public static List<Event> read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<Event> events = new ArrayList<>();
        while (b.hasRemaining()) {
            byte[] len = new byte[8];
            b.get(len);
            long n = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertEquals(TensorBoardWriter.maskedCrc(len, 0, 8), b.getInt(), "length checksum of record " + events.size());
            byte[] data = new byte[(int) n];
            b.get(data);
            assertEquals(TensorBoardWriter.maskedCrc(data, 0, data.length), b.getInt(),
                    "data checksum of record " + events.size());
            events.add(Event.parseFrom(data));
        }
        return events;
    }

    /** (step, value) of every scalar with this tag, in file order. */
    public static List<double[]> scalars(List<Event> events, String tag) {
        List<double[]> out = new ArrayList<>();
        for (Event e : events) {
            for (Summary.Value v : e.getSummary().getValueList()) {
                if (v.getTag().equals(tag)) out.add(new double[] {e.getStep(), v.getSimpleValue()});
            }
        }
        return out;
    }

    private static List<double[]> fromMetrics(Path run, String kind, String... field) throws IOException {
        List<double[]> out = new ArrayList<>();
        for (String l : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode n = JSON.readTree(l);
            if (!kind.equals(n.path("kind").asText())) continue;
            JsonNode v = n;
            for (String f : field) v = v.path(f);
            out.add(new double[] {n.path("iteration").asLong(), (float) v.doubleValue()});
        }
        return out;
    }

    private static void assertSameSeries(List<double[]> expected, List<double[]> actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": number of points");
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(Arrays.equals(expected.get(i), actual.get(i)), what + " point " + i + ": expected "
                    + Arrays.toString(expected.get(i)) + ", got " + Arrays.toString(actual.get(i)));
        }
    }

    public static List<Path> eventFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).sorted().toList();
        }
    }

    @Test
    void theChecksumIsTfRecordsMaskedCrc32c() {
        // CRC32C("123456789") = 0xE3069283 (the standard check value); TFRecord masks it: rotate right 15, add
        // 0xa282ead8
        int crc = 0xE3069283;
        assertEquals(((crc >>> 15) | (crc << 17)) + 0xa282ead8,
                TensorBoardWriter.maskedCrc("123456789".getBytes(StandardCharsets.US_ASCII), 0, 9));
    }

    @Test
    void aRunWritesEveryStepAndEpochScalarOfItsMetricsAsTensorBoardEvents() throws Exception {
        Path run = tmp.resolve("run");
        Path tb = tmp.resolve("tb");
        CliRun r = cli("train", "--config", config().toString(), "--out", run.toString(),
                "--set", "train.tensorboard-dir=" + tb);
        assertEquals(0, r.code(), r.err());
        List<Path> files = eventFiles(tb);
        assertEquals(1, files.size(), files.toString());
        JsonNode summary = JSON.readTree(run.resolve("summary.json").toFile());
        assertEquals(files.get(0).toString(), summary.path("tensorboard_events").asText());
        assertTrue(r.out().contains("tensorboard events: " + files.get(0)), r.out());

        List<Event> events = read(files.get(0));
        assertEquals("brain.Event:2", events.get(0).getFileVersion());
        assertSameSeries(fromMetrics(run, "step", "loss"), scalars(events, "train/loss"), "train/loss");
        assertSameSeries(fromMetrics(run, "step", "lr"), scalars(events, "train/lr"), "train/lr");
        assertSameSeries(fromMetrics(run, "step", "gradient_norm"), scalars(events, "train/gradient_norm"),
                "train/gradient_norm");
        assertSameSeries(fromMetrics(run, "step", "group_gradient_norms", "coefficients"),
                scalars(events, "gradient_norm/coefficients"), "gradient_norm/coefficients");
        assertSameSeries(fromMetrics(run, "epoch", "loss"), scalars(events, "epoch/loss"), "epoch/loss");
        assertSameSeries(fromMetrics(run, "epoch", "validation", "loss"), scalars(events, "validation/loss"),
                "validation/loss");
        assertSameSeries(fromMetrics(run, "epoch", "validation", "accuracy"), scalars(events, "validation/accuracy"),
                "validation/accuracy");
        assertEquals(3, scalars(events, "validation/accuracy").size());
        long steps = summary.path("iterations").asLong();
        assertEquals(steps, scalars(events, "train/loss").size());
        assertEquals(steps - 1, scalars(events, "train/samples_per_second").size(), "from the second step on");
    }

    @Test
    void aResumedRunsEventsThroughAHadoopUriReadAsTheUninterruptedRun() throws Exception {
        Path tb = tmp.resolve("tb-uri");
        String uri = tb.toUri().toString(); // file:///...: through Hadoop's FileSystem
        assertTrue(uri.startsWith("file:/"), uri);
        Path full = tmp.resolve("full");
        CliRun r = cli("train", "--config", config().toString(), "--out", full.toString(), "--set",
                "train.tensorboard-dir=" + uri, "--set", "train.checkpoint.every=5 steps", "--set",
                "train.checkpoint.keep=100");
        assertEquals(0, r.code(), r.err());
        Path checkpoint;
        try (Stream<Path> s = Files.list(full.resolve("checkpoints"))) {
            checkpoint = s.filter(p -> p.getFileName().toString().equals("step-000000000010")).findFirst()
                    .orElseThrow();
        }
        CliRun rr = cli("train", "--resume", checkpoint.toString(), "--out", tmp.resolve("resumed").toString());
        assertEquals(0, rr.code(), rr.err());

        List<Path> files = eventFiles(tb);
        assertEquals(2, files.size(), files.toString());
        // the resumed run's file is the one with a restart (names sort by the second they were opened in)
        boolean swapped = read(files.get(0)).get(1).hasSessionLog();
        List<Event> first = read(files.get(swapped ? 1 : 0));
        List<Event> second = read(files.get(swapped ? 0 : 1));
        assertFalse(first.get(1).hasSessionLog(), "the first run's file has no restart");
        Event start = second.get(1);
        assertEquals(SessionLog.SessionStatus.START, start.getSessionLog().getStatus());
        assertEquals(11, start.getStep(), "TensorBoard drops the steps from 11 on of the files before");

        // what TensorBoard shows: the first file's points before step 11, then the resumed file's: the whole run
        List<double[]> shown = new ArrayList<>();
        for (double[] p : scalars(first, "train/loss")) if (p[0] < 11) shown.add(p);
        shown.addAll(scalars(second, "train/loss"));
        assertSameSeries(scalars(first, "train/loss"), shown, "train/loss as TensorBoard shows it");
        assertSameSeries(fromMetrics(full, "epoch", "validation", "loss"),
                Stream.concat(scalars(first, "validation/loss").stream().filter(p -> p[0] < 11),
                        scalars(second, "validation/loss").stream()).toList(), "validation/loss");
    }

    @Test
    void aTensorBoardDirectoryThatCannotBeWrittenExitsTwoWithOneLineNamingTheKey() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "not a directory");
        CliRun r = cli("train", "--config", config().toString(), "--out", tmp.resolve("run").toString(),
                "--set", "train.tensorboard-dir=" + file.resolve("tb"));
        assertEquals(2, r.code(), r.err());
        List<String> lines = r.err().lines().filter(l -> l.startsWith("steepest: error")).toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).contains("train.tensorboard-dir: cannot write " + file.resolve("tb")), r.err());
        assertFalse(Files.exists(tmp.resolve("run").resolve("model.json")));
    }
}
