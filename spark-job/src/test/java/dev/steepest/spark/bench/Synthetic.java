package dev.steepest.spark.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Synthetic data for the benchmark suite, written as files so that the loader, Spark ML, MLlib and PyTorch all
 * read the same rows. Labels come from a planted model, so the classes are learnable:
 * <ul>
 *   <li>dense CSV ({@code label,f0..f(d-1)}): n x d standard Gaussian features, 3 decimals; label =
 *       argmax_c (W x / sqrt(d) + 0.3 z)_c over K classes, W and z standard Gaussian;</li>
 *   <li>sparse LibSVM: each row has round(density x d) distinct random features (Gaussian values), binary label
 *       = [w . x / sqrt(nnz) + 0.3 z > 0].</li>
 * </ul>
 * Files are named by their parameters and written once (a second call with the same arguments reuses them).
 */
public final class Synthetic {
    private Synthetic() {
    }

    /** {@code part} picks the rows (0: training, 1: test...); the planted model depends on {@code seed} only. */
    public static Path dense(Path dir, int n, int d, int k, long seed, int part) {
        Path file = dir.resolve(String.format("dense-n%d-d%d-k%d-s%d-p%d.csv", n, d, k, seed, part));
        if (Files.exists(file)) return file;
        SplittableRandom model = new SplittableRandom(seed);
        double[][] w = new double[k][d];
        for (double[] row : w) for (int j = 0; j < d; j++) row[j] = model.nextGaussian();
        SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + 7919L * (part + 1));
        double scale = 1 / Math.sqrt(d);
        write(file, out -> {
            StringBuilder line = new StringBuilder(d * 8);
            line.append("label");
            for (int j = 0; j < d; j++) line.append(",f").append(j);
            out.write(line.append('\n').toString());
            double[] x = new double[d];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) x[j] = Math.round(rnd.nextGaussian() * 1000) / 1000.0;
                int best = 0;
                double bestScore = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < k; c++) {
                    double s = 0;
                    for (int j = 0; j < d; j++) s += w[c][j] * x[j];
                    s = s * scale + 0.3 * rnd.nextGaussian();
                    if (s > bestScore) { bestScore = s; best = c; }
                }
                line.setLength(0);
                line.append(best);
                for (int j = 0; j < d; j++) appendMillis(line.append(','), x[j]);
                out.write(line.append('\n').toString());
            }
        });
        return file;
    }

    public static Path sparse(Path dir, int n, int d, double density, long seed) {
        int nnz = Math.max(1, (int) Math.round(density * d));
        Path file = dir.resolve(String.format("sparse-n%d-d%d-nnz%d-s%d.libsvm", n, d, nnz, seed));
        if (Files.exists(file)) return file;
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] w = new double[d];
        for (int j = 0; j < d; j++) w[j] = rnd.nextGaussian();
        double scale = 1 / Math.sqrt(nnz);
        write(file, out -> {
            StringBuilder line = new StringBuilder(nnz * 12);
            int[] idx = new int[nnz];
            double[] val = new double[nnz];
            for (int i = 0; i < n; i++) {
                // nnz distinct indices: rejection sampling into a small sorted set
                int filled = 0;
                while (filled < nnz) {
                    int j = rnd.nextInt(d);
                    if (Arrays.binarySearch(idx, 0, filled, j) < 0) {
                        idx[filled++] = j;
                        Arrays.sort(idx, 0, filled);
                    }
                }
                double s = 0;
                for (int t = 0; t < nnz; t++) {
                    val[t] = Math.round(rnd.nextGaussian() * 1000) / 1000.0;
                    s += w[idx[t]] * val[t];
                }
                line.setLength(0);
                line.append(s * scale + 0.3 * rnd.nextGaussian() > 0 ? 1 : 0);
                for (int t = 0; t < nnz; t++) appendMillis(line.append(' ').append(idx[t] + 1).append(':'), val[t]);
                out.write(line.append('\n').toString());
            }
        });
        return file;
    }

    /** v (a multiple of 0.001) with 3 decimals, without String.format's cost. */
    static void appendMillis(StringBuilder s, double v) {
        long m = Math.round(v * 1000);
        if (m < 0) { s.append('-'); m = -m; }
        s.append(m / 1000).append('.');
        long frac = m % 1000;
        if (frac < 100) s.append('0');
        if (frac < 10) s.append('0');
        s.append(frac);
    }

    private interface Body {
        void write(BufferedWriter out) throws IOException;
    }

    private static void write(Path file, Body body) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII)) {
                body.write(out);
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
