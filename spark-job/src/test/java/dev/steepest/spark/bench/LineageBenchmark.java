package dev.steepest.spark.bench;

import dev.steepest.core.model.*;
import dev.steepest.core.train.*;
import dev.steepest.spark.LoaderOptions;
import dev.steepest.spark.SparkTestSupport;
import dev.steepest.spark.data.*;
import dev.steepest.spark.exec.*;
import org.apache.spark.api.java.*;
import org.apache.spark.sql.SparkSession;
import java.util.*;
/**
 * Median step time with and without truncating the cached blocks' lineage (data.truncate-lineage), on
 * data-samples/logistic.csv, both orders after a warm-up round. Not a test; run by hand from the repository root
 * (docs/BENCHMARKS.md):
 * <pre>
 *   java $(cat spark-job/target/jvm-flags.txt) -cp spark-job/target/test-classes:spark-job/target/classes:\
 *     $(cat spark-job/target/classpath.txt) dev.steepest.spark.bench.LineageBenchmark local[2]
 * </pre>
 */
public final class LineageBenchmark {
  public static void main(String[] a) {
    SparkSession spark = SparkTestSupport.session(a.length > 0 ? a[0] : "local[2]");
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Model model = LinearModel.logisticRegression(4, true);
    Map<Boolean, TrainingData> data = new HashMap<>();
    for (boolean cut : new boolean[]{false, true})
      data.put(cut, BlockLoader.loadTraining(spark, "data.train", "data-samples/logistic.csv",
        LoaderOptions.of("csv", "label").maxClasses(2).truncateLineage(cut).build()));
    // warm up both paths
    for (int round = 0; round < 3; round++) {
      for (boolean cut : round % 2 == 0 ? new boolean[]{false, true} : new boolean[]{true, false}) {
        TrainingData d = data.get(cut);
        SparkGradientSource src = new SparkGradientSource(jsc, d.blocks(), d.partitionSizes(), model, 1 << 19, 32);
        for (long B : new long[]{64, 512}) {
          BatchPlanner p = new BatchPlanner(d.partitionSizes(), B, 1);
          double[] ms = new double[200];
          BatchPlanner.Epoch e = p.epoch(0); int ep = 0;
          for (int s = 0; s < ms.length; s++) {
            if (!e.hasNext()) e = p.epoch(++ep);
            StepPlan plan = e.next();
            long t = System.nanoTime();
            src.compute(new double[5], plan);
            ms[s] = (System.nanoTime() - t) / 1e6;
          }
          Arrays.sort(ms);
          if (round > 0) System.out.printf("round %d truncated=%s B=%d median %.2f ms%n", round, cut, B, ms[100]);
        }
      }
    }
    spark.stop();
  }
}
