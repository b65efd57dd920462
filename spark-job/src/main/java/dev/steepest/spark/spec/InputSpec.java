package dev.steepest.spark.spec;

import dev.steepest.spark.config.JobConfig;
import dev.steepest.spark.data.BlockLoader;
import dev.steepest.core.data.Precision;

/**
 * The data a run reads: the three data sets' paths (null when unset), the validation fraction (NaN when unset) and the
 * loader's options ({@code data.*}, for the model's number of classes).
 */
public record InputSpec(String trainPath, String testPath, String validationPath, double validationFraction,
                        boolean truncateLineage, BlockLoader.Options loader) {

    static InputSpec of(JobConfig cfg, int maxClasses) {
        return new InputSpec(cfg.trainPath(), cfg.testPath(), cfg.validationPath(),
                cfg.has("data.validation-fraction") ? cfg.doubleValue("data.validation-fraction") : Double.NaN,
                cfg.bool("data.truncate-lineage"), loader(cfg, maxClasses));
    }

    /** The loader options {@code cfg} gives, for a model taking {@code maxClasses} classes (0: regression). */
    public static BlockLoader.Options loader(JobConfig cfg, int maxClasses) {
        return new BlockLoader.Options(cfg.format(), cfg.labelColumn(), cfg.weightColumn(),
                cfg.has("data.num-features") ? (int) cfg.longValue("data.num-features") : null,
                cfg.has("data.partitions") ? (int) cfg.longValue("data.partitions") : null, maxClasses,
                cfg.bool("data.truncate-lineage"), cfg.bool("data.header"), cfg.string("data.delimiter"),
                cfg.stringList("data.features"), cfg.stringList("data.exclude"),
                cfg.stringList("data.categorical"), "skip".equals(cfg.string("data.on-bad-record")),
                Precision.parse(cfg.string("data.precision")));
    }

    /** data.validation-fraction is set: the validation rows are split off the training set. */
    public boolean splitsValidation() {
        return !Double.isNaN(validationFraction);
    }
}
