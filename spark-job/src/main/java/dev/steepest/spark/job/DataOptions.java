package dev.steepest.spark.job;

import dev.steepest.core.data.Precision;
import dev.steepest.spark.config.JobConfig;
import dev.steepest.spark.data.BlockLoader;

/** Where the config's {@code data.*} keys become the loader's options ({@code data/} knows nothing of the config). */
public final class DataOptions {
    private DataOptions() {
    }

    /** The loader options {@code cfg} gives, for a model taking {@code maxClasses} classes (0: regression). */
    public static BlockLoader.Options of(JobConfig cfg, int maxClasses) {
        return new BlockLoader.Options(cfg.format(), cfg.labelColumn(), cfg.weightColumn(),
                cfg.has("data.num-features") ? (int) cfg.longValue("data.num-features") : null,
                cfg.has("data.partitions") ? (int) cfg.longValue("data.partitions") : null, maxClasses,
                cfg.bool("data.truncate-lineage"), cfg.bool("data.header"), cfg.string("data.delimiter"),
                cfg.stringList("data.features"), cfg.stringList("data.exclude"),
                cfg.stringList("data.categorical"), "skip".equals(cfg.string("data.on-bad-record")),
                Precision.parse(cfg.string("data.precision")));
    }
}
