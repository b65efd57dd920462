package dev.steepest.spark.samples;

import dev.steepest.core.model.ParameterInit;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.sql.SparkSession;

/**
 * Writes the files in {@code data-samples/} with known ground truth (see data-samples/README.md). Deterministic:
 * the same seed gives the same files. Run from the repository root:
 * <pre>
 *   mvn -q -B -DskipTests package
 *   java $(cat spark-job/target/jvm-flags.txt) -cp spark-job/target/test-classes:$(cat spark-job/target/classpath.txt) \
 *       dev.steepest.spark.samples.SampleData data-samples
 * </pre>
 */
public final class SampleData {
    /** y = 2 + x.w + N(0, 0.1^2), x ~ N(0, I). */
    public static final double[] LINEAR_W = {1.5, -2.0, 0.5, 0.0, 3.0};
    public static final double LINEAR_B = 2.0;
    /** P(y = 1) = sigmoid(-0.5 + x.w), x ~ N(0, I). */
    public static final double[] LOGISTIC_W = {2.0, -1.0, 0.5, 1.5};
    public static final double LOGISTIC_B = -0.5;
    /** P(y = k) = softmax_k(W x + b), x ~ N(0, I), 3 classes. */
    public static final double[][] SOFTMAX_W = {{2.0, 0.0, -1.0, 0.5}, {-1.0, 1.5, 0.5, 0.0}, {0.0, -1.5, 1.0, -1.0}};
    public static final double[] SOFTMAX_B = {0.2, 0.0, -0.2};

    private SampleData() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Paths.get(args.length > 0 ? args[0] : "data-samples");
        Files.createDirectories(dir);
        double[][] lin = linear(1000, 7);
        writeCsv(dir.resolve("linear.csv"), lin, "y");
        double[][] log = logistic(2000, 11);
        writeCsv(dir.resolve("logistic.csv"), log, "label");
        writeLibsvm(dir.resolve("logistic.libsvm"), log);
        writeCsv(dir.resolve("linear-test.csv"), linear(300, 8), "y");
        writeCsv(dir.resolve("softmax.csv"), softmax(1500, 21), "label");
        writeCsv(dir.resolve("softmax-test.csv"), softmax(500, 22), "label");
        writeCsv(dir.resolve("logistic-test.csv"), logistic(500, 12), "label");
        SparkSession spark = SparkSession.builder().master("local[1]").appName("samples")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            spark.read().option("header", "true").option("inferSchema", "true")
                    .csv(dir.resolve("linear.csv").toString())
                    .coalesce(1).write().mode("overwrite").parquet(dir.resolve("linear.parquet").toString());
        } finally {
            spark.stop();
        }
        // Spark's local writer leaves checksum files; the data is what matters.
        try (var s = Files.list(dir.resolve("linear.parquet"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if (n.endsWith(".crc") || n.equals("_SUCCESS")) Files.delete(p);
            }
        }
    }

    /** Rows of {label, x_0 .. x_{d-1}}. */
    static double[][] linear(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int d = LINEAR_W.length;
        double[][] rows = new double[n][d + 1];
        for (int i = 0; i < n; i++) {
            double y = LINEAR_B;
            for (int j = 0; j < d; j++) {
                double x = round(ParameterInit.gaussian(r));
                rows[i][j + 1] = x;
                y += LINEAR_W[j] * x;
            }
            rows[i][0] = round(y + 0.1 * ParameterInit.gaussian(r));
        }
        return rows;
    }

    static double[][] logistic(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int d = LOGISTIC_W.length;
        double[][] rows = new double[n][d + 1];
        for (int i = 0; i < n; i++) {
            double m = LOGISTIC_B;
            for (int j = 0; j < d; j++) {
                double x = round(ParameterInit.gaussian(r));
                rows[i][j + 1] = x;
                m += LOGISTIC_W[j] * x;
            }
            rows[i][0] = r.nextDouble() < 1.0 / (1.0 + Math.exp(-m)) ? 1 : 0;
        }
        return rows;
    }

    static double[][] softmax(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int d = SOFTMAX_W[0].length;
        int k = SOFTMAX_W.length;
        double[][] rows = new double[n][d + 1];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) rows[i][j + 1] = round(ParameterInit.gaussian(r));
            double[] p = new double[k];
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                p[c] = SOFTMAX_B[c];
                for (int j = 0; j < d; j++) p[c] += SOFTMAX_W[c][j] * rows[i][j + 1];
                max = Math.max(max, p[c]);
            }
            double sum = 0;
            for (int c = 0; c < k; c++) sum += p[c] = Math.exp(p[c] - max);
            double u = r.nextDouble() * sum;
            int c = 0;
            while (c < k - 1 && u >= p[c]) u -= p[c++];
            rows[i][0] = c;
        }
        return rows;
    }

    private static void writeCsv(Path file, double[][] rows, String label) throws IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file))) {
            StringBuilder h = new StringBuilder(label);
            for (int j = 1; j < rows[0].length; j++) h.append(",x").append(j - 1);
            w.println(h);
            for (double[] row : rows) {
                StringBuilder s = new StringBuilder();
                for (int j = 0; j < row.length; j++) {
                    if (j > 0) s.append(',');
                    s.append(fmt(row[j]));
                }
                w.println(s);
            }
        }
    }

    private static void writeLibsvm(Path file, double[][] rows) throws IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file))) {
            for (double[] row : rows) {
                StringBuilder s = new StringBuilder(fmt(row[0]));
                for (int j = 1; j < row.length; j++) {
                    if (row[j] != 0.0) s.append(' ').append(j).append(':').append(fmt(row[j]));
                }
                w.println(s);
            }
        }
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }

    private static String fmt(double v) {
        if (v == Math.rint(v)) return Long.toString((long) v);
        return String.format(Locale.ROOT, "%.6f", v).replaceAll("0+$", "");
    }
}
