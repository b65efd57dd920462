package dev.steepest.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.spark.cli.ExitCode;
import dev.steepest.spark.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code regularization.l1} with the settings that would move the run off the L1 optimum whatever the proximal
 * step does (a decoupled decay, centered RMSProp): exit 2, one line naming the key and what works instead.
 */
class L1CombinationsCliTest {
    @TempDir
    Path tmp;

    private Path config(String... extra) throws IOException {
        Path p = tmp.resolve("job.conf");
        Files.writeString(p, String.join("\n",
                "data.train = \"" + SparkTestSupport.sample("logistic.csv") + "\"",
                "model.type = logistic",
                "regularization.l1 = 0.01",
                "train { batch-size = full, max-iterations = 5 }",
                "spark.master = \"local[2]\"",
                "spark.ui.enabled = false") + "\n" + String.join("\n", extra));
        return p;
    }

    private void assertRejected(String expected, String... extra) throws IOException {
        Path out = tmp.resolve("rejected");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"train", "--config", config(extra).toString(), "--out", out.toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(ExitCode.INPUT, code, text);
        String line = text.strip().lines().filter(l -> !l.startsWith("WARNING:")).findFirst().orElse("");
        assertTrue(line.contains(expected), "'" + expected + "' in: " + text);
        assertFalse(text.contains("\tat "), "no stack trace");
        assertFalse(Files.exists(out.resolve("model.json")));
    }

    @Test
    void adamwsDefaultDecoupledDecayWithL1IsRefusedNamingWeightDecay0AndAdam() throws IOException {
        assertRejected("optimizer.weight-decay: adamw's decoupled decay (0.01, its default) does not combine with "
                + "regularization.l1 = 0.01", "optimizer.name = adamw");
        assertRejected("set optimizer.weight-decay = 0, or use regularization.l2 for the elastic net, or "
                + "optimizer.name = adam", "optimizer.name = adamw", "optimizer.weight-decay = 0.1");
    }

    @Test
    void lambsDecayWithL1IsRefused() throws IOException {
        assertRejected("optimizer.weight-decay: lamb's decoupled decay (0.05) does not combine with "
                + "regularization.l1", "optimizer.name = lamb", "optimizer.weight-decay = 0.05");
    }

    @Test
    void decoupledWeightDecayWithL1IsRefusedNamingRegularizationL2() throws IOException {
        assertRejected("regularization.decoupled-weight-decay: does not combine with regularization.l1 = 0.01",
                "optimizer.name = momentum", "regularization.decoupled-weight-decay = 0.001");
        assertRejected("for the elastic net set regularization.l2 instead", "optimizer.name = sgd",
                "regularization.decoupled-weight-decay = 0.001");
    }

    @Test
    void centeredRmspropWithL1IsRefusedNamingTheUncenteredOne() throws IOException {
        assertRejected("optimizer.centered: centered rmsprop does not settle with regularization.l1 = 0.01",
                "optimizer.name = rmsprop", "optimizer.centered = true");
    }
}
