package dev.steepest.core.model;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Mergeable sums for held-out metrics, all weighted by the sample weights:
 * <ul>
 *   <li>every model: the mean loss;</li>
 *   <li>classifiers: a K x K confusion matrix (rows: actual class, columns: predicted), giving accuracy and
 *       macro-F1; binary classifiers also keep every (score, label, weight) for the exact area under the ROC
 *       curve (24 bytes a row: a test set, not a training set);</li>
 *   <li>regression: squared and absolute errors and the label moments, giving RMSE, MAE and R^2.</li>
 * </ul>
 * Means are taken once all partitions are merged (in partition order).
 */
public final class Evaluation implements Serializable {
    private static final long serialVersionUID = 2L;

    private double weightSum;
    private double lossSum;
    private long count;
    // classification
    private double correctWeight;
    private int numClasses;
    private double[] confusion = new double[0];
    private double[] scores = new double[0];
    private double[] scoreLabels = new double[0];
    private double[] scoreWeights = new double[0];
    private int scored;
    // regression
    private double squaredErrorSum;
    private double absoluteErrorSum;
    private double labelSum;
    private double labelSquareSum;
    private long regressedWithLabels;

    /** A classified row: actual and predicted class indices. */
    public void addClassified(double weight, double loss, int actual, int predicted) {
        add(weight, loss);
        if (actual == predicted) correctWeight += weight;
        int k = Math.max(actual, predicted) + 1;
        if (k > numClasses) grow(k);
        confusion[actual * numClasses + predicted] += weight;
    }

    /** A classified row counted for accuracy only (no confusion matrix). */
    public void addClassified(double weight, double loss, boolean correct) {
        add(weight, loss);
        if (correct) correctWeight += weight;
    }

    /** A binary classifier's score for the row (higher means class 1), for the AUC. */
    public void addScore(double weight, double label, double score) {
        if (scored == scores.length) {
            int n = Math.max(16, scored * 2);
            scores = Arrays.copyOf(scores, n);
            scoreLabels = Arrays.copyOf(scoreLabels, n);
            scoreWeights = Arrays.copyOf(scoreWeights, n);
        }
        scores[scored] = score;
        scoreLabels[scored] = label;
        scoreWeights[scored] = weight;
        scored++;
    }

    /** A regressed row: its prediction and label. */
    public void addRegressed(double weight, double loss, double prediction, double label) {
        addRegressed(weight, loss, prediction - label);
        labelSum += weight * label;
        labelSquareSum += weight * label * label;
        regressedWithLabels++;
    }

    /** A regressed row given only by its error {@code prediction - label} (no R^2). */
    public void addRegressed(double weight, double loss, double error) {
        add(weight, loss);
        squaredErrorSum += weight * error * error;
        absoluteErrorSum += weight * Math.abs(error);
    }

    private void add(double weight, double loss) {
        weightSum += weight;
        lossSum += weight * loss;
        count++;
    }

    private void grow(int k) {
        double[] c = new double[k * k];
        for (int a = 0; a < numClasses; a++) {
            System.arraycopy(confusion, a * numClasses, c, a * k, numClasses);
        }
        confusion = c;
        numClasses = k;
    }

    public Evaluation merge(Evaluation o) {
        weightSum += o.weightSum;
        lossSum += o.lossSum;
        count += o.count;
        correctWeight += o.correctWeight;
        if (o.numClasses > numClasses) grow(o.numClasses);
        for (int a = 0; a < o.numClasses; a++) {
            for (int p = 0; p < o.numClasses; p++) confusion[a * numClasses + p] += o.confusion[a * o.numClasses + p];
        }
        for (int i = 0; i < o.scored; i++) addScore(o.scoreWeights[i], o.scoreLabels[i], o.scores[i]);
        squaredErrorSum += o.squaredErrorSum;
        absoluteErrorSum += o.absoluteErrorSum;
        labelSum += o.labelSum;
        labelSquareSum += o.labelSquareSum;
        regressedWithLabels += o.regressedWithLabels;
        return this;
    }

    public long count() { return count; }
    public double meanLoss() { return lossSum / weightSum; }
    public double accuracy() { return correctWeight / weightSum; }
    public double rmse() { return Math.sqrt(squaredErrorSum / weightSum); }
    public double mae() { return absoluteErrorSum / weightSum; }

    /** The weighted confusion matrix, {@code [actual][predicted]}, padded to {@code k} classes. */
    public double[][] confusionMatrix(int k) {
        double[][] m = new double[k][k];
        for (int a = 0; a < Math.min(k, numClasses); a++) {
            for (int p = 0; p < Math.min(k, numClasses); p++) m[a][p] = confusion[a * numClasses + p];
        }
        return m;
    }

    /**
     * Macro-averaged F1 over {@code k} classes: the mean of per-class {@code 2 TP / (2 TP + FP + FN)}; a class that
     * is neither present nor predicted scores 0 (as scikit-learn's default, with a zero-division warning there).
     */
    public double macroF1(int k) {
        double[][] m = confusionMatrix(k);
        double sum = 0.0;
        for (int c = 0; c < k; c++) {
            double tp = m[c][c];
            double fn = 0.0;
            double fp = 0.0;
            for (int o = 0; o < k; o++) {
                if (o == c) continue;
                fn += m[c][o];
                fp += m[o][c];
            }
            double denominator = 2 * tp + fp + fn;
            sum += denominator == 0.0 ? 0.0 : 2 * tp / denominator;
        }
        return sum / k;
    }

    /**
     * The exact weighted area under the ROC curve: the probability that a random positive scores above a random
     * negative, ties counting one half (the Mann-Whitney statistic). NaN when one class is absent or no scores
     * were recorded.
     */
    public double auc() {
        Integer[] order = new Integer[scored];
        for (int i = 0; i < scored; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        double negativesBelow = 0.0;
        double pairs = 0.0;
        double positives = 0.0;
        for (int i = 0; i < scored; ) {
            int j = i;
            double tiePos = 0.0;
            double tieNeg = 0.0;
            while (j < scored && scores[order[j]] == scores[order[i]]) {
                int r = order[j];
                if (scoreLabels[r] == 1.0) tiePos += scoreWeights[r]; else tieNeg += scoreWeights[r];
                j++;
            }
            pairs += tiePos * (negativesBelow + 0.5 * tieNeg);
            negativesBelow += tieNeg;
            positives += tiePos;
            i = j;
        }
        double total = positives * negativesBelow;
        return total == 0.0 ? Double.NaN : pairs / total;
    }

    /** {@code 1 - SSE / SST} around the weighted mean label; NaN without labels or with a constant label. */
    public double r2() {
        if (regressedWithLabels != count || weightSum == 0.0) return Double.NaN;
        double sst = labelSquareSum - labelSum * labelSum / weightSum;
        return sst <= 0.0 ? Double.NaN : 1.0 - squaredErrorSum / sst;
    }
}
