package dev.steepest.spark.bench;

import dev.steepest.core.data.Block;
import dev.steepest.core.data.BlockBuilder;
import dev.steepest.core.model.Accumulator;
import dev.steepest.core.model.Activation;
import dev.steepest.core.model.MlpModel;
import dev.steepest.core.train.BatchPlanner;
import dev.steepest.core.train.PartitionStep;
import dev.steepest.core.train.StepPlan;
import dev.steepest.spark.SparkTestSupport;
import dev.steepest.spark.exec.SparkGradientSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Where one distributed step's time goes, for the Fashion-MNIST MLP (784-256-128-10 ReLU, 235,146 parameters) on
 * synthetic dense rows of that shape, 2 partitions: the pieces of a step timed alone, in one JVM, rounds in
 * alternating order, medians. Not a test; run by hand (docs/BENCHMARKS.md):
 * <pre>
 *   java $(cat spark-job/target/jvm-flags.txt) -cp core/target/classes:spark-job/target/test-classes:\
 *     spark-job/target/classes:$(cat spark-job/target/classpath.txt) dev.steepest.spark.bench.StepAnatomy \
 *     local[2] 128 1024
 * </pre>
 * Extra Spark settings as {@code -Dbench.spark.KEY=VALUE}.
 */
public final class StepAnatomy {
    public static void main(String[] args) {
        String master = args.length > 0 ? args[0] : "local[2]";
        int[] batches = args.length > 1
                ? Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray() : new int[] {128, 1024};
        for (String k : System.getProperties().stringPropertyNames()) {
            if (k.startsWith("bench.spark.")) System.setProperty(k.substring("bench.".length()), System.getProperty(k));
        }
        SparkSession spark = SparkTestSupport.session(master);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int d = 784;
        int rowsPerPartition = 8192;
        int partitions = 2;
        List<Block> blocks = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(7);
        for (int p = 0; p < partitions; p++) {
            BlockBuilder b = new BlockBuilder(d, false);
            double[] x = new double[d];
            for (int i = 0; i < rowsPerPartition; i++) {
                for (int j = 0; j < d; j++) x[j] = r.nextDouble() < 0.5 ? 0.0 : r.nextDouble();
                b.addDense(r.nextInt(10), 1.0, x);
            }
            blocks.add(b.build());
        }
        // Cached and local-checkpointed as BlockLoader does, so that tasks do not carry the parallelized data.
        JavaRDD<Block> rdd = jsc.parallelize(blocks, partitions).persist(StorageLevel.MEMORY_ONLY());
        rdd.rdd().localCheckpoint();
        rdd.count();
        long[] sizes = new long[partitions];
        Arrays.fill(sizes, rowsPerPartition);
        MlpModel model = new MlpModel(d, new int[] {256, 128}, Activation.RELU, MlpModel.Head.SOFTMAX, 10);
        int p = model.numParameters();
        double[] params = new SplittableRandom(1).doubles(p, -0.05, 0.05).toArray();
        SparkGradientSource source = new SparkGradientSource(jsc, rdd, sizes, model, 512 * 1024, 1000);
        Accumulator zero = new Accumulator(p);
        System.out.println("master " + master + ", MLP 784-256-128-10, " + p + " parameters, " + partitions
                + " partitions; median ms over the rounds; Spark settings: maxDirectResultSize="
                + spark.conf().get("spark.task.maxDirectResultSize", "(default 1m)"));
        System.out.println("| batch | empty job | broadcast params, job reads them | job returns a zero gradient "
                + "| both | full step | kernel alone, rows of one partition, 1 thread | merge 2 partials |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (int batch : batches) {
            BatchPlanner planner = new BatchPlanner(sizes, batch, 3);
            BatchPlanner.Epoch[] epoch = {planner.epoch(0)};
            StepPlan[] plan = {epoch[0].next()};
            List<IntConsumer> pieces = List.of(
                    i -> rdd.foreachPartition(it -> { }),
                    i -> {
                        Broadcast<double[]> b = jsc.broadcast(params);
                        rdd.map(blk -> b.value().length).collect();
                        b.destroy(false);
                    },
                    i -> rdd.mapPartitions(it -> List.of(new Accumulator(p)).iterator()).collect(),
                    i -> {
                        Broadcast<double[]> b = jsc.broadcast(params);
                        rdd.mapPartitions(it -> List.of(new Accumulator(b.value().length)).iterator()).collect();
                        b.destroy(false);
                    },
                    i -> {
                        if (!epoch[0].hasNext()) epoch[0] = planner.epoch(i);
                        source.compute(params, epoch[0].next());
                    },
                    i -> PartitionStep.run(model, blocks.get(0), 0, plan[0], params),
                    i -> PartitionStep.mergeInOrder(new Accumulator[] {zero, zero}, p));
            int rounds = 40;
            double[][] ms = new double[pieces.size()][rounds];
            for (int round = -5; round < rounds; round++) {
                for (int k = 0; k < pieces.size(); k++) {
                    int which = round % 2 == 0 ? k : pieces.size() - 1 - k;
                    long t = System.nanoTime();
                    pieces.get(which).accept(round + 10);
                    if (round >= 0) ms[which][round] = (System.nanoTime() - t) / 1e6;
                }
            }
            StringBuilder row = new StringBuilder("| " + batch + " |");
            for (double[] m : ms) {
                Arrays.sort(m);
                row.append(String.format(Locale.ROOT, " %.2f |", m[rounds / 2]));
            }
            System.out.println(row);
        }
        spark.stop();
    }

    private StepAnatomy() {
    }
}
