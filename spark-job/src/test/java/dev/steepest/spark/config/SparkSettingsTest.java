package dev.steepest.spark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spark settings are flat names that pass to Spark exactly as written; their secrets are never echoed. */
class SparkSettingsTest {
    private static final String BASE = "data.train = a.csv\nmodel.type = linear\n";

    @Test
    void aSettingAndASettingNamedAfterItBothReachSparkFromTheCommandLine(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("j.conf");
        Files.writeString(f, BASE);
        JobConfig c = ConfigLoader.load(f.toFile(), List.of("spark.authenticate=true",
                "spark.authenticate.secret=xyz", "spark.speculation=false", "spark.speculation.multiplier=1.50"));
        Map<String, String> s = c.sparkSettings();
        assertEquals("true", s.get("spark.authenticate"));
        assertEquals("xyz", s.get("spark.authenticate.secret"));
        assertEquals("false", s.get("spark.speculation"));
        assertEquals("1.50", s.get("spark.speculation.multiplier"), "the value exactly as written");
    }

    @Test
    void aSettingAndASettingNamedAfterItBothReachSparkFromTheConfigFileInEitherOrder(@TempDir Path dir)
            throws IOException {
        Path f = dir.resolve("j.conf");
        Files.writeString(f, BASE + "spark.authenticate = true\nspark.authenticate.secret = \"x y\"\n"
                + "spark.ssl.enabled = false\nspark.ssl = 1   # a comment\n"
                + "spark.eventLog.dir = hdfs://nn:8020/logs\nspark.executor.memory = 2g\n"
                + "spark.app.name = ${model.type}-run\n"
                + "spark { sql.shuffle.partitions = 8 }\n");
        JobConfig c = ConfigLoader.load(f.toFile(), List.of());
        Map<String, String> s = c.sparkSettings();
        assertEquals("true", s.get("spark.authenticate"));
        assertEquals("x y", s.get("spark.authenticate.secret"));
        assertEquals("false", s.get("spark.ssl.enabled"));
        assertEquals("1", s.get("spark.ssl"));
        assertEquals("hdfs://nn:8020/logs", s.get("spark.eventLog.dir"), "an unquoted URI is not cut at //");
        assertEquals("2g", s.get("spark.executor.memory"));
        assertEquals("linear-run", s.get("spark.app.name"), "substitutions resolve");
        assertEquals("8", s.get("spark.sql.shuffle.partitions"), "a spark { } block still works");
    }

    @Test
    void setOverridesAFileSettingAndNullUnsetsIt(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("j.conf");
        Files.writeString(f, BASE + "spark.executor.memory = 2g\nspark.executor.cores = 2\nspark.master = \"local[1]\"\n");
        JobConfig c = ConfigLoader.load(f.toFile(), List.of("spark.executor.memory=4g", "spark.executor.cores=null",
                "spark.master=local[3]"));
        assertEquals("4g", c.sparkSettings().get("spark.executor.memory"));
        assertFalse(c.sparkSettings().containsKey("spark.executor.cores"));
        assertEquals("local[3]", c.string("spark.master"), "spark.master is still a checked steepest key");
        assertFalse(c.sparkSettings().containsKey("spark.master"));
    }

    @Test
    void secretsAreRedactedInTheEchoedConfigAsSparkRedactsThem(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("j.conf");
        Files.writeString(f, BASE + "spark.hadoop.fs.s3a.secret.key = s3cr3t\n");
        JobConfig c = ConfigLoader.load(f.toFile(), List.of("spark.authenticate.secret=xyz",
                "spark.hadoop.fs.s3a.access.key=AKIA", "spark.ssl.keyPassword=pw", "spark.executor.memory=2g",
                "spark.some.url=https://u:token123@host"));
        Map<String, Object> r = c.resolved();
        assertEquals(Redaction.REPLACEMENT, r.get("spark.authenticate.secret"));
        assertEquals(Redaction.REPLACEMENT, r.get("spark.hadoop.fs.s3a.secret.key"));
        assertEquals(Redaction.REPLACEMENT, r.get("spark.hadoop.fs.s3a.access.key"));
        assertEquals(Redaction.REPLACEMENT, r.get("spark.ssl.keyPassword"));
        assertEquals(Redaction.REPLACEMENT, r.get("spark.some.url"), "a value that matches is hidden too");
        assertEquals("2g", r.get("spark.executor.memory"));
        assertEquals("xyz", c.sparkSettings().get("spark.authenticate.secret"), "Spark itself gets the secret");
        assertFalse(r.toString().contains("xyz") || r.toString().contains("s3cr3t") || r.toString().contains("AKIA"));
    }

    @Test
    void theConfigsRedactionRegexIsUsedAsSparkUsesIt(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("j.conf");
        Files.writeString(f, BASE + "spark.redaction.regex = \"(?i)memory\"\n");
        JobConfig c = ConfigLoader.load(f.toFile(), List.of("spark.executor.memory=2g", "spark.my.secret=x"));
        assertEquals(Redaction.REPLACEMENT, c.resolved().get("spark.executor.memory"));
        assertEquals("x", c.resolved().get("spark.my.secret"), "Spark's own regex replaced, as in Spark");
        assertTrue(ConfigLoader.load(f.toFile(), List.of()).resolved().containsKey("spark.redaction.regex"));
    }
}
