package dev.steepest.spark.spec;

import dev.steepest.spark.config.JobConfig;
import dev.steepest.spark.data.BlockLoader;
import dev.steepest.spark.job.DataOptions;

/**
 * The data a run reads: the three data sets' paths (null when unset), the validation fraction (NaN when unset) and the
 * loader's options ({@code data.*}, for the model's number of classes).
 */
public record InputSpec(String trainPath, String testPath, String validationPath, double validationFraction,
                        boolean truncateLineage, BlockLoader.Options loader) {

    static InputSpec of(JobConfig cfg, int maxClasses) {
        return new InputSpec(cfg.trainPath(), cfg.testPath(), cfg.validationPath(),
                cfg.has("data.validation-fraction") ? cfg.doubleValue("data.validation-fraction") : Double.NaN,
                cfg.bool("data.truncate-lineage"), DataOptions.of(cfg, maxClasses));
    }

    /** data.validation-fraction is set: the validation rows are split off the training set. */
    public boolean splitsValidation() {
        return !Double.isNaN(validationFraction);
    }
}
