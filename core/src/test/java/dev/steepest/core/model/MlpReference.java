package dev.steepest.core.model;

import dev.steepest.core.TestData;

/**
 * A naive multilayer perceptron for the tests: one row at a time, plain loops over {@code double[][]} weight
 * matrices unpacked from the documented flat layout, the textbook formulas for the activations and losses
 * (log-sum-exp with the max subtracted, nothing else), and backpropagation written out per row. It shares no code
 * with {@link MlpModel}'s kernel.
 */
final class MlpReference {
    private MlpReference() {
    }

    /**
     * The sums over the rows, with {@code gradientScale[p]} the sum of the absolute values of the per-row terms of
     * gradient component p (the scale against which a sum that cancels can be judged), the smallest |pre-activation|
     * of any hidden unit, and the sign pattern of all hidden pre-activations (to see whether a perturbation crossed
     * a ReLU kink).
     */
    record Result(double lossSum, double weightSum, long count, double[] gradientSum, double[] gradientScale,
                  double minAbsPreActivation, boolean[] positive, double[][] outputs) {
        double meanLoss() {
            return lossSum / weightSum;
        }
    }

    static double activation(Activation f, double z) {
        return switch (f) {
            case RELU -> Math.max(0.0, z);
            case LEAKY_RELU -> z > 0 ? z : 0.01 * z;
            case TANH -> Math.tanh(z);
            case SIGMOID -> 1.0 / (1.0 + Math.exp(-z));
        };
    }

    static double derivative(Activation f, double z) {
        return switch (f) {
            case RELU -> z > 0 ? 1.0 : 0.0;
            case LEAKY_RELU -> z > 0 ? 1.0 : 0.01;
            case TANH -> 1.0 - Math.tanh(z) * Math.tanh(z);
            case SIGMOID -> {
                double s = 1.0 / (1.0 + Math.exp(-z));
                yield s * (1.0 - s);
            }
        };
    }

    /** Layer widths {@code [d, hidden..., K]}. */
    static int[] widths(int d, int[] hidden, int k) {
        int[] w = new int[hidden.length + 2];
        w[0] = d;
        System.arraycopy(hidden, 0, w, 1, hidden.length);
        w[w.length - 1] = k;
        return w;
    }

    static Result run(int[] hidden, Activation f, MlpModel.Head head, int k, TestData.Rows r, int[] rows, int count,
                      double[] params) {
        int[] n = widths(r.d(), hidden, k);
        int layers = n.length - 1;
        // unpack: W[l][o][i], b[l][o], from the flat layout
        double[][][] w = new double[layers][][];
        double[][] b = new double[layers][];
        int[] wOff = new int[layers];
        int[] bOff = new int[layers];
        int p = 0;
        for (int l = 0; l < layers; l++) {
            wOff[l] = p;
            w[l] = new double[n[l + 1]][n[l]];
            for (int o = 0; o < n[l + 1]; o++) for (int i = 0; i < n[l]; i++) w[l][o][i] = params[p++];
            bOff[l] = p;
            b[l] = new double[n[l + 1]];
            for (int o = 0; o < n[l + 1]; o++) b[l][o] = params[p++];
        }
        if (p != params.length) throw new IllegalArgumentException("layout: " + p + " != " + params.length);

        double[] grad = new double[p];
        double[] scale = new double[p];
        double lossSum = 0.0;
        double weightSum = 0.0;
        double minAbs = Double.POSITIVE_INFINITY;
        int hiddenUnits = 0;
        for (int l = 1; l < layers; l++) hiddenUnits += n[l];
        boolean[] positive = new boolean[count * hiddenUnits];
        int signAt = 0;
        double[][] outputs = new double[count][];
        for (int c = 0; c < count; c++) {
            int row = rows == null ? c : rows[c];
            double weight = r.w[row];
            double[][] a = new double[layers + 1][]; // a[0] = x, a[l + 1] = output of layer l
            double[][] z = new double[layers][];
            a[0] = r.x[row].clone();
            for (int l = 0; l < layers; l++) {
                z[l] = new double[n[l + 1]];
                a[l + 1] = new double[n[l + 1]];
                for (int o = 0; o < n[l + 1]; o++) {
                    double s = b[l][o];
                    for (int i = 0; i < n[l]; i++) s += w[l][o][i] * a[l][i];
                    z[l][o] = s;
                    if (l < layers - 1) {
                        a[l + 1][o] = activation(f, s);
                        minAbs = Math.min(minAbs, Math.abs(s));
                        positive[signAt++] = s > 0;
                    } else {
                        a[l + 1][o] = s;
                    }
                }
            }
            double[] out = z[layers - 1];
            outputs[c] = out.clone();
            double y = r.y[row];
            double loss;
            double[] dz = new double[k];
            switch (head) {
                case SOFTMAX -> {
                    double max = Double.NEGATIVE_INFINITY;
                    for (double v : out) max = Math.max(max, v);
                    double sum = 0.0;
                    for (double v : out) sum += Math.exp(v - max);
                    int label = (int) y;
                    loss = Math.log(sum) + max - out[label];
                    for (int j = 0; j < k; j++) dz[j] = Math.exp(out[j] - max) / sum - (j == label ? 1.0 : 0.0);
                }
                case LOGISTIC -> {
                    double m = out[0];
                    loss = Math.log1p(Math.exp(-Math.abs(m))) + Math.max(m, 0.0) - y * m;
                    dz[0] = 1.0 / (1.0 + Math.exp(-m)) - y;
                }
                default -> {
                    loss = 0.5 * (out[0] - y) * (out[0] - y);
                    dz[0] = out[0] - y;
                }
            }
            lossSum += weight * loss;
            weightSum += weight;
            // backpropagation, one row
            double[] delta = new double[k];
            for (int j = 0; j < k; j++) delta[j] = weight * dz[j];
            for (int l = layers - 1; l >= 0; l--) {
                for (int o = 0; o < n[l + 1]; o++) {
                    grad[bOff[l] + o] += delta[o];
                    scale[bOff[l] + o] += Math.abs(delta[o]);
                    for (int i = 0; i < n[l]; i++) {
                        double t = delta[o] * a[l][i];
                        grad[wOff[l] + o * n[l] + i] += t;
                        scale[wOff[l] + o * n[l] + i] += Math.abs(t);
                    }
                }
                if (l > 0) {
                    double[] prev = new double[n[l]];
                    for (int i = 0; i < n[l]; i++) {
                        double s = 0.0;
                        for (int o = 0; o < n[l + 1]; o++) s += delta[o] * w[l][o][i];
                        prev[i] = s * derivative(f, z[l - 1][i]);
                    }
                    delta = prev;
                }
            }
        }
        return new Result(lossSum, weightSum, count, grad, scale, minAbs, positive, outputs);
    }
}
