package dev.steepest.core.model;

import java.util.Arrays;

/**
 * Matrices as arrays of row arrays, for {@link MlpLoopKernel}: so that the innermost loops index two arrays at
 * the same position from 0 (a loop {@code y[j] += a * x[j]}), which HotSpot's C2 vectorizes; with two different
 * offsets into flat arrays it does not (measured on JDK 17: about 4x slower).
 */
final class RowMatrices {
    /** Doubles of the right-hand matrix per tile of {@link #gemmAcc} (128 KiB). */
    private static final int TILE = 1 << 14;

    private RowMatrices() {
    }

    /**
     * {@code C += A B} for {@code A} (rows x m), {@code B} (m x n) and {@code C} (rows x n), given as row arrays, in
     * i-k-j order: row i of C gets {@code A[i][k] * B[k]} added for increasing k, so the innermost loop runs along
     * a row of B and a row of C. The k dimension is tiled so that a tile of B stays in cache while every row of A
     * passes over it, and zeros of A are skipped. For each entry of C the products are added in increasing k, as a
     * plain dot product would.
     */
    static void gemmAcc(double[][] a, int rows, int m, double[][] b, int n, double[][] c) {
        int tile = Math.max(1, TILE / n);
        for (int k0 = 0; k0 < m; k0 += tile) {
            int k1 = Math.min(m, k0 + tile);
            for (int i = 0; i < rows; i++) {
                double[] ai = a[i];
                double[] ci = c[i];
                for (int k = k0; k < k1; k++) {
                    double av = ai[k];
                    if (av == 0.0) continue;
                    double[] bk = b[k];
                    for (int j = 0; j < n; j++) ci[j] += av * bk[j];
                }
            }
        }
    }

    /** The {@code rows x cols} row-major matrix at {@code params[offset]}, transposed, as {@code cols} rows. */
    static double[][] transpose(double[] params, int offset, int rows, int cols) {
        double[][] t = new double[cols][rows];
        for (int r0 = 0; r0 < rows; r0 += 32) {
            int r1 = Math.min(rows, r0 + 32);
            for (int c0 = 0; c0 < cols; c0 += 32) {
                int c1 = Math.min(cols, c0 + 32);
                for (int r = r0; r < r1; r++) {
                    int base = offset + r * cols;
                    for (int c = c0; c < c1; c++) t[c][r] = params[base + c];
                }
            }
        }
        return t;
    }

    /** The {@code rows x cols} row-major matrix at {@code params[offset]} as {@code rows} row arrays. */
    static double[][] rowsOf(double[] params, int offset, int rows, int cols) {
        double[][] m = new double[rows][];
        for (int r = 0; r < rows; r++) m[r] = Arrays.copyOfRange(params, offset + r * cols, offset + (r + 1) * cols);
        return m;
    }
}
