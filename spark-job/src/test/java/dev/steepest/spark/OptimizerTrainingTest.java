package dev.steepest.spark;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.data.Block;
import dev.steepest.core.model.Accumulator;
import dev.steepest.core.model.LinearModel;
import dev.steepest.core.model.LogisticLoss;
import dev.steepest.core.train.LocalGradientSource;
import dev.steepest.spark.data.BlockLoader;
import dev.steepest.spark.data.TrainingData;
import dev.steepest.spark.job.TrainJob;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every optimizer through the trainer (Spark, local[2]) reaches within 1% of the best training loss of the logistic
 * sample, where the best loss is computed here by Newton's method.
 */
class OptimizerTrainingTest extends LocalSparkTest {
    private static double bestLoss;

    @BeforeAll
    static void start() {
        TrainingData data = BlockLoader.loadTraining(spark, "data.train", SparkTestSupport.sample("logistic.csv"),
                LoaderOptions.of("csv", "label").binary(true).build());
        List<Block> blocks = data.blocks().collect();
        data.release();
        bestLoss = newtonOptimum(blocks);
    }

    /** The minimum of the mean logistic loss by Newton's method (quadratic convergence; 30 steps is plenty). */
    private static double newtonOptimum(List<Block> blocks) {
        LinearModel model = LinearModel.logisticRegression(4, true);
        LocalGradientSource source = new LocalGradientSource(blocks, model);
        int p = model.numParameters();
        double[] w = new double[p];
        for (int iter = 0; iter < 30; iter++) {
            double[] g = source.computeAll(w).meanGradient();
            double[][] h = new double[p][p];
            long n = 0;
            for (Block b : blocks) {
                for (int r = 0; r < b.numRows(); r++) {
                    double s = LogisticLoss.sigmoid(model.margin(b, r, w));
                    double[] x = new double[p];
                    for (int j = 0; j < 4; j++) x[j] = b.feature(r, j);
                    x[4] = 1.0;
                    for (int i = 0; i < p; i++) for (int j = 0; j < p; j++) h[i][j] += s * (1 - s) * x[i] * x[j];
                    n++;
                }
            }
            for (double[] row : h) for (int j = 0; j < p; j++) row[j] /= n;
            double[] step = solve(h, g);
            for (int i = 0; i < p; i++) w[i] -= step[i];
        }
        Accumulator a = source.computeAll(w);
        assertTrue(norm(a.meanGradient()) < 1e-12, "Newton converged");
        return a.meanLoss();
    }

    private static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] m = new double[n][];
        for (int i = 0; i < n; i++) {
            m[i] = java.util.Arrays.copyOf(a[i], n + 1);
            m[i][n] = b[i];
        }
        for (int c = 0; c < n; c++) {
            int piv = c;
            for (int r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[piv][c])) piv = r;
            double[] t = m[c];
            m[c] = m[piv];
            m[piv] = t;
            for (int r = 0; r < n; r++) {
                if (r == c) continue;
                double f = m[r][c] / m[c][c];
                for (int k = c; k <= n; k++) m[r][k] -= f * m[c][k];
            }
        }
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = m[i][n] / m[i][i];
        return x;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) s += x * x;
        return Math.sqrt(s);
    }

    @ParameterizedTest(name = "{0} lr {1}")
    @CsvSource({"sgd, 1.0", "momentum, 0.1", "nesterov, 0.1", "adagrad, 0.5", "rmsprop, 0.02", "adam, 0.1",
            "adamw, 0.1", "lars, 5", "lamb, 0.1"})
    void everyOptimizerReachesWithinOnePercentOfTheBestLoss(String name, double lr) {
        String hocon = String.join("\n",
                "data.train = \"" + SparkTestSupport.sample("logistic.csv") + "\"",
                "model.type = logistic",
                "optimizer { name = " + name + ", lr = " + lr + " }",
                "schedule.name = cosine",
                "train { batch-size = 200, epochs = 15, seed = 5, progress-seconds = 1000 }");
        TrainJob.Outcome o = TrainJob.run(spark, SparkTestSupport.config(hocon), null,
                new PrintStream(new ByteArrayOutputStream()), System.nanoTime());
        double loss = ((Number) o.summary().get("final_train_loss")).doubleValue();
        assertTrue(loss <= 1.01 * bestLoss, name + ": " + loss + " vs best " + bestLoss);
        assertTrue(loss >= bestLoss - 1e-12, name + " below the optimum? " + loss + " < " + bestLoss);
    }
}
