package dev.steepest.core.model;

import java.util.SplittableRandom;

/**
 * An {@link MlpModel}'s initial parameters from a seed, with zero biases. The weights of a layer with fan-in
 * {@code n_in} and fan-out {@code n_out} are drawn
 * <ul>
 *   <li>Xavier/Glorot uniform, {@code U(-r, r)} with {@code r = sqrt(6 / (n_in + n_out))} (variance
 *       {@code 2 / (n_in + n_out)}), for TANH and SIGMOID hidden layers and for the output layer:
 *       X. Glorot, Y. Bengio, "Understanding the difficulty of training deep feedforward neural networks",
 *       AISTATS 2010;</li>
 *   <li>He/Kaiming normal, {@code N(0, 2 / n_in)}, for RELU and LEAKY_RELU hidden layers: K. He, X. Zhang,
 *       S. Ren, J. Sun, "Delving Deep into Rectifiers: Surpassing Human-Level Performance on ImageNet
 *       Classification", ICCV 2015.</li>
 * </ul>
 * Drawn layer by layer in layout order from one {@link SplittableRandom}, normals by
 * {@link ParameterInit#gaussian}, so the same seed gives the same vector in every JVM.
 */
final class MlpInitializer {
    private MlpInitializer() {
    }

    static double[] initialParameters(MlpLayout layout, Activation activation, long seed) {
        double[] p = new double[layout.numParameters];
        SplittableRandom rng = new SplittableRandom(seed);
        int layers = layout.numLayers();
        boolean he = activation == Activation.RELU || activation == Activation.LEAKY_RELU;
        for (int l = 0; l < layers; l++) {
            int fanIn = layout.sizes[l];
            int fanOut = layout.sizes[l + 1];
            int from = layout.weightOffset[l];
            int to = from + fanIn * fanOut;
            if (he && l < layers - 1) {
                double std = Math.sqrt(2.0 / fanIn);
                for (int i = from; i < to; i++) p[i] = std * ParameterInit.gaussian(rng);
            } else {
                double limit = Math.sqrt(6.0 / (fanIn + fanOut));
                for (int i = from; i < to; i++) p[i] = limit * (2.0 * rng.nextDouble() - 1.0);
            }
        }
        return p;
    }
}
