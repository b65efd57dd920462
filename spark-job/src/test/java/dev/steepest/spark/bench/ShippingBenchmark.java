package dev.steepest.spark.bench;

import dev.steepest.core.data.Block;
import dev.steepest.core.data.BlockBuilder;
import dev.steepest.core.model.LinearModel;
import dev.steepest.core.train.BatchPlanner;
import dev.steepest.spark.SparkTestSupport;
import dev.steepest.spark.exec.SparkGradientSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Measures the median step time with the parameters in the task closure vs broadcast, for parameter vectors of
 * growing size, to choose train.broadcast-threshold-bytes. Not a test; run by hand (docs/BENCHMARKS.md):
 * <pre>
 *   java $(cat spark-job/target/jvm-flags.txt) -cp spark-job/target/test-classes:spark-job/target/classes:\
 *     $(cat spark-job/target/classpath.txt) dev.steepest.spark.bench.ShippingBenchmark local[2] 4
 * </pre>
 * Sparse rows (10 non-zeros) keep the kernel cheap, so the step time is shipping and aggregation.
 */
public final class ShippingBenchmark {
    public static void main(String[] args) {
        String master = args.length > 0 ? args[0] : "local[2]";
        int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int steps = 60;
        SparkSession spark = SparkTestSupport.session(master);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        System.out.println("master " + master + ", " + partitions + " partitions, median ms per step over " + steps);
        System.out.println("| parameters | bytes | closure | broadcast | broadcast / closure |");
        System.out.println("|---|---|---|---|---|");
        for (int d : new int[] {1_000, 10_000, 50_000, 100_000, 250_000, 1_000_000}) {
            JavaRDD<Block> rdd = sparseBlocks(jsc, d, partitions);
            long[] sizes = new long[partitions];
            Arrays.fill(sizes, 512);
            LinearModel model = LinearModel.logisticRegression(d, true);
            double closure = median(new SparkGradientSource(jsc, rdd, sizes, model, Long.MAX_VALUE, 1000), sizes, d, steps);
            double broadcast = median(new SparkGradientSource(jsc, rdd, sizes, model, 0, 1000), sizes, d, steps);
            System.out.println(String.format(Locale.ROOT, "| %d | %d KiB | %.2f | %.2f | %.2f |", d + 1,
                    8L * (d + 1) / 1024, closure, broadcast, broadcast / closure));
            rdd.unpersist(true);
        }
        spark.stop();
    }

    private static double median(SparkGradientSource source, long[] sizes, int d, int steps) {
        double[] params = new double[d + 1];
        BatchPlanner.Epoch epoch = new BatchPlanner(sizes, 256, 1).epoch(0);
        double[] ms = new double[steps];
        for (int s = 0; s < steps + 5; s++) {
            if (!epoch.hasNext()) epoch = new BatchPlanner(sizes, 256, 1).epoch(s);
            long t = System.nanoTime();
            source.compute(params, epoch.next());
            if (s >= 5) ms[s - 5] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        return ms[steps / 2];
    }

    /**
     * {@code partitions} cached blocks of 512 sparse rows of {@code d} features (10 non-zeros a row, seeded by
     * {@code d}): the kernel is cheap, so a step's time is shipping and merging. Shared with
     * {@link ResidentShippingBenchmark}.
     */
    static JavaRDD<Block> sparseBlocks(JavaSparkContext jsc, int d, int partitions) {
        List<Block> blocks = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(d);
        for (int p = 0; p < partitions; p++) {
            BlockBuilder b = new BlockBuilder(d, true);
            for (int i = 0; i < 512; i++) {
                int[] idx = r.ints(10, 0, d).sorted().distinct().toArray();
                double[] val = r.doubles(idx.length).toArray();
                b.addSparse(r.nextInt(2), 1.0, idx, val, idx.length);
            }
            blocks.add(b.build());
        }
        JavaRDD<Block> rdd = jsc.parallelize(blocks, partitions).persist(StorageLevel.MEMORY_ONLY());
        rdd.count();
        return rdd;
    }
}
