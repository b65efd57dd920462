package dev.steepest.spark.bench;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import dev.steepest.spark.ml.SteepestClassifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Scoring throughput (issue 12): {@code transform} of ~1M Fashion-MNIST rows (the 60,000 training rows, cached as
 * Spark ML vectors, crossed with 17 copies: 1,020,000 rows) by steepest's models against Spark ML's
 * {@code LogisticRegressionModel} (multinomial, 784 → 10) and {@code MultilayerPerceptronClassificationModel}
 * (784-256-128-10), side by side in one Spark session, repeats alternating. Every output column is consumed
 * ({@code rawPrediction}, {@code probability}, {@code prediction}), so none is pruned. The models are trained
 * briefly on 5,000 rows: scoring cost depends on the shapes, not the values. A "read" baseline — the same rows
 * through a UDF that only touches each vector — is timed too, and the ratio is also given without it.
 * Not a test; run from the repository root (docs/BENCHMARKS.md):
 * <pre>
 *   java $(cat spark-job/target/jvm-flags.txt) -Xmx8g -cp spark-job/target/test-classes:spark-job/target/classes:\
 *     core/target/classes:$(cat spark-job/target/classpath.txt) dev.steepest.spark.bench.ScoringBenchmark \
 *     data/fashion-mnist/train.csv [repeats, 3] [copies, 17] [softmax,mlp]
 * </pre>
 */
public final class ScoringBenchmark {
    private ScoringBenchmark() {
    }

    public static void main(String[] a) {
        String csv = a.length > 0 ? a[0] : "data/fashion-mnist/train.csv";
        int repeats = a.length > 1 ? Integer.parseInt(a[1]) : 3;
        int copies = a.length > 2 ? Integer.parseInt(a[2]) : 17;
        List<String> kinds = a.length > 3 ? List.of(a[3].split(",")) : List.of("softmax", "mlp");
        SparkSession spark = BenchSuite.session("local[2]"); // the anchors' classes are not Kryo-registered
        List<StructField> fields = new ArrayList<>(List.of(DataTypes.createStructField("label", DataTypes.DoubleType,
                false)));
        String[] pixels = new String[784];
        for (int i = 0; i < 784; i++) {
            pixels[i] = "p" + i;
            fields.add(DataTypes.createStructField(pixels[i], DataTypes.DoubleType, false));
        }
        Dataset<Row> raw = spark.read().option("header", true).schema(new StructType(fields.toArray(new StructField[0])))
                .csv(csv);
        Dataset<Row> fm = new VectorAssembler().setInputCols(pixels).setOutputCol("features").transform(raw)
                .select("label", "features").cache();
        long n = fm.count();
        Dataset<Row> small = fm.limit(5000).cache();
        small.count();
        Dataset<Row> rows = fm.crossJoin(broadcast(spark.range(copies).toDF("copy"))).select("label", "features");
        long total = n * copies;
        System.out.printf(Locale.ROOT, "scoring %d rows (%d x %d), %s%n", total, n, copies, spark.sparkContext().master());

        Map<String, Model<?>> models = new LinkedHashMap<>();
        if (kinds.contains("softmax")) {
            models.put("spark softmax", new LogisticRegression().setFamily("multinomial").setMaxIter(5).fit(small));
            models.put("steepest softmax", new SteepestClassifier().setConfig("model.type", "softmax")
                    .setConfig("train.epochs", 1).setConfig("train.batch-size", "500").fit(small));
        }
        if (kinds.contains("mlp")) {
            models.put("spark mlp", new MultilayerPerceptronClassifier().setLayers(new int[] {784, 256, 128, 10})
                    .setMaxIter(2).setSeed(7).fit(small));
            models.put("steepest mlp", new SteepestClassifier().setConfig("model.type", "mlp")
                    .setConfig("model.hidden", new int[] {256, 128}).setConfig("train.epochs", 1)
                    .setConfig("train.batch-size", "500").fit(small));
        }

        spark.udf().register("touch", (UDF1<Vector, Double>) v -> v.apply(0) + v.size(), DataTypes.DoubleType);
        Function<Dataset<Row>, Double> consumeRead = d -> d.selectExpr("sum(touch(features))").first().getDouble(0);
        Map<String, double[]> seconds = new LinkedHashMap<>();
        seconds.put("read", new double[repeats]);
        for (String m : models.keySet()) seconds.put(m, new double[repeats]);
        for (int r = -1; r < repeats; r++) { // round -1 warms up every path
            List<String> order = new ArrayList<>(seconds.keySet());
            if (r % 2 != 0) java.util.Collections.reverse(order);
            for (String what : order) {
                long t = System.nanoTime();
                double check = what.equals("read") ? consumeRead.apply(rows) : consume(models.get(what).transform(rows));
                double s = (System.nanoTime() - t) / 1e9;
                if (r >= 0) seconds.get(what)[r] = s;
                System.out.printf(Locale.ROOT, "round %d %-17s %.2f s (checksum %.6g)%n", r, what, s, check);
            }
        }
        double read = median(seconds.get("read"));
        System.out.printf(Locale.ROOT, "%n| what | median s | rows/s | ratio ours / Spark ML | ratio without the read |%n"
                + "|---|---|---|---|---|%n| read (touch each vector) | %.2f | %.3g | | |%n", read, total / read);
        for (String kind : kinds) {
            double spark_ = median(seconds.get("spark " + kind));
            double ours = median(seconds.get("steepest " + kind));
            System.out.printf(Locale.ROOT, "| Spark ML %s | %.2f | %.3g | | |%n", kind, spark_, total / spark_);
            System.out.printf(Locale.ROOT, "| steepest %s | %.2f | %.3g | **%.3f** | %.3f |%n", kind, ours, total / ours,
                    ours / spark_, (ours - read) / (spark_ - read));
        }
        System.out.println("all rounds: " + seconds.entrySet().stream()
                .map(e -> e.getKey() + " " + Arrays.toString(e.getValue())).toList());
        spark.stop();
    }

    /** Sums every output column so that none is pruned. */
    private static double consume(Dataset<Row> scored) {
        Row r = scored.select(sum(col("prediction")),
                sum(functions.vector_to_array(col("probability"), "float64").getItem(0)),
                sum(functions.vector_to_array(col("rawPrediction"), "float64").getItem(0))).first();
        return r.getDouble(0) + r.getDouble(1) + r.getDouble(2);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
