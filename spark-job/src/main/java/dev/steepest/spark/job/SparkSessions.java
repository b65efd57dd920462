package dev.steepest.spark.job;

import dev.steepest.spark.SteepestKryoRegistrator;
import dev.steepest.spark.config.JobConfig;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Builds the Spark session of a run from the config's {@code spark.*} keys. */
public final class SparkSessions {
    private SparkSessions() {
    }

    /**
     * The Spark settings of a run: Kryo with registration required and our registrator, task results up to 128 MiB
     * returned directly, native BLAS on one thread per executor task (each unless the user chose otherwise), every {@code spark.*} key of the config, and the master: spark-submit's {@code --master} when
     * there is one (the command line wins over a file), else the config's {@code spark.master}, else
     * {@code local[*]}.
     */
    public static SparkConf conf(JobConfig cfg) {
        SparkConf conf = new SparkConf();
        if (!conf.contains("spark.master")) {
            conf.setMaster(cfg.string("spark.master"));
        }
        conf.setIfMissing("spark.app.name", "steepest");
        conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        conf.setIfMissing("spark.kryo.registrationRequired", "true");
        conf.setIfMissing("spark.kryo.registrator", SteepestKryoRegistrator.class.getName());
        // One thread per native BLAS call on the executors (Spark runs a task per core), which also lets the kernels
        // take a tuned native BLAS where one is installed (core's Blas); the launcher does the same for the driver.
        conf.setIfMissing("spark.executorEnv.OPENBLAS_NUM_THREADS", "1");
        conf.setIfMissing("spark.executorEnv.MKL_NUM_THREADS", "1");
        // A step's task results are gradient sums, 8 bytes a parameter: up to Spark's RPC message limit they come
        // back in the task's status message rather than through the block manager (Spark's default above 1 MiB),
        // which measured 7-10 ms a step for the 1.9 MB gradients of the Fashion-MNIST MLP (docs/BENCHMARKS.md).
        conf.setIfMissing("spark.task.maxDirectResultSize", "128m");
        for (Map.Entry<String, String> e : cfg.sparkSettings().entrySet()) conf.set(e.getKey(), e.getValue());
        return conf;
    }

    public static SparkSession create(JobConfig cfg) {
        return SparkSession.builder().config(conf(cfg)).getOrCreate();
    }
}
