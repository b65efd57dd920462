package dev.steepest.core.model;

import java.io.Serializable;

/**
 * The distributed contract: a small mergeable sum of (weighted loss, weighted gradient, weight, row count)
 * over some rows. Kernels {@code add} rows into it; partial sums from partitions are {@code merge}d; the driver
 * divides by {@link #weightSum()} and adds regularization once (as Spark ML's {@code ml/optim/aggregator}).
 *
 * <p>Mutable on purpose: it is the per-task scratch space of the hot path.
 */
public final class Accumulator implements Serializable {
    private static final long serialVersionUID = 1L;

    private double lossSum;
    private double weightSum;
    private long count;
    private final double[] gradientSum;

    public Accumulator(int numParameters) {
        this.gradientSum = new double[numParameters];
    }

    /**
     * An accumulator holding exactly these sums, as another process computed them (the sums cross the wire as
     * raw bits, so a restored accumulator merges to the same bits as the original would have).
     */
    public static Accumulator restore(double lossSum, double weightSum, long count, double[] gradientSum) {
        Accumulator a = new Accumulator(gradientSum);
        a.lossSum = lossSum;
        a.weightSum = weightSum;
        a.count = count;
        return a;
    }

    private Accumulator(double[] gradientSum) {
        this.gradientSum = gradientSum;
    }

    /** Adds one row's weighted loss and weight; the kernel adds the gradient into {@link #gradientSum()}. */
    public void addRow(double weightedLoss, double weight) {
        lossSum += weightedLoss;
        weightSum += weight;
        count++;
    }

    /** Adds {@code other} into this accumulator and returns this. */
    public Accumulator merge(Accumulator other) {
        if (other.gradientSum.length != gradientSum.length) {
            throw new IllegalArgumentException("gradient sizes differ: " + other.gradientSum.length + " vs "
                    + gradientSum.length);
        }
        lossSum += other.lossSum;
        weightSum += other.weightSum;
        count += other.count;
        double[] g = other.gradientSum;
        for (int i = 0; i < g.length; i++) gradientSum[i] += g[i];
        return this;
    }

    public double lossSum() { return lossSum; }
    public double weightSum() { return weightSum; }
    public long count() { return count; }
    /** The running gradient sum; kernels write into it directly. */
    public double[] gradientSum() { return gradientSum; }

    /** Mean loss {@code lossSum / weightSum}. */
    public double meanLoss() { return lossSum / weightSum; }

    /** Mean gradient {@code gradientSum / weightSum}, as a new array. */
    public double[] meanGradient() {
        double[] g = new double[gradientSum.length];
        double inv = 1.0 / weightSum;
        for (int i = 0; i < g.length; i++) g[i] = gradientSum[i] * inv;
        return g;
    }
}
