package dev.steepest.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Blocks built row by row hold exactly the rows given, dense or CSR, through array growth. */
class BlockBuilderTest {

    private static double[][] randomRows(int n, int d, double zeroFraction, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] x = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) x[i][j] = rng.nextDouble() < zeroFraction ? 0.0 : rng.nextDouble() * 4 - 2;
        }
        return x;
    }

    @Test
    void rowsRoundTripDenseAndSparseThroughGrowth() {
        int n = 100; // well past the initial capacity of 16 rows / 16 values
        int d = 13;
        double[][] x = randomRows(n, d, 0.6, 1);
        x[3] = new double[d]; // an all-zero row
        for (boolean sparse : new boolean[] {false, true}) {
            for (boolean pairs : new boolean[] {false, true}) {
                BlockBuilder b = new BlockBuilder(d, sparse);
                long nnz = 0;
                for (int i = 0; i < n; i++) {
                    // unit weights for the first 20 rows, then others: earlier rows must read back as 1
                    double w = i < 20 ? 1.0 : 0.5 + i;
                    if (pairs) {
                        int[] idx = new int[d];
                        double[] val = new double[d];
                        int c = 0;
                        for (int j = 0; j < d; j++) if (x[i][j] != 0) { idx[c] = j; val[c++] = x[i][j]; }
                        b.addSparse(i * 0.5, w, idx, val, c);
                    } else {
                        b.addDense(i * 0.5, w, x[i]);
                    }
                    for (int j = 0; j < d; j++) if (x[i][j] != 0) nnz++;
                    assertEquals(i + 1, b.numRows());
                }
                Block block = b.build();
                String what = "sparse=" + sparse + " pairs=" + pairs;
                assertEquals(sparse, block.isSparse(), what);
                assertEquals(n, block.numRows());
                assertEquals(d, block.numFeatures());
                assertFalse(block.hasUnitWeights());
                assertEquals(sparse ? nnz : (long) n * d, block.values().length, what);
                for (int i = 0; i < n; i++) {
                    assertEquals(i * 0.5, block.label(i));
                    assertEquals(i < 20 ? 1.0 : 0.5 + i, block.weight(i), what + " weight of row " + i);
                    for (int j = 0; j < d; j++) assertEquals(x[i][j], block.feature(i, j), what + " " + i + "," + j);
                }
                if (sparse) {
                    assertEquals(n + 1, block.rowPtr().length);
                    assertEquals(0, block.rowPtr()[0]);
                    assertEquals(block.rowPtr()[4], block.rowPtr()[3], "row 3 is empty");
                    for (int i = 0; i < n; i++) {
                        for (int k = block.rowPtr()[i] + 1; k < block.rowPtr()[i + 1]; k++) {
                            assertTrue(block.colIdx()[k] > block.colIdx()[k - 1], "increasing column indices");
                        }
                    }
                }
                assertArrayEquals(block.labels(), block.withLabels(block.labels().clone()).labels());
            }
        }
    }

    @Test
    void unitWeightsAreNotStored() {
        BlockBuilder b = new BlockBuilder(2, true);
        for (int i = 0; i < 40; i++) b.addDense(1, 1.0, new double[] {i, 0});
        Block block = b.build();
        assertTrue(block.hasUnitWeights());
        assertEquals(1.0, block.weight(39));
        assertEquals(8L * 39 + 8L * 40 + 4L * 41 + 4L * 39, block.sizeInBytes(),
                "39 non-zeros (row 0 is all zero) + 40 labels + CSR pointers");
    }

    @Test
    void rejectsMalformedRows() {
        BlockBuilder dense = new BlockBuilder(3, false);
        assertThrows(IllegalArgumentException.class, () -> dense.addDense(0, 1, new double[2]));
        BlockBuilder sparse = new BlockBuilder(3, true);
        assertThrows(IllegalArgumentException.class, () -> sparse.addDense(0, 1, new double[4]));
        assertThrows(IllegalArgumentException.class,
                () -> sparse.addSparse(0, 1, new int[] {2, 1}, new double[] {1, 1}, 2), "decreasing");
        assertThrows(IllegalArgumentException.class,
                () -> sparse.addSparse(0, 1, new int[] {1, 1}, new double[] {1, 1}, 2), "repeated");
        assertThrows(IllegalArgumentException.class,
                () -> sparse.addSparse(0, 1, new int[] {3}, new double[] {1}, 1), "out of range");
        assertThrows(IllegalArgumentException.class,
                () -> sparse.addSparse(0, 1, new int[] {-1}, new double[] {1}, 1), "negative");
        assertEquals(0, sparse.numRows(), "rejected rows are not added");
        assertThrows(IllegalArgumentException.class,
                () -> Block.dense(2, new double[5], new double[2], null));
        assertThrows(IllegalArgumentException.class,
                () -> Block.sparse(2, new int[] {0, 1}, new int[] {0}, new double[] {1}, new double[2], null));
        assertThrows(IllegalArgumentException.class,
                () -> Block.dense(1, new double[2], new double[2], new double[3]));
    }

    /**
     * A dense builder given a sparse row with an out-of-range or unordered index should reject it like the sparse
     * builder does. It does not check (BlockBuilder.java:59, the dense branch of addSparse): index -1 silently
     * overwrites the last feature of the previous row, and an index >= numFeatures writes into the next row's slot
     * (and is then lost).
     */
    @Test
    void denseBuilderRejectsInvalidSparseIndices() {
        BlockBuilder b = new BlockBuilder(3, false);
        b.addDense(1, 1, new double[] {1, 2, 3});
        assertThrows(IllegalArgumentException.class,
                () -> b.addSparse(0, 1, new int[] {-1}, new double[] {9}, 1));
        assertEquals(3.0, b.build().feature(0, 2), "the previous row is intact");
        assertThrows(IllegalArgumentException.class,
                () -> b.addSparse(0, 1, new int[] {3}, new double[] {9}, 1));
        assertThrows(IllegalArgumentException.class,
                () -> b.addSparse(0, 1, new int[] {2, 0}, new double[] {9, 8}, 2));
    }

    /**
     * A float32 block holds {@code (float) x} for every value, dense or CSR (rows added densely or as pairs), costs
     * 4 bytes a value, refuses {@code values()}, and every other reader (feature, copyValues, withLabels, row
     * selection, moments) sees the rounded values, as a float64 block of the rounded rows does.
     */
    @Test
    void float32BlocksHoldTheRoundedValues() {
        int n = 50;
        int d = 7;
        double[][] x = randomRows(n, d, 0.5, 2);
        double[][] rounded = new double[n][d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) rounded[i][j] = (float) x[i][j];
        for (boolean sparse : new boolean[] {false, true}) {
            BlockBuilder b32 = new BlockBuilder(d, sparse, Precision.FLOAT32);
            BlockBuilder b64 = new BlockBuilder(d, sparse, Precision.FLOAT64);
            for (int i = 0; i < n; i++) {
                double w = 1.0 + i % 3;
                if (i % 2 == 0) {
                    b32.addDense(i, w, x[i]);
                } else {
                    int[] idx = new int[d];
                    double[] val = new double[d];
                    int c = 0;
                    for (int j = 0; j < d; j++) if (x[i][j] != 0) { idx[c] = j; val[c++] = x[i][j]; }
                    b32.addSparse(i, w, idx, val, c);
                }
                b64.addDense(i, w, rounded[i]);
            }
            Block f32 = b32.build();
            Block f64 = b64.build();
            String what = "sparse=" + sparse;
            assertTrue(f32.isFloat32(), what);
            assertEquals(Precision.FLOAT32, f32.precision());
            assertEquals(Precision.FLOAT64, f64.precision());
            assertThrows(IllegalStateException.class, f32::values);
            assertThrows(IllegalStateException.class, f64::floatValues);
            assertEquals(f64.numValues(), f32.numValues(), what);
            // 4 bytes less per value, the labels, weights and CSR arrays as before
            assertEquals(f64.sizeInBytes() - 4L * f64.numValues(), f32.sizeInBytes(), what);
            double[] widened = new double[f32.numValues()];
            f32.copyValues(0, widened, 0, widened.length);
            assertArrayEquals(f64.values(), widened, 0.0, what);
            Block relabeled = f32.withLabels(new double[n]);
            boolean[] mask = new boolean[n];
            for (int i = 0; i < n; i += 3) mask[i] = true;
            Block picked = dev.steepest.core.train.StratifiedSplit.select(f32, mask, true);
            Block picked64 = dev.steepest.core.train.StratifiedSplit.select(f64, mask, true);
            assertTrue(picked.isFloat32() && relabeled.isFloat32(), what);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) {
                    assertEquals(rounded[i][j], f32.feature(i, j), what + " " + i + "," + j);
                    assertEquals(rounded[i][j], relabeled.feature(i, j), what + " relabeled " + i + "," + j);
                }
            }
            for (int i = 0; i < picked.numRows(); i++) {
                assertEquals(picked64.label(i), picked.label(i));
                assertEquals(picked64.weight(i), picked.weight(i));
                for (int j = 0; j < d; j++) assertEquals(picked64.feature(i, j), picked.feature(i, j), what);
            }
            dev.steepest.core.model.FeatureMoments m32 = dev.steepest.core.model.FeatureMoments.of(f32);
            dev.steepest.core.model.FeatureMoments m64 = dev.steepest.core.model.FeatureMoments.of(f64);
            assertArrayEquals(m64.mean(), m32.mean(), 0.0, what + " mean");
            assertArrayEquals(m64.std(), m32.std(), 0.0, what + " std");
        }
    }

    /**
     * A builder told its size up front ({@code reserve}) builds the block a growing one builds, bit for bit, with
     * exact and with slack room; a build that handed its full arrays to the block leaves that block as built when
     * rows are added after it.
     */
    @Test
    void aReservedBuilderBuildsTheGrownBuildersBlockAndLaterAddsLeaveItAsBuilt() {
        int n = 40;
        int d = 9;
        double[][] x = randomRows(n, d, 0.5, 5);
        long nnz = 0;
        for (double[] row : x) for (double v : row) if (v != 0) nnz++;
        for (boolean sparse : new boolean[] {false, true}) {
            for (Precision precision : Precision.values()) {
                for (long slack : new long[] {0, 7}) {
                    String what = "sparse=" + sparse + " " + precision + " slack=" + slack;
                    BlockBuilder grown = new BlockBuilder(d, sparse, precision);
                    BlockBuilder reserved = new BlockBuilder(d, sparse, precision);
                    reserved.reserve(n + (int) slack, nnz + slack);
                    for (int i = 0; i < n; i++) {
                        grown.addDense(i, i % 3 == 0 ? 1.0 : 2.0 + i, x[i]);
                        reserved.addDense(i, i % 3 == 0 ? 1.0 : 2.0 + i, x[i]);
                    }
                    Block want = grown.build();
                    Block got = reserved.build();
                    assertSameBlock(want, got, what);
                    Block copy = grown.build();
                    reserved.addDense(99, 3.0, x[1]);
                    reserved.addDense(98, 1.0, x[2]);
                    assertSameBlock(copy, got, what + ": after more rows");
                    assertEquals(n + 2, reserved.build().numRows(), what);
                }
            }
        }
    }

    /**
     * Rows read where they lie ({@code addSparse} of an offset into shared arrays, as doubles or as unsigned bytes)
     * build the block their copies build with the plain {@code addSparse}, for every block kind and precision, and
     * bad indices are refused alike.
     */
    @Test
    void sparseRowsReadInPlaceBuildTheBlockOfTheirCopies() {
        int d = 11;
        SplittableRandom rng = new SplittableRandom(3);
        int n = 30;
        int[] start = new int[n + 1];
        int[] idx = new int[n * d];
        double[] val = new double[n * d];
        byte[] bytes = new byte[n * d];
        int at = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                if (rng.nextDouble() < 0.6) continue;
                idx[at] = j;
                bytes[at] = (byte) rng.nextInt(256); // 128..255 are negative bytes: read unsigned
                val[at] = bytes[at] & 0xff;
                at++;
            }
            start[i + 1] = at;
        }
        for (boolean sparse : new boolean[] {false, true}) {
            for (Precision precision : Precision.values()) {
                for (boolean asBytes : new boolean[] {false, true}) {
                    String what = "sparse=" + sparse + " " + precision + " bytes=" + asBytes;
                    BlockBuilder copies = new BlockBuilder(d, sparse, precision);
                    BlockBuilder inPlace = new BlockBuilder(d, sparse, precision);
                    for (int i = 0; i < n; i++) {
                        int from = start[i];
                        int count = start[i + 1] - from;
                        double w = i % 4 == 0 ? 1.0 : 0.5 + i;
                        copies.addSparse(i, w, java.util.Arrays.copyOfRange(idx, from, from + count),
                                java.util.Arrays.copyOfRange(val, from, from + count), count);
                        if (asBytes) inPlace.addSparse(i, w, idx, bytes, from, count);
                        else inPlace.addSparse(i, w, idx, val, from, count);
                    }
                    assertSameBlock(copies.build(), inPlace.build(), what);
                }
            }
        }
        BlockBuilder b = new BlockBuilder(d, true);
        int[] unordered = {0, 4, 2, 1};
        assertThrows(IllegalArgumentException.class, () -> b.addSparse(0, 1, unordered, new double[4], 1, 2));
        assertThrows(IllegalArgumentException.class, () -> b.addSparse(0, 1, new int[] {3, d}, new byte[2], 0, 2));
        assertEquals(0, b.numRows(), "a refused row adds nothing");
        b.addSparse(5, 1, unordered, new double[] {9, 8, 7, 6}, 1, 1); // index 4 alone, its value 8
        Block one = b.build();
        assertEquals(1, one.numRows());
        assertArrayEquals(new int[] {4}, one.colIdx());
        assertArrayEquals(new double[] {8}, one.values());
        assertArrayEquals(new double[] {5}, one.labels());
    }

    private static void assertSameBlock(Block want, Block got, String what) {
        assertEquals(want.numRows(), got.numRows(), what);
        assertArrayEquals(want.labels(), got.labels(), what);
        for (int i = 0; i < want.numRows(); i++) assertEquals(want.weight(i), got.weight(i), what);
        assertArrayEquals(want.rowPtr(), got.rowPtr(), what);
        assertArrayEquals(want.colIdx(), got.colIdx(), what);
        if (want.isFloat32()) {
            assertArrayEquals(want.floatValues(), got.floatValues(), what);
        } else {
            assertArrayEquals(want.values(), got.values(), what);
        }
    }
}
