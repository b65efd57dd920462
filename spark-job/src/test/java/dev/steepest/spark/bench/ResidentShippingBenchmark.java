package dev.steepest.spark.bench;

import dev.steepest.core.data.Block;
import dev.steepest.core.model.LinearModel;
import dev.steepest.core.train.BatchPlanner;
import dev.steepest.spark.SparkTestSupport;
import dev.steepest.spark.exec.ResidentGradientSource;
import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Resident steps over TCP with the parameters sent over every link vs as one Spark broadcast a step (issue 17
 * part 3), median ms per step, for a few parameter counts: to check {@code train.broadcast-threshold-bytes} for
 * the resident path. Not a test; run by hand (docs/SCALING.md):
 * <pre>
 *   java $(cat spark-job/target/jvm-flags.txt) -cp spark-job/target/test-classes:spark-job/target/classes:\
 *     core/target/classes:$(cat spark-job/target/classpath.txt) dev.steepest.spark.bench.ResidentShippingBenchmark \
 *     'local-cluster[2,1,1024]' 2
 * </pre>
 * Sparse rows (10 non-zeros, 128 rows a partition and step) keep the kernel cheap, so the step time is shipping
 * and merging. Needs SPARK_HOME as the local-cluster tests have it ({@code spark-job/target/spark-home}). With a
 * third argument {@code tree}: the flat merge (every partition's partial to the driver) vs the two-level tree
 * merged on the tasks, at 235,146 parameters, no broadcast.
 */
public final class ResidentShippingBenchmark {
    public static void main(String[] args) {
        String master = args.length > 0 ? args[0] : "local-cluster[2,1,1024]";
        int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        boolean tree = args.length > 2 && "tree".equals(args[2]);
        int steps = 40;
        SparkSession spark = SparkTestSupport.session(master);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        System.out.println("master " + master + ", " + partitions + " partitions, median ms per step over " + steps);
        System.out.println(tree ? "| parameters | MiB | flat (P partials) | tree on the tasks | tree / flat |"
                : "| parameters | MiB | over every link | broadcast | broadcast / links |");
        System.out.println("|---|---|---|---|---|");
        for (int d : tree ? new int[] {235_145} : new int[] {65_535, 235_145, 1_000_000}) {
            JavaRDD<Block> rdd = ShippingBenchmark.sparseBlocks(jsc, d, partitions);
            long[] sizes = new long[partitions];
            Arrays.fill(sizes, 512);
            LinearModel model = LinearModel.logisticRegression(d, true);
            double links = median(jsc, rdd, sizes, model, Long.MAX_VALUE, tree ? Integer.MAX_VALUE : 32, d, steps);
            double broadcast = tree ? median(jsc, rdd, sizes, model, Long.MAX_VALUE, 32, d, steps)
                    : median(jsc, rdd, sizes, model, 0, 32, d, steps);
            System.out.println(String.format(Locale.ROOT, "| %d | %.2f | %.2f | %.2f | %.2f |", d + 1,
                    8.0 * (d + 1) / (1 << 20), links, broadcast, broadcast / links));
            rdd.unpersist(true);
        }
        spark.stop();
    }

    private static double median(JavaSparkContext jsc, JavaRDD<Block> rdd, long[] sizes, LinearModel model,
                                 long threshold, int treeThreshold, int d, int steps) {
        double[] params = new double[d + 1];
        BatchPlanner.Epoch epoch = new BatchPlanner(sizes, 128L * sizes.length, 1).epoch(0);
        double[] ms = new double[steps];
        try (ResidentGradientSource source = new ResidentGradientSource(jsc, rdd, sizes, model,
                jsc.getConf().get("spark.driver.host"), null, 0, 30_000, threshold, treeThreshold)) {
            for (int s = 0; s < steps + 5; s++) {
                if (!epoch.hasNext()) epoch = new BatchPlanner(sizes, 128L * sizes.length, 1).epoch(s);
                params[s % params.length] += 1e-3; // a new vector each step, as training gives
                long t = System.nanoTime();
                source.compute(params, epoch.next());
                if (s >= 5) ms[s - 5] = (System.nanoTime() - t) / 1e6;
            }
            if (threshold == 0 && !source.layout().endsWith("parameters by broadcast")) {
                throw new IllegalStateException("not broadcast: " + source.layout());
            }
            System.out.println("  " + source.layout());
        }
        Arrays.sort(ms);
        return ms[steps / 2];
    }
}
