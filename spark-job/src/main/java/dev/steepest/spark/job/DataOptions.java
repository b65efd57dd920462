package dev.steepest.spark.job;

import dev.steepest.spark.config.JobConfig;
import dev.steepest.spark.data.BlockLoader;
import dev.steepest.spark.spec.InputSpec;

/** The config's {@code data.*} keys as the loader's options ({@code data/} knows nothing of the config): {@link InputSpec}'s. */
public final class DataOptions {
    private DataOptions() {
    }

    /** The loader options {@code cfg} gives, for a model taking {@code maxClasses} classes (0: regression). */
    public static BlockLoader.Options of(JobConfig cfg, int maxClasses) {
        return InputSpec.loader(cfg, maxClasses);
    }
}
