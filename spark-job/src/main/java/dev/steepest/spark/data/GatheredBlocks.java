package dev.steepest.spark.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.Dependency;
import org.apache.spark.NarrowDependency;
import org.apache.spark.Partition;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The blocks of {@link DirectBlocks} built straight from the cached source packs, without Spark's shuffle: block
 * {@code t}'s task reads every source pack (in local mode they are in its own JVM, by reference) and takes the
 * rows {@link DirectBlocks#assign} sends to {@code t}, in source order — the rows, in the order, that the shuffle
 * would have delivered — so the block is the same, bit for bit. The shuffle instead packs every row into a pack
 * per block, serializes, compresses and writes those to disk, and reads them back (a third of a cold load of the
 * Fashion-MNIST CSV, measured in issue 17). On a cluster most source packs are on other executors, and each
 * block's task would fetch them all: there the loader keeps the shuffle.
 *
 * <p>Each block depends on every source partition (a narrow dependency on all of them, as Spark's own
 * {@code CartesianRDD} has): a lost block is recomputed from the sources, and they, once uncached, from the input.
 */
final class GatheredBlocks extends RDD<BlockAssembler.PartitionBlock> {
    private static final long serialVersionUID = 1L;
    @SuppressWarnings("unchecked")
    private static final ClassTag<BlockAssembler.PartitionBlock> TAG =
            (ClassTag<BlockAssembler.PartitionBlock>) (ClassTag<?>) ClassTag$.MODULE$.AnyRef();

    private final RDD<PackedRows> sources;
    private final int target;
    private final boolean skip;
    private final Set<String> notNumbers;
    private final BlockAssembler.Plan plan;

    private GatheredBlocks(RDD<PackedRows> sources, int target, boolean skip, Set<String> notNumbers,
                           BlockAssembler.Plan plan) {
        super(sources.context(), dependsOnAll(sources), TAG);
        this.sources = sources;
        this.target = target;
        this.skip = skip;
        this.notNumbers = notNumbers;
        this.plan = plan;
    }

    /** The {@code target} blocks of {@code sources} (one pack per partition; cached, else each block recomputes them). */
    static JavaRDD<BlockAssembler.PartitionBlock> of(JavaRDD<PackedRows> sources, int target, boolean skip,
                                                     Set<String> notNumbers, BlockAssembler.Plan plan) {
        return new JavaRDD<>(new GatheredBlocks(sources.rdd(), target, skip, notNumbers, plan), TAG);
    }

    @Override
    public Partition[] getPartitions() {
        Partition[] parts = new Partition[target];
        Partition[] of = sources.partitions();
        for (int t = 0; t < target; t++) parts[t] = new Index(t, of);
        return parts;
    }

    @Override
    public scala.collection.Iterator<BlockAssembler.PartitionBlock> compute(Partition split, TaskContext context) {
        List<PackedRows> packs = new ArrayList<>();
        for (Partition p : ((Index) split).sources()) {
            scala.collection.Iterator<PackedRows> it = sources.iterator(p, context);
            while (it.hasNext()) packs.add(it.next());
        }
        return CollectionConverters.asScala(List.of(block(packs, split.index(), target, skip, notNumbers, plan))
                .iterator());
    }

    /**
     * Block {@code t} of {@code target} from the source packs {@code packs}: the rows {@link DirectBlocks#assign}
     * sends to {@code t}, in source order, with the records skipped before the ids counted in block 0's summary (as
     * the shuffle carries them).
     */
    static BlockAssembler.PartitionBlock block(List<PackedRows> packs, int t, int target, boolean skip,
                                               Set<String> notNumbers, BlockAssembler.Plan plan) {
        List<PackedRows> sorted = PackedRows.inSourceOrder(packs);
        List<Chosen> chosen = new ArrayList<>(sorted.size());
        Map<String, Long> skipped = new TreeMap<>();
        int rows = 0;
        long entries = 0;
        for (PackedRows p : sorted) {
            Chosen c = new Chosen(t, target, p.n, t == 0 ? skipped : null);
            DirectBlocks.assign(p, target, skip, notNumbers, c);
            chosen.add(c);
            rows += c.count;
            for (int k = 0; k < c.count; k++) entries += p.blockEntries(c.rows[k], plan.sparse());
        }
        PackedBlockBuilder builder = new PackedBlockBuilder(plan, rows, entries);
        builder.skippedBefore(skipped);
        for (int s = 0; s < sorted.size(); s++) {
            Chosen c = chosen.get(s);
            for (int k = 0; k < c.count; k++) builder.add(sorted.get(s), c.rows[k]);
        }
        return builder.build();
    }

    /** The rows of one source that {@link DirectBlocks#assign} sends to block {@code t}, and (block 0) the skipped. */
    private static final class Chosen implements DirectBlocks.Assignment {
        private final int t;
        private final Map<String, Long> skipped;
        int[] rows;
        int count;

        Chosen(int t, int target, int sourceRows, Map<String, Long> skipped) {
            this.t = t;
            this.skipped = skipped;
            this.rows = new int[(int) Math.min(sourceRows, sourceRows / (long) target * 9 / 8 + 16)];
        }

        @Override
        public void row(int to, int i) {
            if (to != t) return;
            if (count == rows.length) rows = Arrays.copyOf(rows, 2 * count + 1);
            rows[count++] = i;
        }

        @Override
        public void skipped(String reason) {
            if (skipped != null) skipped.merge(reason, 1L, Long::sum);
        }
    }

    private static Seq<Dependency<?>> dependsOnAll(RDD<PackedRows> sources) {
        List<Dependency<?>> deps = new ArrayList<>();
        deps.add(new AllOf(sources));
        return CollectionConverters.asScala(deps).toList();
    }

    /** Every partition of the block depends on every source partition. */
    private static final class AllOf extends NarrowDependency<PackedRows> {
        private static final long serialVersionUID = 1L;

        AllOf(RDD<PackedRows> sources) {
            super(sources);
        }

        @Override
        public Seq<Object> getParents(int partitionId) {
            List<Object> all = new ArrayList<>();
            for (int p = 0; p < rdd().partitions().length; p++) all.add(p);
            return CollectionConverters.asScala(all).toList();
        }
    }

    /** A block's partition: its index, and the source partitions it reads (an RDD's own are not on executors). */
    private record Index(int index, Partition[] sources) implements Partition {
    }
}
