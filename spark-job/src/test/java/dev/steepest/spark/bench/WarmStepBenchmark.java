package dev.steepest.spark.bench;

import dev.steepest.spark.SparkTestSupport;
import dev.steepest.spark.config.JobConfig;
import dev.steepest.spark.job.TrainJob;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.apache.spark.sql.SparkSession;

/**
 * Mean ms per step of whole training runs (the loop: Spark job, driver update, listeners) in one JVM, after a
 * warm-up run, for conf/logistic-csv.conf's model at several batch sizes. Not a test; run by hand from the
 * repository root (docs/BENCHMARKS.md):
 * <pre>
 *   java $(cat spark-job/target/jvm-flags.txt) -cp spark-job/target/test-classes:spark-job/target/classes:\
 *     $(cat spark-job/target/classpath.txt) dev.steepest.spark.bench.WarmStepBenchmark local[2] 64 512
 * </pre>
 */
public final class WarmStepBenchmark {
    public static void main(String[] args) {
        SparkSession spark = SparkTestSupport.session(args.length > 0 ? args[0] : "local[2]");
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        System.out.println("| batch | steps | ms/step (warm-up run) | ms/step |");
        System.out.println("|---|---|---|---|");
        for (int i = 1; i < Math.max(2, args.length); i++) {
            String b = args.length > 1 ? args[i] : "64";
            String hocon = "data.train = \"" + SparkTestSupport.sample("logistic.csv") + "\"\nmodel.type = logistic\n"
                    + "optimizer { name = momentum, lr = 0.05 }\n"
                    + "train { batch-size = " + b + ", epochs = 30, progress-seconds = 1000 }\n";
            JobConfig cfg = SparkTestSupport.config(hocon);
            double[] ms = new double[2];
            long steps = 0;
            for (int run = 0; run < 2; run++) {
                TrainJob.Outcome o = TrainJob.run(spark, cfg, null, quiet, System.nanoTime());
                steps = o.result().iterations();
                ms[run] = 1000 * o.result().trainSeconds() / steps;
            }
            System.out.printf(java.util.Locale.ROOT, "| %s | %d | %.2f | %.2f |%n", b, steps, ms[0], ms[1]);
        }
        spark.stop();
    }
}
