package dev.steepest.spark.job;

import dev.steepest.spark.data.BlockLoader;
import dev.steepest.spark.data.DataSpec;
import dev.steepest.spark.data.TrainingData;
import dev.steepest.spark.spec.RunSpec;
import org.apache.spark.sql.SparkSession;

/**
 * Where a run's data sets come from: the files the config names ({@link #FILES}, the CLI), or DataFrames (the Spark ML
 * Estimators). {@code key} is the config key of the data set ({@code data.train}, {@code data.test},
 * {@code data.validation}) and {@code path} its value. {@link #initialModel} is where a warm start's parameters come
 * from.
 */
public interface TrainingInputs {
    TrainingData training(SparkSession spark, String key, String path, BlockLoader.Options options);

    TrainingData heldOut(SparkSession spark, String key, String path, BlockLoader.Options options, DataSpec train);

    /**
     * The model a warm start begins from: {@code initFrom}'s ({@code model.init-from}, {@link RunSpec#initFrom}), or
     * null (when {@code initFrom} is) to initialize as the config says.
     */
    default WarmStart.Source initialModel(SparkSession spark, String initFrom) {
        if (initFrom == null) return null;
        return WarmStart.read(spark.sparkContext().hadoopConfiguration(), RunSpec.INIT_FROM_KEY, initFrom);
    }

    /**
     * The end of a run's use of {@code data} (one this source returned, or a part of one): unpersists it. A source
     * that shares its data sets between runs ({@code steepest compare}) keeps its own and releases them later.
     */
    default void release(TrainingData data) {
        data.release();
    }

    /** The files of the config, through {@link BlockLoader}. */
    TrainingInputs FILES = new TrainingInputs() {
        @Override
        public TrainingData training(SparkSession spark, String key, String path, BlockLoader.Options options) {
            return BlockLoader.loadTraining(spark, key, path, options);
        }

        @Override
        public TrainingData heldOut(SparkSession spark, String key, String path, BlockLoader.Options options,
                                    DataSpec train) {
            return BlockLoader.loadHeldOut(spark, key, path, options, train);
        }
    };
}
