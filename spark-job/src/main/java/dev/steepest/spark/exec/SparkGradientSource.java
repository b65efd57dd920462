package dev.steepest.spark.exec;

import dev.steepest.core.data.Block;
import dev.steepest.core.model.Accumulator;
import dev.steepest.core.model.Evaluation;
import dev.steepest.core.model.FeatureMoments;
import dev.steepest.core.model.Model;
import dev.steepest.core.train.GradientSource;
import dev.steepest.core.train.PartitionStep;
import dev.steepest.core.train.StepPlan;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * The distributed step: one Spark job per step. Every partition runs the core kernel over its share of the batch
 * ({@link PartitionStep}) and returns one {@link Accumulator}; partial sums are merged in partition order, so the
 * result does not depend on which task finished first (Spark's own {@code treeAggregate} merges in completion
 * order, which makes floating-point sums, and so whole runs, vary from run to run).
 *
 * <p>Up to {@code treeThreshold} partitions the driver merges the partials (one level). Above it, partials are
 * merged on the executors in groups of about sqrt(P) consecutive partitions, each group in partition order, and
 * the driver merges the group sums in group order: a deterministic two-level tree aggregate.
 */
public final class SparkGradientSource implements GradientSource {
    private final JavaSparkContext jsc;
    private final JavaRDD<Block> blocks;
    private final Model model;
    private final long[] sizes;
    private final long broadcastThresholdBytes;
    private final int treeThreshold;

    public SparkGradientSource(JavaSparkContext jsc, JavaRDD<Block> blocks, long[] sizes, Model model,
                               long broadcastThresholdBytes, int treeThreshold) {
        this.jsc = jsc;
        this.blocks = blocks;
        this.sizes = sizes.clone();
        this.model = model;
        this.broadcastThresholdBytes = broadcastThresholdBytes;
        this.treeThreshold = treeThreshold;
    }

    @Override
    public long[] partitionSizes() {
        return sizes.clone();
    }

    @Override
    public Accumulator compute(double[] params, StepPlan plan) {
        ParameterRef ref = ParameterRef.ship(jsc, params, broadcastThresholdBytes);
        try {
            return aggregate(blocks.mapPartitionsWithIndex(stepTask(model, plan, ref), true));
        } finally {
            ref.release();
        }
    }

    @Override
    public Accumulator computeAll(double[] params) {
        ParameterRef ref = ParameterRef.ship(jsc, params, broadcastThresholdBytes);
        try {
            return aggregate(blocks.mapPartitionsWithIndex(fullPassTask(model, ref), true));
        } finally {
            ref.release();
        }
    }

    /** Held-out metrics at {@code params} over {@code data}, merged in partition order. */
    public static Evaluation evaluate(JavaSparkContext jsc, JavaRDD<Block> data, Model model, double[] params,
                                      long broadcastThresholdBytes) {
        ParameterRef ref = ParameterRef.ship(jsc, params, broadcastThresholdBytes);
        try {
            List<Evaluation> parts = data.map(b -> {
                Evaluation e = new Evaluation();
                model.evaluate(b, ref.get(), e);
                return e;
            }).collect();
            Evaluation total = new Evaluation();
            for (Evaluation e : parts) total.merge(e);
            return total;
        } finally {
            ref.release();
        }
    }

    /** Per-feature weighted moments of the cached blocks in one pass, merged in partition order. */
    public static FeatureMoments featureMoments(JavaRDD<Block> blocks) {
        List<FeatureMoments> parts = blocks.map(FeatureMoments::of).collect();
        FeatureMoments total = new FeatureMoments(parts.isEmpty() ? 0 : parts.get(0).mean().length);
        for (FeatureMoments m : parts) total.merge(m);
        return total;
    }

    // The task functions are static so that the closures capture only what they name, never this source.

    private static org.apache.spark.api.java.function.Function2<Integer, Iterator<Block>, Iterator<IndexedPartial>>
            stepTask(Model model, StepPlan plan, ParameterRef ref) {
        return (index, it) -> {
            Block block = it.next();
            Accumulator acc = PartitionStep.run(model, block, index, plan, ref.get());
            return List.of(new IndexedPartial(index, acc)).iterator();
        };
    }

    private static org.apache.spark.api.java.function.Function2<Integer, Iterator<Block>, Iterator<IndexedPartial>>
            fullPassTask(Model model, ParameterRef ref) {
        return (index, it) -> {
            Accumulator acc = PartitionStep.runAll(model, it.next(), ref.get());
            return List.of(new IndexedPartial(index, acc)).iterator();
        };
    }

    private Accumulator aggregate(JavaRDD<IndexedPartial> partials) {
        int numParameters = model.numParameters();
        int parts = partials.getNumPartitions();
        ResidentTree tree = ResidentTree.of(parts, treeThreshold);
        if (!tree.twoLevel()) {
            return mergeByIndex(partials.collect(), numParameters);
        }
        int fanIn = tree.fanIn();
        int groups = tree.numGroups();
        JavaPairRDD<Integer, IndexedPartial> grouped = partials.mapToPair(p -> new Tuple2<>(p.partition / fanIn, p));
        List<Tuple2<Integer, IndexedPartial>> sums = grouped
                .groupByKey(new HashPartitioner(groups))
                .mapToPair(g -> {
                    List<IndexedPartial> members = new ArrayList<>();
                    g._2().forEach(members::add);
                    Accumulator s = mergeByIndex(members, numParameters);
                    return new Tuple2<>(g._1(), new IndexedPartial(g._1(), s));
                })
                .collect();
        List<IndexedPartial> groupSums = new ArrayList<>();
        for (Tuple2<Integer, IndexedPartial> t : sums) groupSums.add(t._2());
        return mergeByIndex(groupSums, numParameters);
    }

    private static Accumulator mergeByIndex(List<IndexedPartial> partials, int numParameters) {
        List<IndexedPartial> sorted = new ArrayList<>(partials);
        sorted.sort(Comparator.comparingInt(p -> p.partition));
        Accumulator[] ordered = new Accumulator[sorted.size()];
        for (int i = 0; i < ordered.length; i++) ordered[i] = sorted.get(i).sums;
        return PartitionStep.mergeInOrder(ordered, numParameters);
    }
}
