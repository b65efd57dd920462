package dev.steepest.spark.spec;

import dev.steepest.spark.config.JobConfig;

/**
 * Where a run starts from and what it writes besides its outputs: the config's {@code output.dir},
 * {@code model.init-from} and checkpoints. The CLI needs these before the rest of the spec is checked (the output
 * directory and an interrupted run's checkpoints are checked first), so they are their own record;
 * {@link TrainingSpec} holds the same.
 *
 * @param outputDir   output.dir, or null (the --out option wins; default runs/CONFIG-TIME)
 * @param initFrom    model.init-from: the model (a run directory or a model.json) a warm start begins from, or null
 * @param checkpoints the run's checkpoints (train.checkpoint.*)
 */
public record RunSpec(String outputDir, String initFrom, CheckpointSpec checkpoints) {

    /** The config key {@link #initFrom} comes from, as the warm start's errors name it. */
    public static final String INIT_FROM_KEY = "model.init-from";

    /** The run settings of {@code cfg} (a config the schema validated). */
    public static RunSpec of(JobConfig cfg) {
        return new RunSpec(cfg.has("output.dir") ? cfg.string("output.dir") : null,
                cfg.has(INIT_FROM_KEY) ? cfg.string(INIT_FROM_KEY) : null, CheckpointSpec.of(cfg));
    }
}
