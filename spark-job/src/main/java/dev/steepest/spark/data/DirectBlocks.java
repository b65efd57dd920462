package dev.steepest.spark.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.unsafe.hash.Murmur3_x86_32;
import scala.Tuple2;

/**
 * The fast path from staged rows to blocks (issue 17), for data sets without categorical columns: the stager's
 * plain row RDD ({@link StagedInput#records}) straight into blocks, without Spark SQL in between. The rows are
 * parsed once (cached while the classes and, for LibSVM, the feature count are found), spread over the
 * partitions exactly as {@link BlockLoader}'s SQL plan spreads them — the id {@code monotonically_increasing_id}
 * gives a row, hashed as {@code repartition(n, id)} hashes it, blocks in id order — shipped in
 * {@link PackedRows}, and built by the same {@link BlockAssembler#build}: the same blocks, bit for bit, the
 * same bad-record messages and skip counts.
 */
final class DirectBlocks {
    /** Spark SQL's seed of {@code Murmur3Hash}, which {@code HashPartitioning} takes the partition from. */
    private static final int SQL_HASH_SEED = 42;

    private DirectBlocks() {
    }

    /** Whether the fast path reads {@code staged}: it has the plain rows or packs, and no categorical column. */
    static boolean applies(StagedInput staged) {
        return (staged.records() != null || staged.packs() != null) && staged.categorical().isEmpty();
    }

    /**
     * The training set: classes, feature count, then the blocks in {@code target} partitions — in local mode
     * gathered from the cached packs ({@link GatheredBlocks}) while memory holds them, else through Spark's
     * shuffle.
     */
    static TrainingData training(org.apache.spark.sql.SparkSession spark, StagedInput staged,
                                 BlockLoader.Options opt) {
        return training(spark, staged, opt, spark.sparkContext().isLocal());
    }

    /**
     * {@link #training(org.apache.spark.sql.SparkSession, StagedInput, BlockLoader.Options)}, gathering the blocks
     * ({@code gather}, when every pack is cached in memory) or shuffling the rows to them: the same blocks either
     * way.
     */
    static TrainingData training(org.apache.spark.sql.SparkSession spark, StagedInput staged,
                                 BlockLoader.Options opt, boolean gather) {
        // one pack per input partition: the rows parsed once, cached (exact, narrow) while the classes and the
        // feature count are found
        JavaRDD<PackedRows> parts = staged.packs() != null ? staged.packs()
                : staged.records().mapPartitionsWithIndex((p, it) -> {
                    PackedRows pack = new PackedRows(p);
                    while (it.hasNext()) pack.add(it.next());
                    return List.of(pack.trim()).iterator();
                }, true);
        // the stager may have cached its packs already (ParquetStager: the vector size came from them); gathering
        // reads every cached pack from each block's task, so the packs must be cached for it
        boolean cachedBefore = parts.getStorageLevel() != StorageLevel.NONE();
        boolean cache = cachedBefore || gather || opt.classification() || staged.numericFeatures() < 0;
        // on disk what memory cannot hold: a dropped pack is parsed again, by every block that gathers from it
        if (cache && !cachedBefore) parts.persist(StorageLevel.MEMORY_AND_DISK());
        try {
            // the classes and the LibSVM feature count, from one pass over the packs (or the stager's)
            boolean needFacts = opt.classification() || staged.numericFeatures() < 0;
            List<PackFacts> facts = staged.facts() != null || !needFacts ? staged.facts()
                    : Errors.reportingBadRecords(staged, () -> parts.map(PackFacts::of).collect());
            Labels labels = opt.classification()
                    ? Errors.reportingBadRecords(staged, () -> Labels.of(PackFacts.labels(facts), staged, opt))
                    : Labels.REGRESSION;
            int numeric = staged.numericFeatures() >= 0 ? staged.numericFeatures()
                    : PackFacts.largestIndex(facts, staged);
            DataSpec spec = BlockLoader.spec(staged, opt, labels, numeric, new String[0][]);
            int target = opt.partitions() != null ? opt.partitions()
                    : Math.max(staged.inputPartitions(), spark.sparkContext().defaultParallelism());
            Set<String> notNumbers = opt.skipBadRecords() ? Set.copyOf(labels.notNumbers) : Set.of();
            boolean skip = opt.skipBadRecords();
            BlockAssembler.Plan plan = BlockAssembler.plan(staged, spec, labels, opt);
            JavaRDD<BlockAssembler.PartitionBlock> built;
            // every block's task reads every pack: parse them first, in their own tasks (the passes above did,
            // unless no classes and no feature count were to be found)
            if (gather && facts == null && !cachedBefore) Errors.reportingBadRecords(staged, parts::count);
            // and gather only while memory holds them all: each block would read a spilled pack from disk again
            if (gather && allInMemory(spark, parts)) {
                built = GatheredBlocks.of(parts, target, skip, notNumbers, plan);
            } else {
                JavaPairRDD<Integer, PackedRows> packs = parts
                        .flatMap(pack -> spread(pack, target, skip, notNumbers))
                        .mapToPair(t -> t)
                        .partitionBy(new org.apache.spark.HashPartitioner(target));
                built = packs.mapPartitions(it -> {
                    List<PackedRows> mine = new ArrayList<>();
                    while (it.hasNext()) mine.add(it.next()._2());
                    return List.of(BlockAssembler.build(mine, plan)).iterator();
                }, true);
            }
            return BlockAssembler.finish(built, staged, labels, spec, opt, true, Map.of());
        } finally {
            if (cache) parts.unpersist(false);
        }
    }

    /** Whether every partition of the cached {@code rdd} is in memory (none spilled to disk, none dropped). */
    private static boolean allInMemory(org.apache.spark.sql.SparkSession spark, JavaRDD<?> rdd) {
        for (org.apache.spark.storage.RDDInfo info : spark.sparkContext().getRDDStorageInfo()) {
            if (info.id() == rdd.id()) {
                return info.numCachedPartitions() == rdd.getNumPartitions() && info.diskSize() == 0;
            }
        }
        return false;
    }

    /** A held-out set: its blocks in the input's partitions and order, as {@link BlockLoader#heldOut} builds them. */
    static TrainingData heldOut(StagedInput staged, BlockLoader.Options opt, DataSpec train) {
        Labels labels = Labels.of(train);
        BlockAssembler.Plan plan = BlockAssembler.plan(staged, train, labels, opt);
        boolean skip = opt.skipBadRecords();
        if (staged.packs() != null) {
            JavaRDD<BlockAssembler.PartitionBlock> built = staged.packs().map(pack -> {
                Map<String, Long> before = new TreeMap<>();
                BlockAssembler.PartitionBlock b = BlockAssembler.build(List.of(skip ? withoutBad(pack, before) : pack),
                        plan);
                before.forEach((k, v) -> b.summary().skipped.merge(k, v, Long::sum));
                return b;
            });
            try {
                return BlockAssembler.finish(built, staged, labels, train, opt, false, Map.of());
            } finally {
                staged.packs().unpersist(false); // cached by the stager, if at all
            }
        }
        JavaRDD<BlockAssembler.PartitionBlock> built = staged.records().mapPartitions(it -> {
            Map<String, Long> before = new TreeMap<>();
            Iterator<Row> good = skip ? withoutBad(it, Set.of(), before) : it;
            BlockAssembler.PartitionBlock b = BlockAssembler.build(good, plan);
            before.forEach((k, v) -> b.summary().skipped.merge(k, v, Long::sum));
            return List.of(b).iterator();
        }, true);
        return BlockAssembler.finish(built, staged, labels, train, opt, false, Map.of());
    }

    /** Where {@link #assign} sends a source's rows. */
    interface Assignment {
        /** Row {@code i} of the source goes to block {@code target}. */
        void row(int target, int i);

        /** A record left out before the ids were given ({@code data.on-bad-record = skip}), for {@code reason}. */
        void skipped(String reason);
    }

    /**
     * The row order of the blocks, in one place for the shuffle ({@link #spread}) and the gathering
     * ({@link GatheredBlocks}): {@code source}'s rows in order, each to the partition {@code repartition(target, id)}
     * sends it to. With {@code skip}, bad records (and labels among {@code notNumbers}) leave before the ids are
     * given, as {@link Skipping} takes them out.
     */
    static void assign(PackedRows source, int target, boolean skip, Set<String> notNumbers, Assignment to) {
        long id = (long) source.source << 33; // monotonically_increasing_id: the partition in the upper 31 bits
        for (int i = 0; i < source.n; i++) {
            if (skip) {
                String reason = source.bad[i];
                if (reason == null && notNumbers.contains(source.label[i])) reason = BadRecord.NOT_A_NUMBER;
                if (reason != null) {
                    to.skipped(reason);
                    continue;
                }
            }
            to.row(Math.floorMod(Murmur3_x86_32.hashLong(id++, SQL_HASH_SEED), target), i);
        }
    }

    /**
     * One source partition's rows packed per target as {@link #assign} sends them, for the shuffle (every target
     * gets a pack, so the skip counts travel with target 0's).
     */
    static Iterator<Tuple2<Integer, PackedRows>> spread(PackedRows source, int target, boolean skip,
                                                      Set<String> notNumbers) {
        PackedRows[] packs = new PackedRows[target];
        // hashing spreads the rows evenly: room for a share and a margin, so that a pack seldom grows
        int rows = (int) Math.min(source.n, source.n / (long) target * 9 / 8 + 16);
        int values = (int) Math.min(source.valueCount, source.valueCount / (long) target * 9 / 8 + 1024);
        boolean sparse = source.indices.length > 0;
        for (int t = 0; t < target; t++) packs[t] = new PackedRows(source.source, rows, values, sparse);
        assign(source, target, skip, notNumbers, new Assignment() {
            @Override
            public void row(int t, int i) {
                packs[t].addFrom(source, i);
            }

            @Override
            public void skipped(String reason) {
                packs[0].skipped.merge(reason, 1L, Long::sum);
            }
        });
        List<Tuple2<Integer, PackedRows>> out = new ArrayList<>(target);
        for (int t = 0; t < target; t++) out.add(new Tuple2<>(t, packs[t].trim().compactIndices()));
        return out.iterator();
    }

    /** {@code pack} without its bad records, counted into {@code counts} (as {@link #withoutBad(Iterator, Set, Map)}). */
    private static PackedRows withoutBad(PackedRows pack, Map<String, Long> counts) {
        PackedRows good = new PackedRows(pack.source, pack.n, pack.valueCount, pack.indices.length > 0);
        for (int i = 0; i < pack.n; i++) {
            if (pack.bad[i] == null) good.addFrom(pack, i);
            else counts.merge(pack.bad[i], 1L, Long::sum);
        }
        return good.trim();
    }

    /** {@code rows} without the bad records (and labels among {@code notNumbers}), counted into {@code counts}. */
    private static Iterator<Row> withoutBad(Iterator<Row> rows, Set<String> notNumbers, Map<String, Long> counts) {
        return new Iterator<>() {
            private Row next;

            @Override
            public boolean hasNext() {
                while (next == null && rows.hasNext()) {
                    Row r = rows.next();
                    String reason = StagedRows.badReason(r);
                    if (reason == null && notNumbers.contains(StagedRows.label(r))) reason = BadRecord.NOT_A_NUMBER;
                    if (reason == null) next = r;
                    else counts.merge(reason, 1L, Long::sum);
                }
                return next != null;
            }

            @Override
            public Row next() {
                if (!hasNext()) throw new java.util.NoSuchElementException();
                Row r = next;
                next = null;
                return r;
            }
        };
    }
}
