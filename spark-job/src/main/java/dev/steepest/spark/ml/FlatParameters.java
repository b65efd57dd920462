package dev.steepest.spark.ml;

import dev.steepest.core.model.MlpModel;
import dev.steepest.core.model.Model;
import dev.steepest.core.score.LinearScorer;
import dev.steepest.core.score.MlpScorer;
import dev.steepest.core.score.ScoringModel;
import dev.steepest.spark.InputError;

/**
 * A model.json's parameters as the flat vector of a core {@link Model} of the same shape (original feature space,
 * no standardization): what the distributed evaluation and a warm start take.
 */
public final class FlatParameters {
    private FlatParameters() {
    }

    public static double[] of(ScoringModel json, Model model) {
        double[] p = new double[model.numParameters()];
        if (json.scorer() instanceof MlpScorer mlp && model instanceof MlpModel net) {
            int[] sizes = net.layerSizes();
            check(mlp.numLayers() == net.numLayers(), json, model);
            for (int l = 0; l < net.numLayers(); l++) {
                double[][] w = mlp.weights(l);
                check(w.length == sizes[l + 1] && w[0].length == sizes[l], json, model);
                for (int o = 0; o < w.length; o++) System.arraycopy(w[o], 0, p, net.weightOffset(l) + o * sizes[l], sizes[l]);
                System.arraycopy(mlp.bias(l), 0, p, net.biasOffset(l), sizes[l + 1]);
            }
            return p;
        }
        if (!(json.scorer() instanceof LinearScorer lin) || model instanceof MlpModel) {
            throw new InputError("model.json: a " + json.type() + " model does not fit a " + model.type() + " model");
        }
        int k = lin.numOutputs();
        int d = lin.numFeatures();
        check(k == model.numOutputs() && d == model.numFeatures(), json, model);
        for (int c = 0; c < k; c++) System.arraycopy(lin.coefficients()[c], 0, p, c * d, d);
        if (p.length > k * d) System.arraycopy(lin.intercepts(), 0, p, k * d, k);
        return p;
    }

    private static void check(boolean ok, ScoringModel json, Model model) {
        if (!ok) {
            throw new InputError("model.json: a " + json.type() + " model of " + json.numFeatures() + " features and "
                    + json.scorer().numOutputs() + " outputs does not fit a model of " + model.numFeatures()
                    + " features and " + model.numOutputs() + " outputs");
        }
    }
}
