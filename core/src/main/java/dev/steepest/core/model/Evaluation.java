package dev.steepest.core.model;

import java.io.Serializable;

/**
 * Mergeable sums for held-out metrics: weighted loss, weighted correct predictions (classifiers) and weighted
 * squared / absolute errors (regression). Means are taken once all partitions are merged.
 */
public final class Evaluation implements Serializable {
    private static final long serialVersionUID = 1L;

    private double weightSum;
    private double lossSum;
    private double correctWeight;
    private double squaredErrorSum;
    private double absoluteErrorSum;
    private long count;

    public void addClassified(double weight, double loss, boolean correct) {
        weightSum += weight;
        lossSum += weight * loss;
        if (correct) correctWeight += weight;
        count++;
    }

    public void addRegressed(double weight, double loss, double error) {
        weightSum += weight;
        lossSum += weight * loss;
        squaredErrorSum += weight * error * error;
        absoluteErrorSum += weight * Math.abs(error);
        count++;
    }

    public Evaluation merge(Evaluation o) {
        weightSum += o.weightSum;
        lossSum += o.lossSum;
        correctWeight += o.correctWeight;
        squaredErrorSum += o.squaredErrorSum;
        absoluteErrorSum += o.absoluteErrorSum;
        count += o.count;
        return this;
    }

    public long count() { return count; }
    public double meanLoss() { return lossSum / weightSum; }
    public double accuracy() { return correctWeight / weightSum; }
    public double rmse() { return Math.sqrt(squaredErrorSum / weightSum); }
    public double mae() { return absoluteErrorSum / weightSum; }
}
