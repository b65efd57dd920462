package dev.steepest.spark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.steepest.core.data.Precision;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.junit.jupiter.api.Test;

/**
 * The fast block build over packed rows ({@link BlockAssembler#build(List, BlockAssembler.Plan)}) against the
 * reference it replaces, the build over the rows the packs give back ({@code PackedRows.rows}): dense and sparse
 * vectors mixed (as VectorAssembler writes them), whole-number and other values, weights, bad records, every plan
 * kind — the same block, bit for bit, and the same error.
 */
class PackedBlockBuildTest {
    private static final int D = 12;

    private static List<PackedRows> packs(long seed, boolean weights, boolean wholeNumbers, boolean bad) {
        Random r = new Random(seed);
        PackedRows a = new PackedRows(1);
        PackedRows b = new PackedRows(0);
        for (int i = 0; i < 200; i++) {
            PackedRows p = i % 3 == 0 ? b : a;
            if (bad && i % 17 == 5) {
                p.add(StagedRows.bad("f.parquet", i, BadRecord.NON_FINITE, "column 'features': a value is NaN", 0));
                continue;
            }
            double[] x = new double[D];
            for (int j = 0; j < D; j++) {
                if (r.nextDouble() < 0.5) continue;
                x[j] = wholeNumbers ? r.nextInt(256) : r.nextGaussian();
            }
            Vector v = bad && i % 29 == 7 ? Vectors.dense(new double[D + 1]) // malformed: the wrong length
                    : r.nextBoolean() ? Vectors.dense(x) : Vectors.dense(x).toSparse();
            String label = Integer.toString(r.nextInt(3));
            p.add(StagedRows.good("f.parquet", i, label, weights ? 0.5 + r.nextDouble() : null, v, new String[0]));
        }
        return List.of(a.trim(), b.trim());
    }

    private static BlockAssembler.Plan plan(boolean sparse, Precision precision, boolean skip) {
        Labels labels = new Labels(new double[] {0, 1, 2}, null, List.of());
        return new BlockAssembler.Plan("data.train", D, sparse, new int[0], new int[0], labels, skip, false, precision);
    }

    @Test
    void theBuildOverPackedRowsGivesTheBlockOfTheBuildOverTheirRowsForEveryPlan() {
        int seed = 0;
        for (boolean sparse : new boolean[] {true, false}) {
            for (Precision precision : Precision.values()) {
                for (boolean weights : new boolean[] {true, false}) {
                    for (boolean whole : new boolean[] {true, false}) {
                        for (boolean bad : new boolean[] {true, false}) {
                            List<PackedRows> packs = packs(++seed, weights, whole, bad);
                            BlockAssembler.Plan plan = plan(sparse, precision, true);
                            BlockAssembler.PartitionBlock want = BlockAssembler.build(PackedRows.rows(packs), plan);
                            BlockAssembler.PartitionBlock got = BlockAssembler.build(packs, plan);
                            SameBlocks.assertSameBlock(want.block(), got.block(), "");
                            assertEquals(want.summary().skipped, got.summary().skipped);
                            if (bad) assertEquals(2, got.summary().skipped.size(), got.summary().skipped.toString());
                        }
                    }
                }
            }
        }
    }

    @Test
    void packsWithTheirIndicesCompactedForTheShuffleBuildTheSameBlock() {
        for (boolean sparse : new boolean[] {true, false}) {
            List<PackedRows> packs = packs(41, true, false, true);
            BlockAssembler.Plan plan = plan(sparse, Precision.FLOAT64, true);
            BlockAssembler.PartitionBlock want = BlockAssembler.build(packs, plan);
            for (PackedRows p : packs) {
                p.compactIndices();
                assertEquals(null, p.indices);
            }
            BlockAssembler.PartitionBlock got = BlockAssembler.build(packs, plan);
            SameBlocks.assertSameBlock(want.block(), got.block(), "");
            assertEquals(want.summary().skipped, got.summary().skipped);
        }
    }

    @Test
    void compactedIndicesRoundTripWhateverTheirGaps() {
        PackedRows p = new PackedRows(0);
        int[][] rows = {{0, 1, 2, 3}, {127, 128, 16_383, 16_384, 2_000_000_000}, {}, {Integer.MAX_VALUE}, {5}};
        for (int[] idx : rows) {
            double[] val = new double[idx.length];
            java.util.Arrays.fill(val, 1.5);
            p.addGood("f", 0, "1", Double.NaN, true, Integer.MAX_VALUE, idx, val, idx.length);
        }
        p.addGood("f", 1, "1", Double.NaN, false, 2, null, new double[] {1, 2}, 2);
        p.trim();
        int[] before = p.indices.clone();
        p.compactIndices();
        // deltas (gap - 1) 0,0,0,0 | 127, 0, 16254, 0, ~2e9 | - | 2^31 - 1 | 5: 1 byte below 128, 2 below 16384, 5 for 31 bits
        assertEquals(4 + (1 + 1 + 2 + 1 + 5) + 5 + 1, p.deltaIndices.length);
        p.expandIndices();
        for (int i = 0; i < p.n; i++) {
            if (!p.sparse(i)) continue;
            for (int k = p.start[i]; k < p.start[i + 1]; k++) assertEquals(before[k], p.indices[k]);
        }
    }

    @Test
    void aLabelTrainingDidNotSeeStopsBothBuildsWithTheSameMessageEvenInSkipMode() {
        PackedRows p = new PackedRows(0);
        p.add(StagedRows.good("f.parquet", 0, "1", null, Vectors.dense(new double[D]), new String[0]));
        p.add(StagedRows.good("f.parquet", 1, "7", null, Vectors.dense(new double[D]), new String[0]));
        List<PackedRows> packs = List.of(p.trim());
        BlockAssembler.Plan skip = plan(true, Precision.FLOAT64, true);
        BadRecord want = assertThrows(BadRecord.class, () -> BlockAssembler.build(PackedRows.rows(packs), skip));
        BadRecord got = assertThrows(BadRecord.class, () -> BlockAssembler.build(packs, skip));
        assertEquals(want.getMessage(), got.getMessage());
    }

    @Test
    void inFailModeBothBuildsStopAtTheSameRecordWithTheSameMessage() {
        List<PackedRows> packs = packs(99, false, false, true);
        BlockAssembler.Plan plan = plan(true, Precision.FLOAT64, false);
        BadRecord want = assertThrows(BadRecord.class, () -> BlockAssembler.build(PackedRows.rows(packs), plan));
        BadRecord got = assertThrows(BadRecord.class, () -> BlockAssembler.build(packs, plan));
        assertEquals(want.getMessage(), got.getMessage());
    }

    @Test
    void aDenseVectorOfTheWrongLengthIsMalformedInBothBuilds() {
        PackedRows p = new PackedRows(0);
        p.add(StagedRows.good("f.parquet", 0, "1", null, Vectors.dense(new double[D]), new String[0]));
        p.add(StagedRows.good("f.parquet", 1, "1", null, Vectors.dense(new double[D - 1]), new String[0]));
        List<PackedRows> packs = List.of(p.trim());
        for (boolean sparse : new boolean[] {true, false}) {
            BlockAssembler.Plan skip = plan(sparse, Precision.FLOAT64, true);
            assertEquals(Map.of(BadRecord.MALFORMED, 1L), BlockAssembler.build(packs, skip).summary().skipped);
            assertEquals(BlockAssembler.build(PackedRows.rows(packs), skip).summary().skipped,
                    BlockAssembler.build(packs, skip).summary().skipped);
            BlockAssembler.Plan fail = plan(sparse, Precision.FLOAT64, false);
            assertEquals(assertThrows(BadRecord.class, () -> BlockAssembler.build(PackedRows.rows(packs), fail))
                    .getMessage(), assertThrows(BadRecord.class, () -> BlockAssembler.build(packs, fail)).getMessage());
        }
    }
}
