package dev.steepest.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.data.Block;
import dev.steepest.core.data.BlockBuilder;
import dev.steepest.core.optim.Adam;
import dev.steepest.core.optim.LrScaling;
import dev.steepest.core.optim.Optimizers;
import dev.steepest.core.train.LocalGradientSource;
import dev.steepest.core.train.OptimizerFactory;
import dev.steepest.core.train.StepRecord;
import dev.steepest.core.train.TrainingListener;
import dev.steepest.core.train.TrainingLoop;
import dev.steepest.core.train.TrainingResult;
import dev.steepest.core.train.TrainingSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * XOR, the classic problem a linear model cannot solve and one hidden layer can: labels
 * {@code y = [x_1 x_2 < 0]} on the corners {@code (+-1, +-1)}. Trained end to end by the full-batch
 * {@link TrainingLoop} over a {@link LocalGradientSource} (two blocks, one dense, one CSR).
 *
 * <p>For the linear model the limit is a theorem, not an observation: a line leaves at least one of the four
 * corners on the wrong side (accuracy {@code <= 3/4}); and since the data set is symmetric under
 * {@code x -> -x} with unchanged labels and balanced, the convex logistic loss is minimized at {@code w = 0,
 * b = 0}, so no linear model gets below {@code log 2}.
 */
class MlpXorTest {
    private static final double[][] CORNERS = {{-1, -1}, {-1, 1}, {1, -1}, {1, 1}};

    /** {@code copies} rows per corner, with N(0, noise^2) added to each coordinate; two blocks. */
    private static List<Block> xor(int copies, double noise, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        BlockBuilder dense = new BlockBuilder(2, false);
        BlockBuilder sparse = new BlockBuilder(2, true);
        int row = 0;
        for (int c = 0; c < copies; c++) {
            for (double[] corner : CORNERS) {
                double[] x = {corner[0] + noise * ParameterInit.gaussian(rng),
                    corner[1] + noise * ParameterInit.gaussian(rng)};
                double y = corner[0] * corner[1] < 0 ? 1.0 : 0.0;
                (row++ % 2 == 0 ? dense : sparse).addDense(y, 1.0, x);
            }
        }
        return List.of(dense.build(), sparse.build());
    }

    private static TrainingResult train(Model model, List<Block> blocks, double[] init, int epochs, double lr,
                                        OptimizerFactory optimizer, List<Double> losses) {
        TrainingSettings settings = new TrainingSettings(TrainingSettings.FULL_BATCH, epochs, 0, 1, lr,
                LrScaling.NONE, 1, 0.0, 0.0, Double.NaN, Double.NaN, Double.NaN);
        TrainingListener listener = new TrainingListener() {
            @Override public void onStep(StepRecord s) { losses.add(s.loss()); }
        };
        return new TrainingLoop(new LocalGradientSource(blocks, model), model, settings, optimizer, List.of(listener))
                .run(init);
    }

    private static Evaluation evaluate(Model model, List<Block> blocks, double[] params) {
        Evaluation eval = new Evaluation();
        for (Block b : blocks) model.evaluate(b, params, eval);
        return eval;
    }

    private static final OptimizerFactory ADAM = (schedule, groups) ->
            Adam.create(schedule, 0.9, 0.999, 1e-8, false, 0.0, groups);
    private static final OptimizerFactory MOMENTUM = (schedule, groups) ->
            Optimizers.sgd(schedule, 0.9, 0.0, false, 0.0, groups);

    @Test
    void oneTanhLayerLearnsXorWithAdam() {
        List<Block> blocks = xor(1, 0.0, 1);
        MlpModel mlp = new MlpModel(2, new int[] {8}, Activation.TANH, MlpModel.Head.LOGISTIC, 1);
        List<Double> losses = new ArrayList<>();
        TrainingResult result = train(mlp, blocks, mlp.initialParameters(3), 300, 0.05, ADAM, losses);
        assertFalse(result.diverged());
        assertEquals(300, losses.size());
        Evaluation eval = evaluate(mlp, blocks, result.params());
        assertEquals(4, eval.count());
        assertEquals(1.0, eval.accuracy(), 0.0, "all four corners right");
        assertTrue(eval.meanLoss() < 0.05, "log-loss " + eval.meanLoss());
        assertTrue(losses.get(0) > 0.5, "starts near log 2: " + losses.get(0));
    }

    /** 200 noisy rows (50 per corner, noise 0.15), heavy-ball momentum: still 100% and a small loss. */
    @Test
    void oneTanhLayerLearnsNoisyXorWithMomentum() {
        List<Block> blocks = xor(50, 0.15, 2);
        assertEquals(200, blocks.get(0).numRows() + blocks.get(1).numRows());
        MlpModel mlp = new MlpModel(2, new int[] {8}, Activation.TANH, MlpModel.Head.LOGISTIC, 1);
        List<Double> losses = new ArrayList<>();
        TrainingResult result = train(mlp, blocks, mlp.initialParameters(4), 400, 0.1, MOMENTUM, losses);
        assertFalse(result.diverged());
        Evaluation eval = evaluate(mlp, blocks, result.params());
        assertEquals(200, eval.count());
        assertEquals(1.0, eval.accuracy(), 0.0);
        assertTrue(eval.meanLoss() < 0.05, "log-loss " + eval.meanLoss());
        assertTrue(eval.auc() > 0.999, "AUC " + eval.auc());
    }

    @Test
    void aLinearModelCannotLearnXor() {
        List<Block> blocks = xor(1, 0.0, 1);
        LinearModel linear = LinearModel.logisticRegression(2, true);
        List<Double> losses = new ArrayList<>();
        // start away from the optimum, so that the trainer has something to do
        TrainingResult result = train(linear, blocks, new double[] {0.7, -0.4, 0.3}, 300, 0.05, ADAM, losses);
        Evaluation eval = evaluate(linear, blocks, result.params());
        assertTrue(eval.accuracy() <= 0.75, "accuracy " + eval.accuracy());
        assertTrue(eval.meanLoss() >= Math.log(2) - 1e-12, "log-loss " + eval.meanLoss() + " below log 2");
        assertEquals(Math.log(2), losses.get(losses.size() - 1), 1e-3, "converges to the optimum w = 0, b = 0");
        // and the same network without its hidden layer is that linear model: stuck as well
        MlpModel flat = new MlpModel(2, new int[0], Activation.TANH, MlpModel.Head.LOGISTIC, 1);
        TrainingResult r2 = train(flat, blocks, flat.initialParameters(3), 300, 0.05, ADAM, new ArrayList<>());
        Evaluation e2 = evaluate(flat, blocks, r2.params());
        assertTrue(e2.accuracy() <= 0.75, "accuracy " + e2.accuracy());
        assertTrue(e2.meanLoss() >= Math.log(2) - 1e-12, "log-loss " + e2.meanLoss());
    }
}
