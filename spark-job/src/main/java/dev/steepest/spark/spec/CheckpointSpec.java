package dev.steepest.spark.spec;

import dev.steepest.spark.checkpoint.Every;
import dev.steepest.spark.config.JobConfig;

/**
 * A run's checkpoints ({@code train.checkpoint.*}), as {@code Checkpointing} takes them.
 *
 * @param directory where the checkpoints go (train.checkpoint.dir, any Hadoop FileSystem URI), or null for the
 *                  default: beside the run directory while it runs, inside it once it committed
 * @param every     train.checkpoint.every: when to checkpoint (besides at the end and on SIGTERM / SIGINT)
 * @param keep      train.checkpoint.keep: how many of the newest checkpoints to keep
 */
public record CheckpointSpec(String directory, Every every, int keep) {

    /** The checkpoint settings of {@code cfg} (a config the schema validated: {@code every} parses). */
    public static CheckpointSpec of(JobConfig cfg) {
        return new CheckpointSpec(cfg.has("train.checkpoint.dir") ? cfg.string("train.checkpoint.dir") : null,
                Every.parse(cfg.string("train.checkpoint.every")), (int) cfg.longValue("train.checkpoint.keep"));
    }

    /** train.checkpoint.dir is set: the checkpoints stay there (not moved into the run directory). */
    public boolean explicitDirectory() {
        return directory != null;
    }
}
