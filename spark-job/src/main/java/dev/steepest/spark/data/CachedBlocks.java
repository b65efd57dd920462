package dev.steepest.spark.data;

import dev.steepest.core.data.Block;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.Dependency;
import org.apache.spark.Partition;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.BlockManagerId;
import org.apache.spark.storage.BlockResult;
import org.apache.spark.storage.RDDBlockId;
import org.apache.spark.storage.StorageLevel;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.jdk.javaapi.CollectionConverters;

/**
 * {@code data.truncate-lineage}: the cached blocks of a persisted RDD ({@code source}, which keeps its whole lineage
 * back to the input) read through an RDD without parents, so that a step's task ships no reading plan — what
 * Spark's {@code localCheckpoint} gives, but recoverable. {@code localCheckpoint} cuts the lineage itself: a block
 * lost with its executor can then never be recomputed, and the run fails with Spark's
 * {@code CHECKPOINT_RDD_BLOCK_ID_NOT_FOUND}. Here the source keeps its lineage and only the steps read past it:
 * a task whose block no executor holds fails with {@link LostBlockException}, and the driver recomputes exactly
 * the lost partitions from the input ({@link #restoreLost}) — deterministically, since the loader's row order and
 * partitioning are pure functions of the input — and runs the step again.
 *
 * <p>The source is kept {@code MEMORY_AND_DISK} (as {@code localCheckpoint} would make it), so that memory
 * pressure spills a block instead of dropping it.
 */
public final class CachedBlocks extends RDD<Block> {
    private static final long serialVersionUID = 1L;
    /** As the Java API's own RDDs (JavaSparkContext.fakeClassTag): results then travel as Object[], which Kryo
     *  knows, and the source's blocks were stored under the same tag. */
    @SuppressWarnings("unchecked")
    private static final ClassTag<Block> TAG = (ClassTag<Block>) (ClassTag<?>) ClassTag$.MODULE$.AnyRef();
    /** How long the driver reuses the block locations it asked for (they are only scheduling hints). */
    private static final long LOCATIONS_NANOS = 1_000_000_000L;

    private final transient JavaRDD<Block> source;
    private final int sourceId;
    private final int numPartitions;
    private transient List<List<String>> locations;
    private transient long locationsAt;

    private CachedBlocks(JavaRDD<Block> source) {
        super(source.context(), noDependencies(), TAG);
        this.source = source;
        this.sourceId = source.id();
        this.numPartitions = source.getNumPartitions();
    }

    /**
     * Persists {@code source} and returns what the steps read: with {@code truncateLineage} these cached blocks
     * without the lineage (source kept on memory and disk), else the source itself (memory only; Spark recomputes a
     * lost partition from the lineage in the task).
     */
    public static JavaRDD<Block> cache(JavaRDD<Block> source, boolean truncateLineage) {
        source.persist(truncateLineage ? StorageLevel.MEMORY_AND_DISK() : StorageLevel.MEMORY_ONLY());
        return truncateLineage ? new JavaRDD<>(new CachedBlocks(source), TAG) : source;
    }

    /** The RDD with the lineage behind {@code blocks}: its source if it is cached blocks, else itself. */
    public static JavaRDD<Block> lineage(JavaRDD<Block> blocks) {
        return blocks.rdd() instanceof CachedBlocks c ? c.source : blocks;
    }

    /** Drops the cached blocks (the source's). */
    public static void release(JavaRDD<Block> blocks) {
        lineage(blocks).unpersist(false);
    }

    /**
     * Recomputes from the lineage, and caches again, exactly the partitions of {@code blocks} whose block no
     * executor holds but those in {@code lostExecutors} (ids of executors Spark reported removed: the block
     * manager may list their blocks a moment longer); returns their indices (none for blocks that Spark recomputes
     * itself).
     */
    public static int[] restoreLost(JavaRDD<Block> blocks, java.util.Set<String> lostExecutors) {
        if (!(blocks.rdd() instanceof CachedBlocks c)) return new int[0];
        List<List<String>> where = c.askLocations();
        List<Integer> lost = new ArrayList<>();
        for (int p = 0; p < where.size(); p++) {
            if (where.get(p).stream().allMatch(h -> lostExecutors.contains(h.substring(h.lastIndexOf('_') + 1)))) {
                lost.add(p);
            }
        }
        if (lost.isEmpty()) return new int[0];
        int[] ids = lost.stream().mapToInt(Integer::intValue).toArray();
        // iterating a partition of the persisted source computes and caches its block
        c.source.mapPartitions(it -> List.of(it.hasNext() ? 1 : 0).iterator(), true).collectPartitions(ids);
        synchronized (c) {
            c.locations = null;
        }
        return ids;
    }

    @Override
    public Partition[] getPartitions() {
        Partition[] parts = new Partition[numPartitions];
        for (int p = 0; p < numPartitions; p++) parts[p] = new Index(p);
        return parts;
    }

    @Override
    public scala.collection.Iterator<Block> compute(Partition split, TaskContext context) {
        Option<BlockResult> found = SparkEnv.get().blockManager().get(new RDDBlockId(sourceId, split.index()), TAG);
        if (found.isEmpty()) throw new LostBlockException(sourceId, split.index());
        @SuppressWarnings("unchecked")
        scala.collection.Iterator<Block> data = (scala.collection.Iterator<Block>) (Object) found.get().data();
        return data;
    }

    /** Where the executors that hold the block are (executor-exact, as Spark's own cache locations). */
    @Override
    public Seq<String> getPreferredLocations(Partition split) {
        List<List<String>> where;
        synchronized (this) {
            if (locations == null || System.nanoTime() - locationsAt > LOCATIONS_NANOS) {
                locations = askLocations();
                locationsAt = System.nanoTime();
            }
            where = locations;
        }
        return CollectionConverters.asScala(where.get(split.index())).toList();
    }

    private List<List<String>> askLocations() {
        BlockId[] ids = new BlockId[numPartitions];
        for (int p = 0; p < numPartitions; p++) ids[p] = new RDDBlockId(sourceId, p);
        List<List<String>> where = new ArrayList<>();
        for (Seq<BlockManagerId> holders : CollectionConverters.asJava(
                SparkEnv.get().blockManager().master().getLocations(ids))) {
            List<String> hosts = new ArrayList<>();
            for (BlockManagerId bm : CollectionConverters.asJava(holders)) {
                hosts.add("executor_" + bm.host() + "_" + bm.executorId());
            }
            where.add(hosts);
        }
        return where;
    }

    private static Seq<Dependency<?>> noDependencies() {
        return CollectionConverters.asScala(new ArrayList<Dependency<?>>()).toList();
    }

    /** A partition of the cached blocks: its index. */
    private record Index(int index) implements Partition {
    }
}
