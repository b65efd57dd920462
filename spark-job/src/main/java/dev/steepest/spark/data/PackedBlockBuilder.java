package dev.steepest.spark.data;

import dev.steepest.core.data.Block;
import dev.steepest.core.data.BlockBuilder;
import dev.steepest.core.data.Precision;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * One partition's block built from packed rows, a row at a time, with {@link BlockAssembler#build(java.util.Iterator,
 * BlockAssembler.Plan)}'s checks in its order and its messages — read straight from the packs' arrays, without a
 * {@code Row} and a Spark ML vector per record (a {@code SparseVector}'s constructor checks its indices through a
 * boxing loop: the Parquet profile in docs/BENCHMARKS.md). Only for plans without categorical columns, as
 * {@link DirectBlocks} has them. The rows come from the packs the shuffle delivered ({@link BlockAssembler#build(
 * java.util.List, BlockAssembler.Plan)}) or straight from the cached source packs ({@link GatheredBlocks}); either
 * way the same rows in the same order give the same block, bit for bit.
 */
final class PackedBlockBuilder {
    private final BlockAssembler.Plan plan;
    private final int d;
    private final BlockBuilder builder;
    private final double[] x;
    private int[] idx = new int[0];
    private double[] val = new double[0];
    private final Map<String, Long> skipped = new TreeMap<>();
    /** The last label read and its value (a pure function of the text; labels repeat from row to row). */
    private String lastLabel;
    private double lastValue;

    /** A builder with room for {@code rows} rows of {@code entries} stored values in all. */
    PackedBlockBuilder(BlockAssembler.Plan plan, int rows, long entries) {
        if (plan.categorySizes().length != 0) throw new IllegalArgumentException("packed rows have no categories");
        this.plan = plan;
        this.d = plan.numeric();
        this.builder = new BlockBuilder(d, plan.sparse(), plan.precision());
        builder.reserve(rows, entries); // exact when every row is good (and sparse rows fill a sparse block)
        this.x = plan.sparse() ? null : new double[d];
    }

    /** Records skipped before the rows reached this block (counted into its summary). */
    void skippedBefore(Map<String, Long> counts) {
        counts.forEach((k, v) -> skipped.merge(k, v, Long::sum));
    }

    /** Row {@code i} of {@code p}: checked, then added to the block or (skip mode) counted; or a {@link BadRecord}. */
    void add(PackedRows p, int i) {
        String reason = p.bad[i];
        String detail = p.detail[i];
        double label = 0;
        if (reason == null) {
            label = labelValue(p.label[i]);
            if (Double.isNaN(label)) {
                String[] problem = plan.labels().problem(p.label[i]);
                reason = problem[0];
                detail = problem[1];
            }
        }
        if (reason == null && !p.hasFeatures(i)) throw new IllegalStateException("a good record without features");
        boolean sparseRow = reason == null && p.sparse(i);
        int from = p.start[i];
        int count = p.start[i + 1] - from;
        if (reason == null && !sparseRow && p.size[i] != d) {
            reason = BadRecord.MALFORMED;
            detail = BadRecord.wrongLength(p.size[i], d);
        }
        if (reason == null && plan.precision() == Precision.FLOAT32) {
            for (int k = 0; k < count; k++) {
                double value = p.value(from + k);
                if (Math.abs(value) > Float.MAX_VALUE) {
                    reason = BadRecord.NON_FINITE;
                    detail = BadRecord.beyondFloat32(value);
                    break;
                }
            }
        }
        if (reason != null) {
            if (!plan.skip() || !BadRecord.skippable(reason)) {
                throw new BadRecord(plan.key(), p.file[i], p.pos[i], plan.textLines(), reason, detail);
            }
            skipped.merge(reason, 1L, Long::sum);
            return;
        }
        double weight = Double.isNaN(p.weight[i]) ? 1.0 : p.weight[i];
        if (plan.sparse()) {
            addSparse(p, i, from, count, sparseRow, label, weight);
        } else {
            Arrays.fill(x, 0.0);
            if (sparseRow) {
                for (int k = 0; k < count; k++) x[p.indices[from + k]] = p.value(from + k);
            } else {
                for (int k = 0; k < count; k++) x[k] = p.value(from + k);
            }
            builder.addDense(label, weight, x);
        }
    }

    private double labelValue(String text) {
        if (text != null && text.equals(lastLabel)) return lastValue;
        double v = plan.labels().value(text);
        lastLabel = text;
        lastValue = v;
        return v;
    }

    private void addSparse(PackedRows p, int i, int from, int count, boolean sparseRow, double label, double weight) {
        if (sparseRow) { // read where it is
            if (count > 0 && p.indices[from + count - 1] >= d) badIndex(p, i, p.indices[from + count - 1]);
            if (p.smallValues != null) builder.addSparse(label, weight, p.indices, p.smallValues, from, count);
            else builder.addSparse(label, weight, p.indices, p.values, from, count);
            return;
        }
        if (idx.length < count) {
            idx = new int[Math.max(count, 2 * idx.length)];
            val = new double[idx.length];
        }
        int nz = 0; // a dense vector's toSparse(): its non-zeros
        for (int k = 0; k < count; k++) {
            double v = p.value(from + k);
            if (v != 0.0) {
                idx[nz] = k;
                val[nz++] = v;
            }
        }
        if (nz > 0 && idx[nz - 1] >= d) badIndex(p, i, idx[nz - 1]);
        builder.addSparse(label, weight, idx, val, nz);
    }

    private void badIndex(PackedRows p, int i, int index) {
        throw new BadRecord(plan.key(), p.file[i], p.pos[i], plan.textLines(), BadRecord.BAD_INDEX,
                "index " + (index + 1) + " is beyond the " + d + " features training had");
    }

    /** The block and its partition's summary. */
    BlockAssembler.PartitionBlock build() {
        Block block = builder.build();
        return new BlockAssembler.PartitionBlock(block, new BlockSummary(block, skipped));
    }
}
