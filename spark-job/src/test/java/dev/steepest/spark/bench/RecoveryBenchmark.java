package dev.steepest.spark.bench;

import dev.steepest.core.data.Block;
import dev.steepest.core.model.Model;
import dev.steepest.core.model.SoftmaxModel;
import dev.steepest.core.train.BatchPlanner;
import dev.steepest.core.train.StepPlan;
import dev.steepest.spark.LoaderOptions;
import dev.steepest.spark.SparkTestSupport;
import dev.steepest.spark.data.BlockLoader;
import dev.steepest.spark.data.CachedBlocks;
import dev.steepest.spark.data.TrainingData;
import dev.steepest.spark.exec.SparkGradientSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.RDDInfo;
import org.apache.spark.storage.StorageLevel;

/**
 * What each way of surviving a lost executor costs, on one data set in local-cluster (docs/BENCHMARKS.md,
 * "Recovering a lost executor"): the cached training blocks (a) as steepest keeps them — one copy, recomputed from
 * the input when lost ({@link CachedBlocks}), (b) replicated on two executors ({@code MEMORY_AND_DISK_2}), (c)
 * reliably checkpointed to a directory ({@code RDD.checkpoint}). For each: the extra load time, the cached bytes,
 * the median step before the loss, and after one executor JVM is killed (SIGKILL, by the PID a task reports) the
 * time of the recovery and of the first steps after it. Softmax steps of 1,024 rows through
 * {@link SparkGradientSource}. Not a test; run by hand from the repository root:
 * <pre>
 *   SPARK_HOME=$PWD/spark-job/target/spark-home SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1 \
 *   java -Xmx6g $(cat spark-job/target/jvm-flags.txt) -cp spark-job/target/test-classes:spark-job/target/classes:\
 *     core/target/classes:$(cat spark-job/target/classpath.txt) dev.steepest.spark.bench.RecoveryBenchmark \
 *     'local-cluster[2,1,2048]' /work/fm/csv/train.csv
 * </pre>
 */
public final class RecoveryBenchmark {
    private static final int STEPS = 30;

    public static void main(String[] a) throws Exception {
        String master = a.length > 0 ? a[0] : "local-cluster[2,1,2048]";
        String csv = a.length > 1 ? a[1] : "/work/fm/csv/train.csv";
        SparkSession spark = SparkTestSupport.session(master, Map.of("spark.executor.memory", "2g"));
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        long t = System.nanoTime();
        TrainingData data = BlockLoader.loadTraining(spark, "data.train", csv,
                LoaderOptions.of("csv", "label").maxClasses(10).build());
        System.out.printf("load (recompute option: no extra) %.2f s, %d rows, %d partitions%n", secs(t),
                data.numRows(), data.partitionSizes().length);
        JavaRDD<Block> lineage = CachedBlocks.lineage(data.blocks());

        t = System.nanoTime();
        JavaRDD<Block> replicated = lineage.map(b -> b);
        replicated.persist(StorageLevel.MEMORY_AND_DISK_2());
        replicated.count();
        double replicate = secs(t);

        Path dir = Files.createTempDirectory("steepest-rdd-checkpoint");
        jsc.setCheckpointDir(dir.toUri().toString());
        t = System.nanoTime();
        JavaRDD<Block> checkpointed = lineage.map(b -> b);
        checkpointed.persist(StorageLevel.MEMORY_AND_DISK());
        checkpointed.checkpoint();
        checkpointed.count();
        double checkpoint = secs(t);
        System.out.printf("extra load: replicate %.2f s, checkpoint %.2f s%n", replicate, checkpoint);
        for (RDDInfo info : spark.sparkContext().getRDDStorageInfo()) {
            System.out.printf("cached RDD %d (%s): %d partitions, memory %.1f MB, disk %.1f MB%n", info.id(),
                    info.storageLevel().description(), info.numCachedPartitions(), info.memSize() / 1e6,
                    info.diskSize() / 1e6);
        }

        Model model = new SoftmaxModel(data.spec().numFeatures(), 10, true);
        Map<String, JavaRDD<Block>> options = new TreeMap<>(Map.of("a-recompute", data.blocks(),
                "b-replicate", replicated, "c-checkpoint", checkpointed));
        Map<String, SparkGradientSource> sources = new TreeMap<>();
        options.forEach((k, v) -> sources.put(k, new SparkGradientSource(jsc, v, data.partitionSizes(), model,
                1 << 19, 32)));
        BatchPlanner planner = new BatchPlanner(data.partitionSizes(), 1024, 1);
        double[] params = new double[model.numParameters()];
        for (int round = 0; round < 2; round++) {
            for (Map.Entry<String, SparkGradientSource> s : sources.entrySet()) {
                System.out.printf("round %d %s: median step %.2f ms%n", round, s.getKey(),
                        medianStep(s.getValue(), planner, params, STEPS));
            }
        }

        Map<String, Long> pids = executorPids(spark);
        Set<String> before = new HashSet<>(Arrays.asList(spark.sparkContext().getExecutorIds().mkString(",").split(",")));
        String victim = pids.keySet().iterator().next();
        System.out.println("killing executor " + victim + " (pid " + pids.get(victim) + ") of " + pids);
        new ProcessBuilder("kill", "-KILL", Long.toString(pids.get(victim))).inheritIO().start().waitFor();
        while (spark.sparkContext().getExecutorIds().contains(victim)) Thread.sleep(50);
        Thread.sleep(1000); // the block manager drops the executor's blocks
        System.out.println("executors before " + before + ", now " + spark.sparkContext().getExecutorIds());

        for (Map.Entry<String, SparkGradientSource> s : sources.entrySet()) {
            t = System.nanoTime();
            int[] restored = s.getKey().startsWith("a") ? CachedBlocks.restoreLost(options.get(s.getKey()),
                    Set.of(victim)) : new int[0];
            double restore = secs(t);
            t = System.nanoTime();
            s.getValue().compute(params, planner.epoch(0).next());
            double first = secs(t);
            System.out.printf("after the kill %s: restored %s in %.2f s, first step %.2f s, then median step %.2f ms%n",
                    s.getKey(), Arrays.toString(restored), restore, first, medianStep(s.getValue(), planner, params,
                            STEPS));
        }
        System.out.println("load average: " + Files.readString(Path.of("/proc/loadavg")).strip());
        spark.stop();
    }

    private static double medianStep(SparkGradientSource source, BatchPlanner planner, double[] params, int steps) {
        double[] ms = new double[steps];
        BatchPlanner.Epoch e = planner.epoch(0);
        for (int s = 0; s < steps; s++) {
            if (!e.hasNext()) e = planner.epoch(s);
            StepPlan plan = e.next();
            long t = System.nanoTime();
            source.compute(params, plan);
            ms[s] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        return ms[steps / 2];
    }

    private static Map<String, Long> executorPids(SparkSession spark) {
        Map<String, Long> pids = new TreeMap<>();
        for (int round = 0; round < 20 && pids.size() < 2; round++) {
            spark.range(0, 32, 1, 16).javaRDD()
                    .map(i -> SparkEnv.get().executorId() + " " + ProcessHandle.current().pid()).collect()
                    .forEach(s -> pids.put(s.split(" ")[0], Long.parseLong(s.split(" ")[1])));
        }
        return pids;
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
