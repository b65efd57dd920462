package dev.steepest.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Held-out metrics against their definitions, computed the slow way. */
class EvaluationTest {

    @Test
    void confusionMatrixAccuracyAndMacroF1() {
        Evaluation e = new Evaluation();
        // actual, predicted, weight
        int[][] rows = {{0, 0}, {0, 1}, {1, 1}, {1, 1}, {2, 0}, {2, 2}, {2, 2}};
        double[] w = {1, 2, 1, 1, 1, 0.5, 1};
        for (int i = 0; i < rows.length; i++) e.addClassified(w[i], 0.1 * i, rows[i][0], rows[i][1]);
        double[][] m = e.confusionMatrix(3);
        assertArrayEquals(new double[] {1, 2, 0}, m[0], 0.0);
        assertArrayEquals(new double[] {0, 2, 0}, m[1], 0.0);
        assertArrayEquals(new double[] {1, 0, 1.5}, m[2], 0.0);
        assertEquals((1 + 2 + 1.5) / 7.5, e.accuracy(), 1e-15);
        // per class F1 = 2TP / (2TP + FP + FN): class 0: 2/(2+1+2); class 1: 4/(4+2+0); class 2: 3/(3+0+1)
        double expected = (2.0 / 5 + 4.0 / 6 + 3.0 / 4) / 3;
        assertEquals(expected, e.macroF1(3), 1e-15);
        // a class never present nor predicted scores 0 in the macro average
        assertEquals(expected * 3 / 4, e.macroF1(4), 1e-15);
        double loss = 0;
        for (int i = 0; i < rows.length; i++) loss += w[i] * 0.1 * i;
        assertEquals(loss / 7.5, e.meanLoss(), 1e-15);
    }

    @Test
    void aucIsTheWeightedMannWhitneyStatisticWithTiesAsHalves() {
        SplittableRandom r = new SplittableRandom(3);
        int n = 300;
        double[] score = new double[n];
        double[] label = new double[n];
        double[] weight = new double[n];
        Evaluation whole = new Evaluation();
        Evaluation a = new Evaluation();
        Evaluation b = new Evaluation();
        for (int i = 0; i < n; i++) {
            label[i] = r.nextDouble() < 0.4 ? 1 : 0;
            score[i] = Math.round((label[i] + r.nextGaussian()) * 4) / 4.0; // coarse: many ties
            weight[i] = 0.5 + r.nextDouble();
            whole.addScore(weight[i], label[i], score[i]);
            (i < 130 ? a : b).addScore(weight[i], label[i], score[i]);
        }
        double num = 0;
        double den = 0;
        for (int i = 0; i < n; i++) {
            if (label[i] != 1) continue;
            for (int j = 0; j < n; j++) {
                if (label[j] != 0) continue;
                double pw = weight[i] * weight[j];
                den += pw;
                if (score[i] > score[j]) num += pw;
                else if (score[i] == score[j]) num += 0.5 * pw;
            }
        }
        assertEquals(num / den, whole.auc(), 1e-12);
        assertEquals(whole.auc(), a.merge(b).auc(), 1e-12);
        assertTrue(whole.auc() > 0.6 && whole.auc() < 0.95, "informative scores: " + whole.auc());

        Evaluation oneClass = new Evaluation();
        oneClass.addScore(1, 1, 0.3);
        assertTrue(Double.isNaN(oneClass.auc()));
        Evaluation perfect = new Evaluation();
        perfect.addScore(1, 0, -1);
        perfect.addScore(2, 1, 1);
        assertEquals(1.0, perfect.auc(), 0.0);
    }

    @Test
    void regressionErrorsAndR2() {
        double[] y = {1, 2, 3, 4, 10};
        double[] p = {1.5, 1.5, 3.5, 3, 9};
        double[] w = {1, 2, 1, 1, 0.5};
        Evaluation e = new Evaluation();
        double sw = 0;
        double sse = 0;
        double sae = 0;
        double swy = 0;
        for (int i = 0; i < y.length; i++) {
            e.addRegressed(w[i], 0.0, p[i], y[i]);
            sw += w[i];
            sse += w[i] * (p[i] - y[i]) * (p[i] - y[i]);
            sae += w[i] * Math.abs(p[i] - y[i]);
            swy += w[i] * y[i];
        }
        double mean = swy / sw;
        double sst = 0;
        for (int i = 0; i < y.length; i++) sst += w[i] * (y[i] - mean) * (y[i] - mean);
        assertEquals(Math.sqrt(sse / sw), e.rmse(), 1e-15);
        assertEquals(sae / sw, e.mae(), 1e-15);
        assertEquals(1 - sse / sst, e.r2(), 1e-14);

        Evaluation constant = new Evaluation();
        constant.addRegressed(1, 0, 1, 2);
        constant.addRegressed(1, 0, 3, 2);
        assertTrue(Double.isNaN(constant.r2()), "no variance in the labels: R^2 undefined");
    }

    @Test
    void mergingGrowsTheConfusionMatrix() {
        Evaluation small = new Evaluation();
        small.addClassified(1, 0, 0, 1);
        Evaluation big = new Evaluation();
        big.addClassified(1, 0, 3, 3);
        small.merge(big);
        double[][] m = small.confusionMatrix(4);
        assertEquals(1.0, m[0][1], 0.0);
        assertEquals(1.0, m[3][3], 0.0);
        assertEquals(0.5, small.accuracy(), 0.0);
    }
}
