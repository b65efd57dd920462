package dev.steepest.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.data.Block;
import dev.steepest.core.model.Accumulator;
import dev.steepest.core.model.LinearModel;
import dev.steepest.core.model.Activation;
import dev.steepest.core.model.MlpModel;
import dev.steepest.core.model.Model;
import dev.steepest.core.model.SoftmaxModel;
import dev.steepest.core.train.BatchPlanner;
import dev.steepest.core.train.LocalGradientSource;
import dev.steepest.core.train.PartitionStep;
import dev.steepest.core.train.StepPlan;
import dev.steepest.spark.data.BlockLoader;
import dev.steepest.spark.data.TrainingData;
import dev.steepest.spark.exec.SparkGradientSource;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gradient from the Spark path equals the core kernel's on the same rows, for 1, 2 and 4 partitions: exactly
 * against the single-process source over the same blocks (same kernel, same merge order), and to 1e-12 against
 * one kernel call over all rows in one block (a different summation order).
 */
class DistributedGradientTest extends LocalSparkTest {
    private static JavaSparkContext jsc;

    @BeforeAll
    static void start() {
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    private static TrainingData load(String file, String format, String label, int partitions, boolean classify) {
        return BlockLoader.loadTraining(spark, "data.train", SparkTestSupport.sample(file),
                LoaderOptions.of(format, label).numFeatures("libsvm".equals(format) ? 4 : null).partitions(partitions)
                        .binary(classify).build());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void logisticCsvGradientMatchesCoreKernel(int partitions) {
        check(load("logistic.csv", "csv", "label", partitions, true), partitions,
                d -> LinearModel.logisticRegression(d, true), 32);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void softmaxGradientMatchesCoreKernel(int partitions) {
        TrainingData data = BlockLoader.loadTraining(spark, "data.train", SparkTestSupport.sample("softmax.csv"),
                LoaderOptions.of("csv", "label").partitions(partitions).maxClasses(10).build());
        assertEquals(3, data.spec().classes().length);
        check(data, partitions, d -> new SoftmaxModel(d, 3, true), 32);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void mlpGradientMatchesCoreKernel(int partitions) {
        TrainingData data = BlockLoader.loadTraining(spark, "data.train", SparkTestSupport.sample("softmax.csv"),
                LoaderOptions.of("csv", "label").partitions(partitions).maxClasses(10).build());
        check(data, partitions, d -> new MlpModel(d, new int[] {6, 5}, Activation.TANH, MlpModel.Head.SOFTMAX, 3),
                32);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void linearSparseLibsvmAndTreeAggregateMatchCoreKernel(int partitions) {
        // LibSVM gives CSR blocks; a tree threshold of 2 sends 4 partitions through the two-level tree.
        check(load("logistic.libsvm", "libsvm", "label", partitions, false), partitions,
                d -> LinearModel.linearRegression(d, true), 2);
    }

    private void check(TrainingData data, int partitions, java.util.function.IntFunction<Model> modelFor,
                       int treeThreshold) {
        try {
            assertEquals(partitions, data.partitionSizes().length);
            int d = data.spec().numFeatures();
            Model model = modelFor.apply(d);
            List<Block> blocks = data.blocks().collect();
            SparkGradientSource spark = new SparkGradientSource(jsc, data.blocks(), data.partitionSizes(), model,
                    1L << 20, treeThreshold);
            LocalGradientSource local = new LocalGradientSource(blocks, model);
            double[] params = new double[model.numParameters()];
            SplittableRandom r = new SplittableRandom(5);
            for (int i = 0; i < params.length; i++) params[i] = r.nextDouble(-1, 1);

            // every row, against one kernel call over one block holding all rows
            Accumulator all = spark.computeAll(params);
            Accumulator reference = PartitionStep.runAll(model, concat(blocks), params);
            assertEquals(data.numRows(), all.count());
            assertClose(reference.lossSum(), all.lossSum());
            assertEquals(reference.weightSum(), all.weightSum());
            for (int i = 0; i < params.length; i++) {
                assertClose(reference.gradientSum()[i], all.gradientSum()[i]);
            }
            if (treeThreshold >= partitions) {
                assertSame(local.computeAll(params), all);
            }

            // a mini-batch step: same rows, same sums
            BatchPlanner planner = new BatchPlanner(data.partitionSizes(), 100, 17);
            BatchPlanner.Epoch epoch = planner.epoch(3);
            epoch.next();
            StepPlan plan = epoch.next();
            Accumulator step = spark.compute(params, plan);
            assertEquals(100, step.count());
            Accumulator expected = local.compute(params, plan);
            if (treeThreshold >= partitions) {
                assertSame(expected, step);
            } else {
                assertClose(expected.lossSum(), step.lossSum());
                for (int i = 0; i < params.length; i++) {
                    assertClose(expected.gradientSum()[i], step.gradientSum()[i]);
                }
            }
        } finally {
            data.release();
        }
    }

    /** Bit-for-bit equality. */
    private static void assertSame(Accumulator expected, Accumulator actual) {
        assertEquals(expected.lossSum(), actual.lossSum(), 0.0);
        assertEquals(expected.weightSum(), actual.weightSum(), 0.0);
        assertEquals(expected.count(), actual.count());
        assertArrayEquals(expected.gradientSum(), actual.gradientSum(), 0.0);
    }

    private static void assertClose(double expected, double actual) {
        assertTrue(Math.abs(expected - actual) <= 1e-12 * Math.max(1.0, Math.abs(expected)),
                "expected " + expected + " got " + actual);
    }

    private static Block concat(List<Block> blocks) {
        int d = blocks.get(0).numFeatures();
        dev.steepest.core.data.BlockBuilder b = new dev.steepest.core.data.BlockBuilder(d, false);
        for (Block block : blocks) {
            for (int row = 0; row < block.numRows(); row++) {
                double[] x = new double[d];
                for (int j = 0; j < d; j++) x[j] = block.feature(row, j);
                b.addDense(block.label(row), block.weight(row), x);
            }
        }
        return b.build();
    }
}
