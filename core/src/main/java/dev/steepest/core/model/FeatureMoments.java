package dev.steepest.core.model;

import dev.steepest.core.data.Block;
import java.io.Serializable;

/**
 * Mergeable weighted mean and variance of every feature, for standardization: one pass over the cached blocks,
 * merged in partition order. Each block is summarized exactly in two passes over its own rows (mean, then squared
 * deviations), and blocks combine with Chan, Golub &amp; LeVeque's parallel formula, so features with a large
 * offset and a small spread keep their digits (unlike {@code E[x^2] - E[x]^2}). Sparse blocks touch only their
 * non-zeros; the zeros enter through the weights. A float32 block's values are widened to double exactly, so its
 * moments are those of the float-rounded values, summed in double.
 *
 * <p>No square overflows: every feature is summarized in units of a power of two {@code s_j} at least its largest
 * magnitude ({@code x / s_j} is in [-1, 1]), and merging rescales to the larger unit. Scaling by a power of two is
 * exact, so for values whose squares neither overflow nor underflow the moments are the same bits as without it;
 * a feature of 1e160 gets a standard deviation near 1e160 instead of {@code Infinity}.
 */
public final class FeatureMoments implements Serializable {
    private static final long serialVersionUID = 2L;

    private final double[] scale;   // s_j, a power of two
    private final double[] mean;    // the weighted mean / s_j
    private final double[] m2;      // sum w (x - mean)^2 / s_j^2
    private double weightSum;
    private double weightSquareSum;

    public FeatureMoments(int numFeatures) {
        this.scale = new double[numFeatures];
        java.util.Arrays.fill(scale, 1.0);
        this.mean = new double[numFeatures];
        this.m2 = new double[numFeatures];
    }

    /** The smallest power of two at least {@code maxAbs} (1 for 0). */
    private static double unit(double maxAbs) {
        if (maxAbs == 0.0 || !Double.isFinite(maxAbs)) return 1.0;
        return Math.scalb(1.0, Math.getExponent(maxAbs) + 1);
    }

    public static FeatureMoments of(Block b) {
        int d = b.numFeatures();
        FeatureMoments m = new FeatureMoments(d);
        RowValues x = new RowValues(b);
        double w = 0.0;
        double w2 = 0.0;
        for (int row = 0; row < b.numRows(); row++) {
            w += b.weight(row);
            w2 += b.weight(row) * b.weight(row);
        }
        m.weightSum = w;
        m.weightSquareSum = w2;
        if (w == 0.0) return m;
        double[] s = m.scale;
        double[] maxAbs = new double[d];
        if (b.isSparse()) {
            int[] ptr = b.rowPtr();
            int[] idx = b.colIdx();
            for (int row = 0; row < b.numRows(); row++) {
                x.load(row);
                for (int k = ptr[row]; k < ptr[row + 1]; k++) {
                    maxAbs[idx[k]] = Math.max(maxAbs[idx[k]], Math.abs(x.array[k + x.shift]));
                }
            }
            for (int j = 0; j < d; j++) s[j] = unit(maxAbs[j]);
            double[] nonZeroWeight = new double[d];
            for (int row = 0; row < b.numRows(); row++) {
                double rw = b.weight(row);
                x.load(row);
                double[] v = x.array;
                int sh = x.shift;
                for (int k = ptr[row]; k < ptr[row + 1]; k++) {
                    m.mean[idx[k]] += rw * (v[k + sh] / s[idx[k]]);
                    nonZeroWeight[idx[k]] += rw;
                }
            }
            for (int j = 0; j < d; j++) m.mean[j] /= w;
            for (int row = 0; row < b.numRows(); row++) {
                double rw = b.weight(row);
                x.load(row);
                double[] v = x.array;
                int sh = x.shift;
                for (int k = ptr[row]; k < ptr[row + 1]; k++) {
                    double dev = v[k + sh] / s[idx[k]] - m.mean[idx[k]];
                    m.m2[idx[k]] += rw * dev * dev;
                }
            }
            for (int j = 0; j < d; j++) m.m2[j] += (w - nonZeroWeight[j]) * m.mean[j] * m.mean[j];
        } else {
            for (int row = 0; row < b.numRows(); row++) {
                x.load(row);
                int off = row * d + x.shift;
                for (int j = 0; j < d; j++) maxAbs[j] = Math.max(maxAbs[j], Math.abs(x.array[off + j]));
            }
            for (int j = 0; j < d; j++) s[j] = unit(maxAbs[j]);
            for (int row = 0; row < b.numRows(); row++) {
                double rw = b.weight(row);
                x.load(row);
                double[] v = x.array;
                int off = row * d + x.shift;
                for (int j = 0; j < d; j++) m.mean[j] += rw * (v[off + j] / s[j]);
            }
            for (int j = 0; j < d; j++) m.mean[j] /= w;
            for (int row = 0; row < b.numRows(); row++) {
                double rw = b.weight(row);
                x.load(row);
                double[] v = x.array;
                int off = row * d + x.shift;
                for (int j = 0; j < d; j++) {
                    double dev = v[off + j] / s[j] - m.mean[j];
                    m.m2[j] += rw * dev * dev;
                }
            }
        }
        return m;
    }

    /**
     * Chan et al.'s pairwise update {@code M2 = M2_a + M2_b + delta^2 W_a W_b / W}, in the larger of the two units
     * of each feature (the other side's mean and M2 rescaled exactly).
     */
    public FeatureMoments merge(FeatureMoments o) {
        double total = weightSum + o.weightSum;
        if (o.weightSum == 0.0) return this;
        for (int j = 0; j < mean.length; j++) {
            double s = Math.max(scale[j], o.scale[j]);
            double ra = scale[j] / s;
            double rb = o.scale[j] / s;
            double ma = mean[j] * ra;
            double mb = o.mean[j] * rb;
            double delta = mb - ma;
            mean[j] = ma + delta * o.weightSum / total;
            m2[j] = m2[j] * ra * ra + (o.m2[j] * rb * rb + delta * delta * weightSum * o.weightSum / total);
            scale[j] = s;
        }
        weightSum = total;
        weightSquareSum += o.weightSquareSum;
        return this;
    }

    public double[] mean() {
        double[] out = new double[mean.length];
        for (int j = 0; j < out.length; j++) out[j] = mean[j] * scale[j];
        return out;
    }

    /**
     * The weighted sample standard deviation, Spark ML's {@code Summarizer} convention (unbiased with reliability
     * weights; {@code n - 1} when every weight is 1):
     * <pre>  sigma_j = sqrt( sum w (x_j - mean_j)^2 / (W - sum w^2 / W) ),   W = sum w</pre>
     * and 0 when the denominator is not positive (one row). With regularization the scale is part of the objective
     * (the penalty acts on the scaled coefficients), so this convention is what makes a standardized, regularized
     * model equal Spark ML's. A spread below {@code 1e-12 |mean|} is rounding of a constant feature (the weighted
     * mean of copies of 7.0 need not be 7.0 exactly) and is reported as exactly 0, so it is never divided by.
     */
    public double[] std() {
        double[] out = new double[mean.length];
        double denominator = weightSum - weightSquareSum / weightSum;
        if (!(denominator > 0.0)) return out;
        for (int j = 0; j < out.length; j++) {
            double sd = Math.sqrt(Math.max(0.0, m2[j] / denominator)) * scale[j];
            out[j] = sd <= 1e-12 * Math.abs(mean[j] * scale[j]) ? 0.0 : sd;
        }
        return out;
    }
}
