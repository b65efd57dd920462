package dev.steepest.core.optim;

import java.util.Locale;

/**
 * How the learning rate follows the batch size (Goyal et al. 2017): {@code LINEAR} multiplies it by
 * {@code B / reference} (the linear scaling rule for SGD), {@code SQRT} by {@code sqrt(B / reference)} (the rule
 * usually used with adaptive optimizers), {@code NONE} leaves it alone.
 */
public enum LrScaling {
    NONE, LINEAR, SQRT;

    public double factor(long batchSize, long referenceBatchSize) {
        double ratio = (double) batchSize / referenceBatchSize;
        return switch (this) {
            case NONE -> 1.0;
            case LINEAR -> ratio;
            case SQRT -> Math.sqrt(ratio);
        };
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static LrScaling parse(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
