package dev.steepest.core.train;

import dev.steepest.core.optim.LrScaling;
import java.math.BigDecimal;

/**
 * The resolved batch and learning-rate rule of a run (Goyal et al. 2017): batch {@code B}, the scaling factor
 * {@code B / reference} (linear) or its square root, the effective rate and the warmup length in steps. Unlike
 * {@link TrainingSettings} and {@link TrainingOptions}, which the caller states, a plan is derived:
 * {@link TrainingLoop#plan} computes it from the settings and the number of rows, and listeners and schedule
 * factories read it.
 */
public record TrainingPlan(long numRows, long batchSize, long stepsPerEpoch, double baseLr, double effectiveLr,
                           LrScaling lrScaling, long referenceBatchSize, double warmupEpochs, long warmupSteps) {

    /** e.g. {@code batch 8192 = 32 x 256: lr 0.1 -> 3.2 (linear), warmup 5 epochs (160 steps)}. */
    public String describe() {
        StringBuilder s = new StringBuilder("batch ").append(batchSize);
        if (batchSize == numRows) s.append(" (full)");
        if (lrScaling == LrScaling.NONE) {
            s.append(": lr ").append(num(baseLr)).append(" (no scaling)");
        } else {
            s.append(" = ").append(num((double) batchSize / referenceBatchSize)).append(" x ")
                    .append(referenceBatchSize).append(": lr ").append(num(baseLr)).append(" -> ")
                    .append(num(effectiveLr)).append(" (").append(lrScaling.configName()).append(")");
        }
        if (warmupSteps > 0) {
            s.append(", warmup ").append(num(warmupEpochs)).append(warmupEpochs == 1 ? " epoch" : " epochs")
                    .append(" (").append(warmupSteps).append(warmupSteps == 1 ? " step)" : " steps)");
        }
        return s.toString();
    }

    /** Shortest decimal form: 32 not 32.0, 0.1 not 0.1000000000000000055. */
    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }
}
