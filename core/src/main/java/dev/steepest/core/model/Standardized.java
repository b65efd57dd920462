package dev.steepest.core.model;

import dev.steepest.core.data.Block;
import java.util.List;

/**
 * Trains {@code inner} on standardized features {@code x_j / sigma_j} without materializing them (as Spark ML does:
 * scaled, not centered, so sparse data stays sparse and the intercept absorbs the means).
 *
 * <p>The parameters {@code theta} live in the scaled space. Only the input weight matrix (the first
 * {@link Model#inputWeightRows()} x d parameters) sees the features, and
 * {@code theta_rj * (x_j / sigma_j) = (theta_rj / sigma_j) * x_j}: so the kernel runs {@code inner} on the raw
 * block with those weights divided by sigma, and the chain rule divides that block of the gradient by sigma too.
 * Everything else (biases, deeper layers) passes through. A constant feature ({@code sigma_j = 0}) is scaled by 0,
 * so its coefficient stays at its initial value (0) and the intercept carries it, as in Spark ML.
 * {@link #toOriginal} gives the parameters of the same function in the original feature space (what model.json
 * stores). Regularization applies to {@code theta}, in the scaled space.
 */
public final class Standardized implements Model {
    private static final long serialVersionUID = 1L;

    private final Model inner;
    private final double[] invStd;

    /** @param std the per-feature standard deviations (0 for a constant feature) */
    public Standardized(Model inner, double[] std) {
        if (std.length != inner.numFeatures()) {
            throw new IllegalArgumentException("std has " + std.length + " entries for " + inner.numFeatures()
                    + " features");
        }
        this.inner = inner;
        this.invStd = new double[std.length];
        for (int j = 0; j < std.length; j++) {
            if (!(std[j] >= 0) || Double.isInfinite(std[j])) throw new IllegalArgumentException("std " + std[j]);
            invStd[j] = std[j] > 0 ? 1.0 / std[j] : 0.0;
        }
    }

    public Model inner() {
        return inner;
    }

    /** The parameters in the original feature space: the input weights divided by sigma. */
    public double[] toOriginal(double[] theta) {
        return scaleInputWeights(theta);
    }

    /**
     * The inverse of {@link #toOriginal}, for a warm start from parameters in the original space: each input weight
     * {@code w} becomes the {@code theta} nearest {@code w * sigma} for which {@code toOriginal} gives {@code w} back
     * bit for bit (the kernel then computes with exactly {@code w}); where no double has that property, the one whose
     * image is nearest {@code w}. A constant feature's weight ({@code sigma = 0}) becomes 0, the value a
     * standardized run keeps it at: the feature's contribution is lost unless it was 0 already.
     */
    public double[] fromOriginal(double[] original) {
        if (original.length != numParameters()) {
            throw new IllegalArgumentException(original.length + " parameters for a model of " + numParameters());
        }
        double[] out = original.clone();
        int d = invStd.length;
        for (int r = 0; r < inner.inputWeightRows(); r++) {
            int base = r * d;
            for (int j = 0; j < d; j++) out[base + j] = preimage(original[base + j], invStd[j]);
        }
        return out;
    }

    /** The theta with {@code theta * c == w} exactly, searched a few ulps around {@code w / c}; else the closest. */
    static double preimage(double w, double c) {
        if (c == 0.0 || w == 0.0 || !Double.isFinite(w)) return c == 0.0 ? 0.0 : w;
        double best = w / c;
        double bestError = Math.abs(best * c - w);
        double lo = best;
        double hi = best;
        for (int i = 0; i < 4 && bestError > 0; i++) {
            lo = Math.nextDown(lo);
            hi = Math.nextUp(hi);
            for (double t : new double[] {lo, hi}) {
                double e = Math.abs(t * c - w);
                if (e < bestError) {
                    best = t;
                    bestError = e;
                }
            }
        }
        return best;
    }

    private double[] scaleInputWeights(double[] theta) {
        double[] out = theta.clone();
        int d = invStd.length;
        int rows = inner.inputWeightRows();
        for (int r = 0; r < rows; r++) {
            int base = r * d;
            for (int j = 0; j < d; j++) out[base + j] *= invStd[j];
        }
        return out;
    }

    @Override
    public void accumulate(Block block, int[] rows, int count, double[] params, Accumulator acc) {
        Accumulator raw = new Accumulator(inner.numParameters());
        inner.accumulate(block, rows, count, scaleInputWeights(params), raw);
        double[] g = raw.gradientSum();
        int d = invStd.length;
        for (int r = 0; r < inner.inputWeightRows(); r++) {
            int base = r * d;
            for (int j = 0; j < d; j++) g[base + j] *= invStd[j];
        }
        acc.merge(raw);
    }

    @Override
    public void evaluate(Block block, double[] params, Evaluation eval) {
        inner.evaluate(block, scaleInputWeights(params), eval);
    }

    @Override public String type() { return inner.type(); }
    @Override public int numFeatures() { return inner.numFeatures(); }
    @Override public int numOutputs() { return inner.numOutputs(); }
    @Override public int numParameters() { return inner.numParameters(); }
    @Override public List<ParameterGroup> groups() { return inner.groups(); }
    @Override public boolean isClassifier() { return inner.isClassifier(); }
    @Override public int inputWeightRows() { return inner.inputWeightRows(); }
}
