package dev.steepest.spark.job;

import dev.steepest.core.train.Resume;
import dev.steepest.core.train.TrainingResult;
import dev.steepest.spark.InputError;
import dev.steepest.spark.checkpoint.CheckpointStore;
import dev.steepest.spark.checkpoint.Checkpointer;
import dev.steepest.spark.checkpoint.Resumption;
import dev.steepest.spark.checkpoint.SavedConfig;
import dev.steepest.spark.config.JobConfig;
import dev.steepest.spark.data.TrainingData;
import dev.steepest.spark.output.MetricsWriter;
import dev.steepest.spark.output.RunDirectory;
import dev.steepest.spark.spec.CheckpointSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.SparkSession;

/**
 * A run's checkpoints and its resume, between the CLI and the loop: where the checkpoints go
 * ({@code train.checkpoint.dir}; by default the run directory's hidden sibling {@code .NAME.checkpoints} while it
 * runs, moved to {@code NAME/checkpoints} when the run commits), the checkpointer listener, and — on
 * {@code --resume} — the checks that the data is the data the checkpoint saw, the state to go on from and the
 * metrics to continue.
 */
public final class Checkpointing {
    private final Checkpointer checkpointer;
    private final Resumption.Located resumed;
    /** Where the checkpoints are once the run committed (summary.json's {@code checkpoints.directory}). */
    private final String finalDirectory;

    private Checkpointing(Checkpointer checkpointer, Resumption.Located resumed, String finalDirectory) {
        this.checkpointer = checkpointer;
        this.resumed = resumed;
        this.finalDirectory = finalDirectory;
    }

    /** The checkpoint directory of a run writing to {@code runDir} (null: no output, no checkpoints). */
    public static String directory(CheckpointSpec spec, String runDir) {
        if (spec.explicitDirectory()) return spec.directory();
        return runDir == null ? null : Resumption.liveDirectory(runDir);
    }

    /**
     * Before Spark starts: a new run (not a resume) refuses a checkpoint directory that holds an interrupted run's
     * checkpoints — unless {@code overwrite}, which deletes them.
     */
    public static void checkNewRun(CheckpointSpec spec, String runDir, boolean overwrite, Configuration conf) {
        String dir = directory(spec, qualified(runDir, conf));
        try {
            CheckpointStore store = CheckpointStore.at(dir, conf);
            if (!store.exists()) return;
            if (overwrite) {
                store.delete();
                return;
            }
        } catch (IOException | UncheckedIOException e) {
            throw new InputError("train.checkpoint.dir: cannot read " + dir + ": " + e.getMessage(), e);
        }
        throw new InputError(dir + " holds the checkpoints of an interrupted run: resume it with 'steepest train "
                + "--resume " + runDir + "', or pass --overwrite to start a new run (which deletes them)");
    }

    /** After the run directory committed: the default checkpoint directory moves into it. */
    public static void afterCommit(CheckpointSpec spec, String target, Configuration conf, Consumer<String> console) {
        if (spec.explicitDirectory()) return;
        String live = Resumption.liveDirectory(target);
        try {
            CheckpointStore store = CheckpointStore.at(live, conf);
            if (!store.moveTo(new org.apache.hadoop.fs.Path(target, "checkpoints").toString())) {
                if (store.exists()) console.accept("warning: the checkpoints stay in " + live);
            }
        } catch (IOException e) {
            console.accept("warning: the checkpoints stay in " + live + ": " + e.getMessage());
        }
    }

    /**
     * The checkpointing of a run on {@code train} (null when the run writes nothing and no directory is set);
     * with {@code resumed}, first checks the data against the checkpoint's and continues its metrics. {@code cfg} is
     * what a checkpoint saves of the config (to resume with), {@code spec} where and when it writes.
     */
    static Checkpointing start(SparkSession spark, JobConfig cfg, CheckpointSpec spec, RunDirectory out,
                               TrainingData train, MetricsWriter metrics, Resumption.Located resumed,
                               Consumer<String> console) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Map<String, Object> data = fingerprint(train, cfg, conf);
        if (resumed != null) {
            String changed = Resumption.changedData(resumed.checkpoint().data(), data);
            if (changed != null) throw new InputError("--resume " + resumed.path() + ": " + changed);
            if (metrics != null) metrics.prepend(resumed.checkpoint().metrics());
            console.accept("resuming from " + resumed.path() + " after step " + resumed.checkpoint().state().iteration()
                    + " (epoch " + (resumed.checkpoint().state().epoch().index() + 1) + ")");
        }
        String dir = directory(spec, out == null ? null : out.target());
        if (dir == null) return new Checkpointing(null, resumed, null);
        Path metricsFile = out == null ? null : out.file("metrics.jsonl");
        Checkpointer c = new Checkpointer(CheckpointStore.at(dir, conf), spec.every(), spec.keep(),
                out == null ? null : out.target(), cfg.resolved(), SavedConfig.of(cfg),
                data, () -> metricsSoFar(metrics, metricsFile), console);
        if (resumed != null) c.resumedAt(resumed.checkpoint().state().iteration());
        String finalDir = spec.explicitDirectory() ? c.directory() : out.target("checkpoints");
        return new Checkpointing(c, resumed, finalDir);
    }

    /** {@code runDir} absolute (a plain path) or qualified (a URI), as {@link RunDirectory#target()} gives it. */
    private static String qualified(String runDir, Configuration conf) {
        try {
            return dev.steepest.spark.output.Storage.of(runDir, conf).qualify(runDir);
        } catch (IOException | RuntimeException e) {
            throw new InputError("--out: bad location '" + runDir + "': " + e.getMessage(), e);
        }
    }

    /** The listener that writes the checkpoints (null without any). */
    Checkpointer listener() {
        return checkpointer;
    }

    /** Where the loop goes on from (null: from the start). */
    Resume resume() {
        return resumed == null ? null : resumed.checkpoint().resume();
    }

    /** The last checkpoint, at the run's end; what summary.json records under {@code checkpoints}. */
    Map<String, Object> finish(TrainingResult result) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (checkpointer != null) {
            checkpointer.finish(result.state(), result.trainSeconds());
            m.put("directory", finalDirectory);
            m.put("written", checkpointer.written());
            m.put("write_seconds", checkpointer.writeSeconds());
        }
        if (resumed != null) {
            m.put("resumed_from", resumed.path());
            m.put("resumed_after_step", resumed.checkpoint().state().iteration());
        }
        return m;
    }

    List<String> warnings() {
        return checkpointer == null ? List.of() : checkpointer.warnings();
    }

    private static byte[] metricsSoFar(MetricsWriter metrics, Path file) {
        if (metrics == null || file == null) return new byte[0];
        metrics.flush();
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the data of a run is, as a resume checks it: sizes, columns, labels and the training files. */
    static Map<String, Object> fingerprint(TrainingData train, JobConfig cfg, Configuration conf) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", train.numRows());
        m.put("partition_sizes", Arrays.stream(train.partitionSizes()).boxed().toList());
        m.put("num_features", train.spec().numFeatures());
        m.put("feature_names", train.spec().featureNames());
        m.put("labels", new com.fasterxml.jackson.databind.ObjectMapper().convertValue(train.spec().labelMapping(),
                Object.class));
        if (train.path() != null) m.put("files", files(train.path(), conf));
        return m;
    }

    private static Map<String, Object> files(String path, Configuration conf) {
        Map<String, Object> m = new LinkedHashMap<>();
        try {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
            FileSystem fs = p.getFileSystem(conf);
            FileStatus[] matched = fs.globStatus(p);
            if (matched == null) return m;
            for (FileStatus s : matched) {
                if (s.isFile()) {
                    m.put(s.getPath().toString(), s.getLen() + " bytes, modified " + s.getModificationTime());
                    continue;
                }
                RemoteIterator<LocatedFileStatus> it = fs.listFiles(s.getPath(), true);
                while (it.hasNext()) {
                    LocatedFileStatus f = it.next();
                    m.put(f.getPath().toString(), f.getLen() + " bytes, modified " + f.getModificationTime());
                }
            }
        } catch (IOException | RuntimeException e) {
            m.put("error", String.valueOf(e.getMessage()));
        }
        return new java.util.TreeMap<>(m);
    }
}
