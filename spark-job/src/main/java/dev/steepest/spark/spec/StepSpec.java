package dev.steepest.spark.spec;

import dev.steepest.spark.config.JobConfig;
import java.util.Locale;

/**
 * How a run's steps reach the executors and how their sums come back ({@code train.step-mode},
 * {@code train.resident.*}, {@code train.broadcast-threshold-bytes}, {@code train.tree-aggregate-threshold}), as
 * {@code StepSources} and the scoring commands take them. The values are the validated config's (the schema holds
 * the defaults and the ranges).
 *
 * @param mode                    train.step-mode: one Spark job per step, resident tasks, or auto
 * @param residentPort            train.resident.port: the driver port the resident tasks connect to (0: any free one)
 * @param connectMillis           train.resident.connect-seconds in milliseconds (rounded): how long the resident
 *                                tasks have to connect before the run falls back to one job per step
 * @param maxStepBytes            train.resident.max-step-bytes: auto takes resident tasks only while the driver
 *                                receives at most this many bytes a step (executors in their own JVMs)
 * @param residentBroadcastBytes  train.resident.broadcast-bytes: above this many bytes of copies a step (tasks x 8 x
 *                                parameters), a resident step's parameters go out as one Spark broadcast
 * @param broadcastThresholdBytes train.broadcast-threshold-bytes: the job path broadcasts parameters larger than this
 * @param treeAggregateThreshold  train.tree-aggregate-threshold: above this many partitions, partial sums are merged
 *                                in a two-level tree on the executors
 */
public record StepSpec(StepMode mode, int residentPort, int connectMillis, long maxStepBytes,
                       long residentBroadcastBytes, long broadcastThresholdBytes, int treeAggregateThreshold) {

    /** {@code train.step-mode}'s values. */
    public enum StepMode {
        AUTO, JOBS, RESIDENT;

        /** The value as the config writes it ({@code auto}, {@code jobs}, {@code resident}). */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The mode {@code name} (a value the schema allowed) names. */
        static StepMode parse(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    /** The step settings of {@code cfg} (a config the schema validated). */
    public static StepSpec of(JobConfig cfg) {
        return new StepSpec(StepMode.parse(cfg.string("train.step-mode")), (int) cfg.longValue("train.resident.port"),
                (int) Math.round(1000 * cfg.doubleValue("train.resident.connect-seconds")),
                cfg.longValue("train.resident.max-step-bytes"), cfg.longValue("train.resident.broadcast-bytes"),
                cfg.longValue("train.broadcast-threshold-bytes"),
                (int) cfg.longValue("train.tree-aggregate-threshold"));
    }
}
