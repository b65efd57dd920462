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
 */
public final class FeatureMoments implements Serializable {
    private static final long serialVersionUID = 1L;

    private final double[] mean;
    private final double[] m2;
    private double weightSum;

    public FeatureMoments(int numFeatures) {
        this.mean = new double[numFeatures];
        this.m2 = new double[numFeatures];
    }

    public static FeatureMoments of(Block b) {
        int d = b.numFeatures();
        FeatureMoments m = new FeatureMoments(d);
        RowValues x = new RowValues(b);
        double w = 0.0;
        for (int row = 0; row < b.numRows(); row++) w += b.weight(row);
        m.weightSum = w;
        if (w == 0.0) return m;
        if (b.isSparse()) {
            int[] ptr = b.rowPtr();
            int[] idx = b.colIdx();
            double[] nonZeroWeight = new double[d];
            for (int row = 0; row < b.numRows(); row++) {
                double rw = b.weight(row);
                x.load(row);
                double[] v = x.array;
                int sh = x.shift;
                for (int k = ptr[row]; k < ptr[row + 1]; k++) {
                    m.mean[idx[k]] += rw * v[k + sh];
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
                    double dev = v[k + sh] - m.mean[idx[k]];
                    m.m2[idx[k]] += rw * dev * dev;
                }
            }
            for (int j = 0; j < d; j++) m.m2[j] += (w - nonZeroWeight[j]) * m.mean[j] * m.mean[j];
        } else {
            for (int row = 0; row < b.numRows(); row++) {
                double rw = b.weight(row);
                x.load(row);
                double[] v = x.array;
                int off = row * d + x.shift;
                for (int j = 0; j < d; j++) m.mean[j] += rw * v[off + j];
            }
            for (int j = 0; j < d; j++) m.mean[j] /= w;
            for (int row = 0; row < b.numRows(); row++) {
                double rw = b.weight(row);
                x.load(row);
                double[] v = x.array;
                int off = row * d + x.shift;
                for (int j = 0; j < d; j++) {
                    double dev = v[off + j] - m.mean[j];
                    m.m2[j] += rw * dev * dev;
                }
            }
        }
        return m;
    }

    /** Chan et al.'s pairwise update: {@code M2 = M2_a + M2_b + delta^2 W_a W_b / W}. */
    public FeatureMoments merge(FeatureMoments o) {
        double total = weightSum + o.weightSum;
        if (o.weightSum == 0.0) return this;
        for (int j = 0; j < mean.length; j++) {
            double delta = o.mean[j] - mean[j];
            mean[j] += delta * o.weightSum / total;
            m2[j] += o.m2[j] + delta * delta * weightSum * o.weightSum / total;
        }
        weightSum = total;
        return this;
    }

    public double[] mean() {
        return mean.clone();
    }

    /**
     * The weighted standard deviation {@code sqrt(sum w (x - mean)^2 / sum w)} (population form: the scale only
     * conditions the optimization, and the model is mapped back to the original space exactly). A spread below
     * {@code 1e-12 |mean|} is rounding of a constant feature (the weighted mean of copies of 7.0 need not be 7.0
     * exactly) and is reported as exactly 0, so it is never divided by.
     */
    public double[] std() {
        double[] s = new double[mean.length];
        for (int j = 0; j < s.length; j++) {
            double sd = Math.sqrt(Math.max(0.0, m2[j] / weightSum));
            s[j] = sd <= 1e-12 * Math.abs(mean[j]) ? 0.0 : sd;
        }
        return s;
    }
}
