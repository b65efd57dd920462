package dev.steepest.core.model;

import dev.steepest.core.data.Block;
import java.io.Serializable;

/**
 * The arithmetic of an {@link MlpModel.Head}: how one row's output-layer values {@code z} become its loss, its
 * output deltas {@code dl/dz} for backpropagation and its evaluation. The softmax head is
 * {@link SoftmaxModel}'s cross-entropy ({@link SoftmaxModel#lossAndResiduals}); the one-output heads are a
 * {@link Loss} of the margin {@code m = z}: {@link LogisticLoss} for {@link MlpModel.Head#LOGISTIC},
 * {@link SquaredLoss} for {@link MlpModel.Head#SQUARED}. Both kernels call the same head, so their heads agree
 * bit for bit.
 */
sealed interface OutputHead extends Serializable permits OutputHead.Softmax, OutputHead.OfLoss {

    static OutputHead of(MlpModel.Head head, int numOutputs) {
        return switch (head) {
            case SOFTMAX -> new Softmax(numOutputs);
            case LOGISTIC -> new OfLoss(new LogisticLoss());
            case SQUARED -> new OfLoss(new SquaredLoss());
        };
    }

    /**
     * From the row's output-layer values {@code z[zOff ..)} writes the weighted output deltas {@code w * dl/dz}
     * into {@code delta[dOff ..)} and returns the unweighted loss.
     */
    double lossAndDeltas(Block block, int row, double w, double[] z, int zOff, double[] delta, int dOff);

    /**
     * Adds the row with output-layer values {@code z[zOff ..)} to {@code eval}; {@code scratch} holds at least
     * the outputs' count of doubles and is overwritten.
     */
    void evaluate(Block block, int row, double[] z, int zOff, double[] scratch, Evaluation eval);

    /** K class scores, softmax cross-entropy; labels are class indices, the predicted class is the argmax. */
    record Softmax(int numClasses) implements OutputHead {
        @Override
        public double lossAndDeltas(Block block, int row, double w, double[] z, int zOff, double[] delta,
                int dOff) {
            int k = numClasses;
            System.arraycopy(z, zOff, delta, dOff, k);
            double loss = SoftmaxModel.lossAndResiduals(delta, dOff, k,
                    SoftmaxModel.classLabel(block, row, numClasses));
            for (int j = 0; j < k; j++) delta[dOff + j] *= w;
            return loss;
        }

        @Override
        public void evaluate(Block block, int row, double[] z, int zOff, double[] scratch, Evaluation eval) {
            int k = numClasses;
            System.arraycopy(z, zOff, scratch, 0, k);
            int best = 0;
            for (int j = 1; j < k; j++) if (scratch[j] > scratch[best]) best = j;
            int y = SoftmaxModel.classLabel(block, row, numClasses);
            eval.addClassified(block.weight(row), SoftmaxModel.lossAndResiduals(scratch, 0, k, y), y, best);
        }
    }

    /** One output read as the margin of {@code loss}. */
    record OfLoss(Loss loss) implements OutputHead {
        @Override
        public double lossAndDeltas(Block block, int row, double w, double[] z, int zOff, double[] delta,
                int dOff) {
            double m = z[zOff];
            double y = block.label(row);
            delta[dOff] = w * loss.derivative(m, y);
            return loss.value(m, y);
        }

        @Override
        public void evaluate(Block block, int row, double[] z, int zOff, double[] scratch, Evaluation eval) {
            loss.evaluate(eval, block.weight(row), z[zOff], block.label(row));
        }
    }
}
