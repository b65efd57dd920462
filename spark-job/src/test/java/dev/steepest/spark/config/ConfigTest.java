package dev.steepest.spark.config;

import dev.steepest.spark.spec.TrainingSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.optim.LrScaling;
import dev.steepest.core.train.TrainingSettings;
import dev.steepest.spark.InputError;
import dev.steepest.spark.SparkTestSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
    private static final String BASE = "data.train = a.csv\nmodel.type = linear\n";

    private static String error(String hocon) {
        return assertThrows(InputError.class, () -> SparkTestSupport.config(hocon)).getMessage();
    }

    @Test
    void defaultsResolve() {
        JobConfig c = SparkTestSupport.config(BASE);
        TrainingSettings s = TrainingSpec.settings(c);
        assertEquals(256, s.batchSize());
        assertEquals(10, s.epochs());
        assertEquals(0, s.maxIterations());
        assertEquals(42, s.seed());
        assertEquals(0.01, s.lr());
        assertEquals(LrScaling.NONE, s.lrScaling());
        assertEquals(256, s.referenceBatchSize());
        assertTrue(Double.isNaN(s.lossChangeTol()));
        assertEquals("csv", c.format());
        assertEquals("local[*]", c.resolved().get("spark.master"));
        assertEquals(0.0, OptimizerOptions.number(c, "optimizer.momentum"));
    }

    @Test
    void aliasesAndVariants() {
        JobConfig c = SparkTestSupport.config(BASE + "optimizer.name = nesterov\ntrain.batch-size = full\n"
                + "train.max-iterations = 7");
        assertEquals(0.9, OptimizerOptions.number(c, "optimizer.momentum"));
        assertTrue(OptimizerOptions.bool(c, "optimizer.nesterov"));
        assertEquals(TrainingSettings.FULL_BATCH, TrainingSpec.settings(c).batchSize());
        assertEquals(0, TrainingSpec.settings(c).epochs(), "max-iterations alone lifts the default epoch limit");
        assertEquals(7, TrainingSpec.settings(c).maxIterations());
        assertEquals(3, TrainingSpec.settings(SparkTestSupport.config(BASE + "train.epochs = 3\ntrain.max-iterations = 7")).epochs());
        assertEquals("libsvm", SparkTestSupport.config("data.train = x.svm.bz2\nmodel.type = linear").format());
        assertEquals("parquet", SparkTestSupport.config("data.train = \"hdfs://nn/d/*.parquet\"\nmodel.type = linear")
                .format());
    }

    @Test
    void rejectsUnknownKeysAndBadValuesNamingThem() {
        assertTrue(error(BASE + "optimizer.learning-rate = 0.1").contains("unknown config key 'optimizer.learning-rate'"));
        assertTrue(error(BASE + "trian.epochs = 2").contains("did you mean 'train.epochs'"));
        assertTrue(error(BASE + "train.epochs = 0").contains("train.epochs: '0' is not allowed"));
        assertTrue(error(BASE + "train.epochs = 2.5").contains("train.epochs"));
        assertTrue(error(BASE + "optimizer.momentum = 1").contains("< 1"));
        assertTrue(error(BASE + "train.warmup-epochs = -1").contains(">= 0"));
        assertTrue(error(BASE + "model.fit-intercept = maybe").contains("true or false"));
        assertTrue(error(BASE + "optimizer.lr = [1, 2]").contains("optimizer.lr"));
        assertTrue(error("model.type = linear").contains("data.train: is required"));
        assertTrue(error("data.train = a.csv").contains("model.type: is required"));
        assertTrue(error("data.train = a.dat\nmodel.type = linear\n").contains("data.format"));
        assertTrue(error(BASE + "data.num-features = 3").contains("libsvm"));
    }

    @Test
    void optimizerAndScheduleOptionsAreCheckedAgainstTheChosenOne() {
        assertTrue(error(BASE + "optimizer.beta1 = 0.8").contains(
                "optimizer.beta1: does not apply to optimizer.name = sgd"));
        assertTrue(error(BASE + "optimizer { name = adam, momentum = 0.9 }").contains("optimizer.momentum"));
        assertTrue(error(BASE + "optimizer { name = adam, beta2 = 1 }").contains("< 1"));
        assertTrue(error(BASE + "schedule.name = step").contains("schedule.step-epochs: is required"));
        assertTrue(error(BASE + "schedule { name = cosine, gamma = 0.5 }").contains(
                "schedule.gamma: does not apply to schedule.name = cosine"));
        assertTrue(error(BASE + "schedule { name = multistep, milestones = [30, 20] }").contains("schedule.milestones"));
        assertTrue(error(BASE + "schedule.patience = 3").contains("does not apply to schedule.name = constant"));
        assertTrue(error(BASE + "clip.norm = 0").contains("clip.norm"));

        JobConfig adamw = SparkTestSupport.config(BASE + "optimizer.name = adamw");
        assertEquals(0.01, OptimizerOptions.number(adamw, "optimizer.weight-decay"));
        assertEquals(1e-8, OptimizerOptions.number(adamw, "optimizer.eps"));
        assertEquals(0.01, adamw.resolved().get("optimizer.weight-decay"), "model.json records resolved defaults");
        JobConfig lamb = SparkTestSupport.config(BASE + "optimizer { name = lamb, eps = 1e-7 }");
        assertEquals(1e-7, OptimizerOptions.number(lamb, "optimizer.eps"));
        assertTrue(OptimizerOptions.bool(lamb, "optimizer.exclude-biases"));
        JobConfig multi = SparkTestSupport.config(BASE + "schedule { name = multistep, milestones = [3, 6.5] }");
        assertEquals(List.of(3.0, 6.5), multi.value("schedule.milestones"));
    }

    @Test
    void mlpKeysAreCheckedAndOnlyForMlp() {
        JobConfig mlp = SparkTestSupport.config(BASE.replace("linear", "mlp") + "model.hidden = [64, 32, 8]");
        assertEquals(List.of(64L, 32L, 8L), mlp.value("model.hidden"));
        assertEquals(List.of(), SparkTestSupport.config(BASE.replace("linear", "mlp") + "model.hidden = []")
                .value("model.hidden"));
        assertTrue(error(BASE + "model.hidden = [8]").contains("only applies to model.type = mlp"));
        assertTrue(error(BASE.replace("linear", "mlp") + "model.hidden = [8, 0]").contains("model.hidden"));
        assertTrue(error(BASE.replace("linear", "mlp") + "model.activation = swish").contains("relu"));
        assertTrue(error(BASE.replace("linear", "mlp") + "model.init = zeros").contains("initialized by its activation"));
    }

    @Test
    void sparkKeysPassThrough() {
        JobConfig c = SparkTestSupport.config(BASE + "spark.executor.memory = 2g\nspark.sql.shuffle.partitions = 8");
        assertEquals("2g", c.sparkSettings().get("spark.executor.memory"));
        assertEquals("8", c.sparkSettings().get("spark.sql.shuffle.partitions"));
    }

    @Test
    void setOverridesFileValuesAndKeepsPathsAsWritten(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("j.conf");
        Files.writeString(f, BASE + "optimizer.lr = 0.5\n");
        JobConfig c = ConfigLoader.load(f.toFile(), List.of("optimizer.lr=0.25", "data.train=hdfs://nn:8020/x/y.csv",
                "train.batch-size=full", "train.epochs=3"));
        assertEquals(0.25, c.doubleValue("optimizer.lr"));
        assertEquals("hdfs://nn:8020/x/y.csv", c.trainPath());
        assertEquals(TrainingSettings.FULL_BATCH, TrainingSpec.settings(c).batchSize());
        assertEquals(3, TrainingSpec.settings(c).epochs());
        assertThrows(InputError.class, () -> ConfigLoader.load(f.toFile(), List.of("novalue")));
    }

    @Test
    void readmeDocumentsEveryKey() throws IOException {
        String readme = Files.readString(SparkTestSupport.repoRoot().resolve("README.md"));
        for (String key : ConfigSchema.keys().keySet()) {
            assertTrue(readme.contains("| `" + key + "` |"), "README config reference lacks " + key);
        }
    }
}
