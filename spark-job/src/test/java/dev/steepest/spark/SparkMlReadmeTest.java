package dev.steepest.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.spark.ml.ConfigParams;
import dev.steepest.spark.ml.SteepestClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** README's "Use from Spark": its Java example is this class's code and runs; its Param table is ConfigParams'. */
class SparkMlReadmeTest extends LocalSparkTest {
    private static final Path ROOT = SparkTestSupport.repoRoot();

    @TempDir
    Path tmp;

    @Test
    void theReadmesJavaExampleIsThisCodeAndItTrainsSavesLoadsAndScores() throws Exception {
        String data = SparkTestSupport.sample("logistic.csv");
        String dir = tmp.toUri().toString();
        // README-BEGIN
        Dataset<Row> raw = spark.read().option("header", true).option("inferSchema", true).csv(data);
        VectorAssembler assembler = new VectorAssembler()
                .setInputCols(new String[] {"x0", "x1", "x2", "x3"}).setOutputCol("features");
        SteepestClassifier steepest = new SteepestClassifier()
                .setStepSize(0.05).setRegParam(0.001).setElasticNetParam(0.5)
                .setConfig("optimizer.name", "momentum").setConfig("train.epochs", 5);
        PipelineModel model = new Pipeline().setStages(new PipelineStage[] {assembler, steepest}).fit(raw);
        model.write().overwrite().save(dir + "/pipeline");
        Dataset<Row> scored = PipelineModel.load(dir + "/pipeline").transform(raw)
                .select("label", "probability", "prediction");
        // README-END
        long rows = raw.count();
        assertEquals(rows, scored.count());
        long right = scored.filter("cast(label as double) = prediction").count();
        assertTrue(right > 0.8 * rows, right + " of " + rows);

        String source = Files.readString(ROOT.resolve("spark-job/src/test/java/dev/steepest/spark/SparkMlReadmeTest.java"));
        String code = source.substring(source.indexOf("// README-BEGIN\n") + 16, source.indexOf("        // README-END"));
        String readme = Files.readString(ROOT.resolve("README.md"));
        String section = readme.substring(readme.indexOf("## Use from Spark"));
        String block = section.substring(section.indexOf("```java\n") + 8, section.indexOf("```\n", section.indexOf("```java\n") + 8));
        assertEquals(strip(code), strip(block));
    }

    @Test
    void theReadmesParamTableIsTheDerivedParams() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        String section = readme.substring(readme.indexOf("## Use from Spark"));
        section = section.substring(section.indexOf("| config key | Param |"));
        List<String> rows = new ArrayList<>();
        for (String line : section.lines().skip(2).toList()) {
            if (!line.startsWith("|")) break;
            rows.add(line);
        }
        List<String> expected = new ArrayList<>();
        for (Map.Entry<String, String> e : ConfigParams.paramNames().entrySet()) {
            expected.add("| `" + e.getKey() + "` | `" + e.getValue() + "` |");
        }
        assertEquals(String.join("\n", expected), String.join("\n", rows));
    }

    private static String strip(String code) {
        return String.join("\n", code.strip().lines().map(String::strip).toList());
    }
}
