package dev.steepest.core;

import dev.steepest.core.data.Block;
import dev.steepest.core.data.BlockBuilder;
import dev.steepest.core.data.Precision;
import dev.steepest.core.model.ParameterInit;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Shared fixtures for the core tests: seeded random problems, block construction and small dense linear algebra. */
public final class TestData {
    private TestData() {
    }

    /** A seeded random design: {@code x[i]} rows with {@code d} features, labels and weights. */
    public static final class Rows {
        public final double[][] x;
        public final double[] y;
        public final double[] w;
        private final int d;

        public Rows(int d, double[][] x, double[] y, double[] w) {
            this.d = d;
            this.x = x;
            this.y = y;
            this.w = w;
        }

        public int n() { return x.length; }
        public int d() { return d; }

        /** The same rows with every feature rounded to the nearest float, as a float32 block stores them. */
        public Rows roundedToFloat() {
            double[][] xs = new double[x.length][];
            for (int i = 0; i < x.length; i++) {
                xs[i] = new double[x[i].length];
                for (int j = 0; j < x[i].length; j++) xs[i][j] = (float) x[i][j];
            }
            return new Rows(d, xs, y, w);
        }

        /** Rows {@code [from, to)} as a new {@link Rows}. */
        public Rows slice(int from, int to) {
            double[][] xs = new double[to - from][];
            double[] ys = new double[to - from];
            double[] ws = new double[to - from];
            for (int i = from; i < to; i++) {
                xs[i - from] = x[i];
                ys[i - from] = y[i];
                ws[i - from] = w[i];
            }
            return new Rows(d, xs, ys, ws);
        }
    }

    /**
     * Random rows: features N(0,1), of which a fraction {@code zeroFraction} is set to exactly 0 (so sparse blocks
     * have real structure, including some all-zero rows when the fraction is high); labels either the linear
     * teacher plus noise ({@code binary = false}) or Bernoulli(sigmoid(teacher)) in {0, 1}; weights 1 or
     * uniform in [0.25, 3) when {@code unitWeights} is false.
     */
    public static Rows random(long seed, int n, int d, double zeroFraction, boolean binary, boolean unitWeights) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] teacher = new double[d];
        for (int j = 0; j < d; j++) teacher[j] = ParameterInit.gaussian(rng);
        double bias = 0.5;
        double[][] x = new double[n][d];
        double[] y = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            double m = bias;
            for (int j = 0; j < d; j++) {
                x[i][j] = rng.nextDouble() < zeroFraction ? 0.0 : ParameterInit.gaussian(rng);
                m += teacher[j] * x[i][j];
            }
            if (binary) {
                y[i] = rng.nextDouble() < 1.0 / (1.0 + Math.exp(-m)) ? 1.0 : 0.0;
            } else {
                y[i] = m + 0.3 * ParameterInit.gaussian(rng);
            }
            w[i] = unitWeights ? 1.0 : 0.25 + 2.75 * rng.nextDouble();
        }
        return new Rows(d, x, y, w);
    }

    /** The rows as one block built row by row with {@link BlockBuilder} (dense rows added densely). */
    public static Block block(Rows r, boolean sparse) {
        return block(r, sparse, Precision.FLOAT64);
    }

    /** {@link #block(Rows, boolean)} storing the values in {@code precision}. */
    public static Block block(Rows r, boolean sparse, Precision precision) {
        BlockBuilder b = new BlockBuilder(r.d(), sparse, precision);
        for (int i = 0; i < r.n(); i++) b.addDense(r.y[i], r.w[i], r.x[i]);
        return b.build();
    }

    /** The rows as one block built with {@link BlockBuilder#addSparse} (index/value pairs of the non-zeros). */
    public static Block blockFromPairs(Rows r, boolean sparse) {
        BlockBuilder b = new BlockBuilder(r.d(), sparse);
        int d = r.d();
        for (int i = 0; i < r.n(); i++) {
            int[] idx = new int[d + 3]; // longer than needed: only the first count pairs are read
            double[] val = new double[d + 3];
            int count = 0;
            for (int j = 0; j < d; j++) {
                if (r.x[i][j] != 0.0) {
                    idx[count] = j;
                    val[count++] = r.x[i][j];
                }
            }
            b.addSparse(r.y[i], r.w[i], idx, val, count);
        }
        return b.build();
    }

    /** Consecutive row ranges of {@code r} as blocks of the given sizes. */
    public static List<Block> blocks(Rows r, int[] sizes, boolean sparse) {
        List<Block> out = new ArrayList<>();
        int from = 0;
        for (int s : sizes) {
            out.add(block(r.slice(from, from + s), sparse));
            from += s;
        }
        if (from != r.n()) throw new IllegalArgumentException("sizes do not add up to " + r.n());
        return out;
    }

    /** Solves {@code A x = b} by Gaussian elimination with partial pivoting (A and b are not modified). */
    public static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] m = new double[n][n + 1];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, m[i], 0, n);
            m[i][n] = b[i];
        }
        for (int c = 0; c < n; c++) {
            int piv = c;
            for (int r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[piv][c])) piv = r;
            double[] t = m[c];
            m[c] = m[piv];
            m[piv] = t;
            if (m[c][c] == 0.0) throw new ArithmeticException("singular");
            for (int r = c + 1; r < n; r++) {
                double f = m[r][c] / m[c][c];
                if (f == 0.0) continue;
                for (int k = c; k <= n; k++) m[r][k] -= f * m[c][k];
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = m[r][n];
            for (int k = r + 1; k < n; k++) s -= m[r][k] * x[k];
            x[r] = s / m[r][r];
        }
        return x;
    }

    /** Eigenvalues of a symmetric matrix by cyclic Jacobi rotations, ascending. */
    public static double[] symmetricEigenvalues(double[][] a) {
        int n = a.length;
        double[][] m = new double[n][];
        for (int i = 0; i < n; i++) m[i] = a[i].clone();
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0.0;
            for (int p = 0; p < n; p++) for (int q = p + 1; q < n; q++) off += m[p][q] * m[p][q];
            if (off < 1e-30) break;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (m[p][q] == 0.0) continue;
                    double theta = (m[q][q] - m[p][p]) / (2 * m[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0.0) t = 1.0;
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) { // columns p, q
                        double kp = m[k][p];
                        double kq = m[k][q];
                        m[k][p] = c * kp - s * kq;
                        m[k][q] = s * kp + c * kq;
                    }
                    for (int k = 0; k < n; k++) { // rows p, q
                        double pk = m[p][k];
                        double qk = m[q][k];
                        m[p][k] = c * pk - s * qk;
                        m[q][k] = s * pk + c * qk;
                    }
                }
            }
        }
        double[] ev = new double[n];
        for (int i = 0; i < n; i++) ev[i] = m[i][i];
        java.util.Arrays.sort(ev);
        return ev;
    }

    public static double norm(double[] v) {
        double s = 0.0;
        for (double x : v) s += x * x;
        return Math.sqrt(s);
    }

    public static double distance(double[] a, double[] b) {
        double s = 0.0;
        for (int i = 0; i < a.length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
        return Math.sqrt(s);
    }
}
