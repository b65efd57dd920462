package dev.steepest.core.train;

/**
 * How far the current epoch has come, as a value: its index, the steps drawn from the {@link BatchPlanner}'s
 * epoch so far (a resume would draw as many again), the parameters at its start, and the row-weighted sums of
 * its steps' objectives and gradients (for the {@link EpochRecord}). Each step returns a new value; the arrays
 * are never modified.
 *
 * @param index       the 0-based epoch
 * @param drawn       steps drawn from the planner in this epoch (redone steps are not drawn)
 * @param start       the parameters at the start of the epoch
 * @param gradientSum {@code sum_k w_k g_k} over the epoch's steps ({@code w_k} the step's weight sum)
 * @param lossSum     {@code sum_k w_k L_k}
 * @param weightSum   {@code sum_k w_k}
 */
public record EpochProgress(long index, long drawn, double[] start, double[] gradientSum, double lossSum,
                            double weightSum) {

    /** Epoch {@code index} starting at {@code params}, nothing done yet. */
    public static EpochProgress start(long index, double[] params) {
        return new EpochProgress(index, 0, params, new double[params.length], 0.0, 0.0);
    }

    /** One more step drawn from the planner. */
    EpochProgress drew() {
        return new EpochProgress(index, drawn + 1, start, gradientSum, lossSum, weightSum);
    }

    /** With a step of objective {@code loss}, weight sum {@code w} and mean gradient {@code gradient} added. */
    EpochProgress add(double loss, double w, double[] gradient) {
        double[] g = gradientSum.clone();
        for (int i = 0; i < g.length; i++) g[i] += gradient[i] * w;
        return new EpochProgress(index, drawn, start, g, lossSum + loss * w, weightSum + w);
    }

    /** The epoch's row-weighted mean gradient. */
    double[] meanGradient() {
        double[] g = gradientSum.clone();
        for (int i = 0; i < g.length; i++) g[i] /= weightSum;
        return g;
    }
}
