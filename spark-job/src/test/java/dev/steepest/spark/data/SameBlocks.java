package dev.steepest.spark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steepest.core.data.Block;
import java.util.List;

/** Asserts that two loads, or two lists of blocks, or two blocks, are the same bit for bit. */
final class SameBlocks {
    private SameBlocks() {
    }

    /** The same spec (features, sparsity, classes and their names), partition sizes, skip counts and blocks. */
    static void assertSameData(TrainingData want, TrainingData got) {
        DataSpec s = want.spec();
        DataSpec t = got.spec();
        assertEquals(s.featureNames(), t.featureNames());
        assertEquals(s.sparse(), t.sparse());
        assertArrayEquals(s.classes(), t.classes());
        assertArrayEquals(s.labelNames(), t.labelNames());
        assertArrayEquals(want.partitionSizes(), got.partitionSizes());
        assertEquals(want.skipped(), got.skipped());
        assertSameBlocks(want.blocks().collect(), got.blocks().collect());
    }

    static void assertSameBlocks(List<Block> want, List<Block> got) {
        assertEquals(want.size(), got.size());
        for (int k = 0; k < want.size(); k++) assertSameBlock(want.get(k), got.get(k), "block " + k);
    }

    /** Rows, storage (sparse, float32, unit weights), labels, weights, CSR structure and values. */
    static void assertSameBlock(Block want, Block got, String what) {
        assertEquals(want.numRows(), got.numRows(), what);
        assertEquals(want.isSparse(), got.isSparse(), what);
        assertEquals(want.isFloat32(), got.isFloat32(), what);
        assertEquals(want.hasUnitWeights(), got.hasUnitWeights(), what);
        assertArrayEquals(want.labels(), got.labels(), what);
        for (int i = 0; i < want.numRows(); i++) assertEquals(want.weight(i), got.weight(i), what);
        assertArrayEquals(want.rowPtr(), got.rowPtr(), what);
        assertArrayEquals(want.colIdx(), got.colIdx(), what);
        if (want.isFloat32()) assertArrayEquals(want.floatValues(), got.floatValues(), what);
        else assertArrayEquals(want.values(), got.values(), what);
    }
}
