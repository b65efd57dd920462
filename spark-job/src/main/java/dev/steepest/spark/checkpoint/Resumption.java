package dev.steepest.spark.checkpoint;

import dev.steepest.spark.InputError;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;

/**
 * {@code steepest train --resume DIR}: finds the newest complete checkpoint that DIR names, and checks that the
 * resumed run is the same run — every setting that shapes the trajectory and the data as the checkpoint saw them.
 */
public final class Resumption {
    /**
     * The settings a resume may change: they decide how long the run goes on, where and how it writes, and how
     * steps reach the executors (the step modes and thresholds give the same bits), not its trajectory.
     */
    public static final List<String> MAY_CHANGE = List.of("train.epochs", "train.max-iterations",
            "train.progress-seconds", "train.checkpoint.dir", "train.checkpoint.every", "train.checkpoint.keep",
            "train.step-mode", "train.resident.port", "train.resident.max-step-bytes",
            "train.resident.broadcast-bytes", "train.resident.connect-seconds", "train.broadcast-threshold-bytes", "train.tensorboard-dir", "output.dir",
            "data.test", "spark.*");

    /** The schedules whose shape is the run's length unless schedule.total-epochs is set. */
    private static final Set<String> RUN_LENGTH_SCHEDULES = Set.of("polynomial", "cosine", "one-cycle");

    private Resumption() {
    }

    /** The hidden sibling {@code .NAME.checkpoints} where a run writing to {@code runDir} keeps its checkpoints. */
    public static String liveDirectory(String runDir) {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(runDir);
        return new org.apache.hadoop.fs.Path(p.getParent() == null ? new org.apache.hadoop.fs.Path(".") : p.getParent(),
                "." + p.getName() + ".checkpoints").toString();
    }

    /** The places {@code dir} may name, in the order they are looked at. */
    static List<String> candidates(String dir) {
        List<String> c = new ArrayList<>();
        c.add(dir); // a checkpoint, or a checkpoint directory
        c.add(new org.apache.hadoop.fs.Path(dir, "checkpoints").toString()); // a finished run's
        c.add(liveDirectory(dir)); // an interrupted run's
        return c;
    }

    /** The newest complete checkpoint that {@code dir} names; an input error when there is none. */
    public static Located locate(String dir, Configuration conf) {
        List<String> looked = new ArrayList<>();
        dev.steepest.spark.output.RunDirectory.requireComplete(dir, conf, "--resume");
        try {
            for (String c : candidates(dir)) {
                CheckpointStore one = CheckpointStore.at(c, conf);
                Map<String, byte[]> files = one.read(c);
                if (files != null) {
                    return new Located(Checkpoint.of(files, c), c,
                            CheckpointStore.at(new org.apache.hadoop.fs.Path(c).getParent().toString(), conf));
                }
                for (String path : one.complete()) {
                    Map<String, byte[]> f = one.read(path);
                    if (f != null) return new Located(Checkpoint.of(f, path), path, one);
                }
                looked.add(c);
            }
        } catch (IOException e) {
            throw new InputError("--resume: cannot read " + dir + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new InputError("--resume: " + e.getMessage(), e);
        }
        throw new InputError("--resume: no complete checkpoint in " + String.join(", ", looked));
    }

    /** A checkpoint found, where it is, and the store it belongs to. */
    public record Located(Checkpoint checkpoint, String path, CheckpointStore store) {
    }

    /** The first setting that differs between the checkpoint's config and the resumed run's, or null. */
    public static String changedSetting(Map<String, Object> saved, Map<String, Object> now) {
        Set<String> keys = new TreeSet<>(saved.keySet());
        keys.addAll(now.keySet());
        Object schedule = saved.get("schedule.name");
        Object total = saved.get("schedule.total-epochs");
        boolean lengthShapes = RUN_LENGTH_SCHEDULES.contains(String.valueOf(schedule))
                && (total == null || "train".equals(total));
        for (String k : keys) {
            boolean length = k.equals("train.epochs") || k.equals("train.max-iterations");
            if (length && lengthShapes && !Objects.equals(normal(saved.get(k)), normal(now.get(k)))) {
                return k + " changed: " + normal(saved.get(k)) + " in the checkpoint, " + normal(now.get(k))
                        + " now, but the " + schedule + " schedule spans the run's length; to go on longer, the run "
                        + "needs schedule.total-epochs from its start";
            }
            if (mayChange(k)) continue;
            Object a = normal(saved.get(k));
            Object b = normal(now.get(k));
            if (!Objects.equals(a, b)) {
                return k + " changed: " + a + " in the checkpoint, " + b + " now (a resume keeps every setting but "
                        + String.join(", ", MAY_CHANGE) + ")";
            }
        }
        return null;
    }

    /** The first difference between the data the checkpoint saw and the data now, or null. */
    public static String changedData(Map<String, Object> saved, Map<String, Object> now) {
        for (String k : new TreeSet<>(now.keySet())) {
            Object a = normal(saved.get(k));
            Object b = normal(now.get(k));
            if (!Objects.equals(a, b)) return "the training data changed: " + k + " was " + a + ", is " + b;
        }
        return null;
    }

    private static boolean mayChange(String key) {
        for (String m : MAY_CHANGE) {
            if (m.endsWith(".*") ? key.startsWith(m.substring(0, m.length() - 1)) : key.equals(m)) return true;
        }
        return false;
    }

    /** Values as JSON gives them back: numbers compared by value, lists and arrays as lists. */
    private static Object normal(Object v) {
        if (v instanceof Number n) {
            double d = n.doubleValue();
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? (Object) (long) d : (Object) d;
        }
        if (v instanceof long[] a) {
            List<Object> l = new ArrayList<>();
            for (long x : a) l.add(normal(x));
            return l;
        }
        if (v instanceof double[] a) {
            List<Object> l = new ArrayList<>();
            for (double x : a) l.add(normal(x));
            return l;
        }
        if (v instanceof Object[] a) v = List.of(a);
        if (v instanceof List<?> list) {
            List<Object> l = new ArrayList<>();
            for (Object x : list) l.add(normal(x));
            return l;
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new java.util.TreeMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), normal(x)));
            return out;
        }
        return v == null ? null : v instanceof Boolean ? v : v.toString();
    }
}
