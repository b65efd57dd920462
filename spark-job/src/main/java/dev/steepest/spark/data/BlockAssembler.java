package dev.steepest.spark.data;

import dev.steepest.core.data.Block;
import dev.steepest.core.data.BlockBuilder;
import dev.steepest.core.data.Precision;
import dev.steepest.spark.InputError;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Encoded staged rows, already in their partitions and order, to one cached {@link Block} per partition (dense
 * row-major, or CSR for sparse input), applying {@code data.on-bad-record}: {@code fail} stops at a bad record
 * naming its file and line, {@code skip} leaves it out and counts it by reason.
 */
final class BlockAssembler {
    private BlockAssembler() {
    }

    /** What a partition's block builder needs: where everything is in the encoded rows. */
    record Plan(String key, int numeric, boolean sparse, int[] categorySizes, int[] oneHotColumns,
                        Labels labels, boolean skip, boolean textLines, Precision precision) implements Serializable {
    }

    /** A block and what its partition's summary says, built in one pass over the partition's rows. */
    record PartitionBlock(Block block, BlockSummary summary) implements Serializable {
    }

    /** Builds and caches the blocks; {@code training}: a constant regression label is an input error. */
    static TrainingData assemble(Dataset<Row> rows, StagedInput staged, DataSpec spec, Labels labels,
                                 BlockLoader.Options opt, boolean training, Map<String, Long> skippedBefore) {
        int n = spec.categoricalColumns().size();
        int[] sizes = new int[n];
        int[] columns = new int[n];
        for (int c = 0; c < n; c++) {
            sizes[c] = spec.categories()[c].length;
            columns[c] = rows.schema().fieldIndex(Categories.oneHotColumn(c));
        }
        Plan plan = new Plan(staged.key(), spec.numericFeatures(), spec.sparse(), sizes, columns, labels,
                opt.skipBadRecords(), staged.textLines(), opt.precision());
        JavaRDD<PartitionBlock> built = rows.javaRDD().mapPartitions(it -> List.of(build(it, plan)).iterator(), true);
        return finish(built, staged, labels, spec, opt, training, skippedBefore);
    }

    /** The builder's plan for a data set without categorical columns ({@link DirectBlocks}). */
    static Plan plan(StagedInput staged, DataSpec spec, Labels labels, BlockLoader.Options opt) {
        return new Plan(staged.key(), spec.numericFeatures(), spec.sparse(), new int[0], new int[0], labels,
                opt.skipBadRecords(), staged.textLines(), opt.precision());
    }

    /**
     * Caches the blocks {@code built} makes (one per partition, with its summary), collects the summaries and
     * checks what they say; {@code skippedBefore}: records skipped before the blocks, counted per reason.
     */
    static TrainingData finish(JavaRDD<PartitionBlock> built, StagedInput staged, Labels labels, DataSpec spec,
                               BlockLoader.Options opt, boolean training, Map<String, Long> skippedBefore) {
        built.persist(StorageLevel.MEMORY_ONLY());
        List<BlockSummary> summaries;
        JavaRDD<Block> lineage = built.map(PartitionBlock::block);
        // with data.truncate-lineage, every later step ships a task whose RDD has no parents (measured: about
        // 9 ms instead of 12.5 ms a step on the samples in local[2], docs/BENCHMARKS.md), while the cached
        // source keeps its lineage: a lost executor's blocks are recomputed from the input (CachedBlocks)
        JavaRDD<Block> blocks = CachedBlocks.cache(lineage, opt.truncateLineage());
        try {
            // one job caches the blocks and brings back their summaries: each task computes its block (cached with
            // its summary) through the blocks' own cache, then reads the summary back
            summaries = Errors.reportingBadRecords(staged, () -> lineage.zipPartitions(built, (cached, both) -> {
                while (cached.hasNext()) cached.next();
                List<BlockSummary> one = new java.util.ArrayList<>(1);
                while (both.hasNext()) one.add(both.next().summary());
                return one.iterator();
            }).collect());
        } catch (RuntimeException e) {
            CachedBlocks.release(blocks);
            throw e;
        } finally {
            built.unpersist(false);
        }
        long[] rowsPer = summaries.stream().mapToLong(s -> s.rows).toArray();
        long bytes = summaries.stream().mapToLong(s -> s.bytes).sum();
        Map<String, Long> skipped = new TreeMap<>(skippedBefore);
        for (BlockSummary s : summaries) s.skipped.forEach((k, v) -> skipped.merge(k, v, Long::sum));
        TrainingData data = new TrainingData(blocks, rowsPer, bytes, spec, staged.path(), skipped);
        if (data.numRows() == 0) {
            data.release();
            throw new InputError(staged.key() + ": '" + staged.path() + "' has no rows"
                    + (skipped.isEmpty() ? "" : " after skipping " + data.skippedRows() + " bad records " + skipped));
        }
        if (training) {
            double lo = summaries.stream().mapToDouble(s -> s.minLabel).min().orElse(0);
            double hi = summaries.stream().mapToDouble(s -> s.maxLabel).max().orElse(0);
            try {
                labels.checkNotConstant(staged.key(), staged.path(), lo, hi);
            } catch (InputError e) {
                data.release();
                throw e;
            }
        }
        return data;
    }

    static PartitionBlock build(Iterator<Row> rows, Plan plan) {
        int slots = 0;
        for (int s : plan.categorySizes()) slots += s;
        int d = plan.numeric() + slots;
        BlockBuilder builder = new BlockBuilder(d, plan.sparse(), plan.precision());
        double[] x = plan.sparse() ? null : new double[d];
        Map<String, Long> skipped = new TreeMap<>();
        while (rows.hasNext()) {
            Row r = rows.next();
            String reason = StagedRows.badReason(r);
            String detail = StagedRows.badDetail(r);
            double label = 0;
            if (reason == null) {
                String text = StagedRows.label(r);
                label = plan.labels().value(text);
                if (Double.isNaN(label)) {
                    String[] problem = plan.labels().problem(text);
                    reason = problem[0];
                    detail = problem[1];
                }
            }
            Vector v = reason == null ? StagedRows.features(r) : null;
            if (reason == null && !(v instanceof SparseVector) && v.size() != plan.numeric()) {
                reason = BadRecord.MALFORMED;
                detail = BadRecord.wrongLength(v.size(), plan.numeric());
            }
            if (reason == null && plan.precision() == Precision.FLOAT32) {
                double[] values = v instanceof SparseVector sv ? sv.values() : v.toArray();
                for (double value : values) {
                    if (Math.abs(value) > Float.MAX_VALUE) {
                        reason = BadRecord.NON_FINITE;
                        detail = BadRecord.beyondFloat32(value);
                        break;
                    }
                }
            }
            if (reason != null) {
                if (!plan.skip() || !BadRecord.skippable(reason)) {
                    throw new BadRecord(plan.key(), StagedRows.file(r), StagedRows.position(r), plan.textLines(),
                            reason, detail);
                }
                skipped.merge(reason, 1L, Long::sum);
                continue;
            }
            double weight = StagedRows.weight(r);
            if (plan.sparse()) {
                SparseVector sv = v instanceof SparseVector s ? s : v.toSparse();
                int[] idx = sv.indices();
                if (idx.length > 0 && idx[idx.length - 1] >= plan.numeric()) {
                    throw new BadRecord(plan.key(), StagedRows.file(r), StagedRows.position(r), plan.textLines(),
                            BadRecord.BAD_INDEX, "index " + (idx[idx.length - 1] + 1) + " is beyond the "
                            + plan.numeric() + " features training had");
                }
                builder.addSparse(label, weight, idx, sv.values(), idx.length);
            } else {
                Arrays.fill(x, 0.0);
                copyInto(v, x, 0);
                int offset = plan.numeric();
                for (int c = 0; c < plan.categorySizes().length; c++) {
                    copyInto((Vector) r.get(plan.oneHotColumns()[c]), x, offset);
                    offset += plan.categorySizes()[c];
                }
                builder.addDense(label, weight, x);
            }
        }
        Block block = builder.build();
        return new PartitionBlock(block, new BlockSummary(block, skipped));
    }

    /**
     * {@link #build(Iterator, Plan)} of {@code PackedRows.rows(packs)} — the same checks in the same order, the
     * same messages, the same block — by {@link PackedBlockBuilder}, over the packs as the shuffle delivered them
     * ({@link DirectBlocks#spread}: their indices compacted); their skip counts go to the block's summary.
     */
    static PartitionBlock build(List<PackedRows> packs, Plan plan) {
        int rows = 0;
        long entries = 0;
        for (PackedRows p : packs) {
            p.expandIndices(); // as shipped by DirectBlocks.spread
            rows += p.n;
            for (int i = 0; i < p.n; i++) entries += p.blockEntries(i, plan.sparse());
        }
        PackedBlockBuilder builder = new PackedBlockBuilder(plan, rows, entries);
        for (PackedRows p : PackedRows.inSourceOrder(packs)) {
            builder.skippedBefore(p.skipped);
            for (int i = 0; i < p.n; i++) builder.add(p, i);
        }
        return builder.build();
    }

    /** Writes {@code v}'s values into {@code x} from position {@code offset} on (x is zero where v is sparse). */
    private static void copyInto(Vector v, double[] x, int offset) {
        if (v instanceof SparseVector sv) {
            int[] idx = sv.indices();
            double[] val = sv.values();
            for (int k = 0; k < idx.length; k++) x[offset + idx[k]] = val[k];
        } else {
            double[] val = v.toArray();
            System.arraycopy(val, 0, x, offset, val.length);
        }
    }
}
