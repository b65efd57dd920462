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

    /** Whether the fast path reads {@code staged}: it has the plain rows, and no categorical column to encode. */
    static boolean applies(StagedInput staged) {
        return staged.records() != null && staged.categorical().isEmpty();
    }

    /** The training set: classes, feature count, then the blocks in {@code target} partitions. */
    static TrainingData training(org.apache.spark.sql.SparkSession spark, StagedInput staged,
                                 BlockLoader.Options opt) {
        JavaRDD<Row> records = staged.records();
        boolean cache = opt.classification() || staged.numericFeatures() < 0;
        if (cache) records.persist(StorageLevel.MEMORY_ONLY());
        try {
            Labels labels = opt.classification()
                    ? Errors.reportingBadRecords(staged, () -> Labels.of(Labels.distinct(records), staged, opt))
                    : Labels.REGRESSION;
            int numeric = staged.numericFeatures() >= 0 ? staged.numericFeatures()
                    : Errors.reportingBadRecords(staged, () -> largestIndex(records, staged));
            DataSpec spec = BlockLoader.spec(staged, opt, labels, numeric, new String[0][]);
            int target = opt.partitions() != null ? opt.partitions()
                    : Math.max(staged.inputPartitions(), spark.sparkContext().defaultParallelism());
            Set<String> notNumbers = opt.skipBadRecords() ? Set.copyOf(labels.notNumbers) : Set.of();
            boolean skip = opt.skipBadRecords();
            JavaPairRDD<Integer, PackedRows> packs = records.mapPartitionsWithIndex(
                    (p, it) -> spread(p, it, target, skip, notNumbers), true)
                    .mapToPair(t -> t)
                    .partitionBy(new org.apache.spark.HashPartitioner(target));
            BlockAssembler.Plan plan = BlockAssembler.plan(staged, spec, labels, opt);
            JavaRDD<BlockAssembler.PartitionBlock> built = packs.mapPartitions(it -> {
                List<PackedRows> mine = new ArrayList<>();
                while (it.hasNext()) mine.add(it.next()._2());
                Map<String, Long> before = new TreeMap<>();
                for (PackedRows pr : mine) pr.skipped.forEach((k, v) -> before.merge(k, v, Long::sum));
                BlockAssembler.PartitionBlock b = BlockAssembler.build(PackedRows.rows(mine), plan);
                before.forEach((k, v) -> b.summary().skipped.merge(k, v, Long::sum));
                return List.of(b).iterator();
            }, true);
            return BlockAssembler.finish(built, staged, labels, spec, opt, true, Map.of());
        } finally {
            if (cache) records.unpersist(false);
        }
    }

    /** A held-out set: its blocks in the input's partitions and order, as {@link BlockLoader#heldOut} builds them. */
    static TrainingData heldOut(StagedInput staged, BlockLoader.Options opt, DataSpec train) {
        Labels labels = Labels.of(train);
        BlockAssembler.Plan plan = BlockAssembler.plan(staged, train, labels, opt);
        boolean skip = opt.skipBadRecords();
        JavaRDD<BlockAssembler.PartitionBlock> built = staged.records().mapPartitions(it -> {
            Map<String, Long> before = new TreeMap<>();
            Iterator<Row> good = skip ? withoutBad(it, Set.of(), before) : it;
            BlockAssembler.PartitionBlock b = BlockAssembler.build(good, plan);
            before.forEach((k, v) -> b.summary().skipped.merge(k, v, Long::sum));
            return List.of(b).iterator();
        }, true);
        return BlockAssembler.finish(built, staged, labels, train, opt, false, Map.of());
    }

    /**
     * One source partition's rows, each to the partition {@code repartition(target, id)} sends it to, packed per
     * target (every target gets a pack, so the skip counts travel with target 0's). With {@code skip}, bad records
     * (and labels among {@code notNumbers}) leave before the ids are given, as {@link Skipping} takes them out.
     */
    static Iterator<Tuple2<Integer, PackedRows>> spread(int source, Iterator<Row> rows, int target, boolean skip,
                                                      Set<String> notNumbers) {
        PackedRows[] packs = new PackedRows[target];
        for (int t = 0; t < target; t++) packs[t] = new PackedRows(source);
        Iterator<Row> good = skip ? withoutBad(rows, notNumbers, packs[0].skipped) : rows;
        long id = (long) source << 33; // monotonically_increasing_id: the partition in the upper 31 bits
        while (good.hasNext()) {
            Row r = good.next();
            packs[Math.floorMod(Murmur3_x86_32.hashLong(id++, SQL_HASH_SEED), target)].add(r);
        }
        List<Tuple2<Integer, PackedRows>> out = new ArrayList<>(target);
        for (int t = 0; t < target; t++) out.add(new Tuple2<>(t, packs[t].trim()));
        return out.iterator();
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

    /** {@link LibsvmStager#largestIndex} over the cached rows. */
    private static int largestIndex(JavaRDD<Row> records, StagedInput staged) {
        int max = records.map(r -> {
            if (StagedRows.badReason(r) != null) return 0;
            int[] idx = ((org.apache.spark.ml.linalg.SparseVector) StagedRows.features(r)).indices();
            return idx.length == 0 ? 0 : idx[idx.length - 1] + 1;
        }).fold(0, Math::max);
        if (max == 0) {
            throw new dev.steepest.spark.InputError(staged.key() + ": '" + staged.path()
                    + "' has no features (no index:value pairs)");
        }
        return max;
    }
}
