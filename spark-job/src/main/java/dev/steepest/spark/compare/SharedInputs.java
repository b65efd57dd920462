package dev.steepest.spark.compare;

import dev.steepest.spark.config.JobConfig;
import dev.steepest.spark.data.BlockLoader;
import dev.steepest.spark.data.DataSpec;
import dev.steepest.spark.data.TrainingData;
import dev.steepest.spark.job.DataOptions;
import dev.steepest.spark.job.RunComponents;
import dev.steepest.spark.job.TrainingInputs;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * The data sets of a comparison's runs, read and cached once for every run whose data settings are equal (same
 * key, path and loader options; held-out sets also the same training set) and released when no later run needs
 * them. The parts a run makes of them (the {@code data.validation-fraction} split, which depends on the seed) are
 * the run's own and released by it as usual.
 */
final class SharedInputs implements TrainingInputs, AutoCloseable {
    /** What makes two loads the same: the data set's key, its path and the loader options the config gives. */
    record DataKey(String key, String path, BlockLoader.Options options) {
        static DataKey training(JobConfig cfg) {
            return new DataKey("data.train", cfg.trainPath(), DataOptions.of(cfg, RunComponents.maxClasses(cfg)));
        }
    }

    private record HeldKey(DataKey data, DataSpec train) {
    }

    private final Map<DataKey, TrainingData> training = new LinkedHashMap<>();
    private final Map<HeldKey, TrainingData> heldOut = new LinkedHashMap<>();
    private final Map<TrainingData, Boolean> shared = new IdentityHashMap<>();
    private int loads;
    private int reuses;

    @Override
    public TrainingData training(SparkSession spark, String key, String path, BlockLoader.Options options) {
        DataKey k = new DataKey(key, path, options);
        TrainingData d = training.get(k);
        if (d != null) {
            reuses++;
            return d;
        }
        d = BlockLoader.loadTraining(spark, key, path, options);
        loads++;
        training.put(k, d);
        shared.put(d, true);
        return d;
    }

    @Override
    public TrainingData heldOut(SparkSession spark, String key, String path, BlockLoader.Options options,
                                DataSpec train) {
        HeldKey k = new HeldKey(new DataKey(key, path, options), train);
        TrainingData d = heldOut.get(k);
        if (d != null) return d;
        d = BlockLoader.loadHeldOut(spark, key, path, options, train);
        heldOut.put(k, d);
        shared.put(d, true);
        return d;
    }

    /** A run is done with {@code data}: its own parts go, the shared sets stay for the next runs. */
    @Override
    public void release(TrainingData data) {
        if (!shared.containsKey(data)) data.release();
    }

    /** Releases the shared training sets (and their held-out sets) that no key in {@code needed} names. */
    void retainOnly(Collection<DataKey> needed) {
        Set<DataKey> keep = Set.copyOf(needed);
        for (DataKey k : new ArrayList<>(training.keySet())) {
            if (keep.contains(k)) continue;
            TrainingData t = training.remove(k);
            for (HeldKey h : new ArrayList<>(heldOut.keySet())) {
                if (h.train() == t.spec()) drop(heldOut.remove(h));
            }
            drop(t);
        }
    }

    private void drop(TrainingData d) {
        shared.remove(d);
        d.release();
    }

    /** Training sets read from their files, and runs that took a set already cached. */
    int loads() {
        return loads;
    }

    int reuses() {
        return reuses;
    }

    @Override
    public void close() {
        retainOnly(List.of());
        for (TrainingData d : new ArrayList<>(heldOut.values())) drop(d);
        heldOut.clear();
    }
}
