package dev.steepest.spark.config;

import dev.steepest.spark.spec.TrainingSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.steepest.core.train.TrainingLoop;
import dev.steepest.core.train.TrainingPlan;
import dev.steepest.core.train.TrainingSettings;
import dev.steepest.spark.SparkTestSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every config in {@code conf/} loads and validates as the CLI loads it (the README and docs/BENCHMARKS.md tell
 * users to run them), and the Fashion-MNIST configs resolve to the settings the docs report results for.
 */
class ShippedConfigsTest {
    private static final Path CONF = SparkTestSupport.repoRoot().resolve("conf");

    private static JobConfig load(String name, String... overrides) {
        return ConfigLoader.load(CONF.resolve(name).toFile(), List.of(overrides));
    }

    @Test
    void everyShippedConfigValidates() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(CONF)) {
            files = s.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
        }
        assertFalse(files.isEmpty());
        for (Path f : files) {
            JobConfig c = ConfigLoader.load(f.toFile(), List.of());
            assertFalse(c.string("model.type").isEmpty(), f.toString());
        }
    }

    @Test
    void softmaxConfigIsBatch1024WithTheLinearRule() {
        TrainingSettings s = TrainingSpec.settings(load("fashion-mnist-softmax.conf"));
        TrainingPlan plan = TrainingLoop.plan(s, 60_000);
        assertEquals(1024, plan.batchSize());
        assertEquals(0.008, plan.effectiveLr(), 1e-15);
        assertEquals(59, plan.stepsPerEpoch());
    }

    @Test
    void largeBatchConfigScalesAndWarmsUpOnlyWhenAsked() {
        TrainingPlan base = TrainingLoop.plan(TrainingSpec.settings(load("fashion-mnist-mlp-large-batch.conf")), 60_000);
        assertEquals(256, base.batchSize());
        assertEquals(0.0005, base.effectiveLr(), 1e-18);
        assertEquals(0, base.warmupSteps());
        TrainingPlan large = TrainingLoop.plan(TrainingSpec.settings(load("fashion-mnist-mlp-large-batch.conf", "train.batch-size=8192",
                "train.lr-scaling=linear", "train.warmup-epochs=5")), 60_000);
        assertEquals(8, large.stepsPerEpoch());
        assertEquals(0.016, large.effectiveLr(), 1e-15);
        assertEquals(40, large.warmupSteps());
    }
}
