package dev.steepest.spark.checkpoint;

import dev.steepest.core.train.LoopState;
import dev.steepest.core.train.TrainingListener;
import dev.steepest.core.train.TrainingPlan;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Writes checkpoints of a run into a {@link CheckpointStore}: after the steps {@code train.checkpoint.every}
 * names, and a last one when the run ends ({@link #finish}: its end, a SIGTERM / SIGINT). Keeps the newest
 * {@code train.checkpoint.keep}. A checkpoint that cannot be written (a full disk, a lost connection) is a warning
 * naming the directory and the cause, not the end of the run.
 */
public final class Checkpointer implements TrainingListener {
    private final CheckpointStore store;
    private final Every every;
    private final int keep;
    private final String runDirectory;
    private final Map<String, Object> config;
    private final Map<String, Object> source;
    private final Map<String, Object> data;
    private final Supplier<byte[]> metrics;
    private final Consumer<String> console;
    private final List<String> warnings = new ArrayList<>();
    private long perEpoch = Long.MAX_VALUE;
    private long lastIteration = -1;
    private long lastNanos = System.nanoTime();
    private int written;
    private double writeSeconds;

    public Checkpointer(CheckpointStore store, Every every, int keep, String runDirectory, Map<String, Object> config,
                        Map<String, Object> source, Map<String, Object> data, Supplier<byte[]> metrics,
                        Consumer<String> console) {
        this.store = store;
        this.every = every;
        this.keep = keep;
        this.runDirectory = runDirectory;
        this.config = config;
        this.source = source;
        this.data = data;
        this.metrics = metrics;
        this.console = console;
    }

    /** A resumed run's checkpointer: its last checkpoint is the one resumed from. */
    public Checkpointer resumedAt(long iteration) {
        lastIteration = iteration;
        return this;
    }

    @Override
    public void onPlan(TrainingPlan plan) {
        perEpoch = plan.stepsPerEpoch();
    }

    @Override
    public void onState(LoopState state, double elapsedSeconds) {
        double since = (System.nanoTime() - lastNanos) / 1e9;
        if (every.due(state.iteration(), state.epoch().index(), state.epoch().drawn(), perEpoch, since)) {
            write(state, elapsedSeconds);
        }
    }

    /** The last checkpoint: {@code state} at the end of the run, unless it is already saved. */
    public void finish(LoopState state, double elapsedSeconds) {
        if (state != null && state.iteration() != lastIteration) write(state, elapsedSeconds);
    }

    private void write(LoopState state, double elapsedSeconds) {
        long t0 = System.nanoTime();
        try {
            Checkpoint c = new Checkpoint(state, elapsedSeconds, runDirectory, config, source, data, metrics.get());
            store.write(state.iteration(), c.files());
            store.prune(keep);
            written++;
        } catch (IOException | RuntimeException e) {
            String w = "checkpoint at step " + state.iteration() + " not written to " + store.uri() + ": " + e;
            if (warnings.isEmpty()) console.accept("warning: " + w + " (training goes on)");
            warnings.add(w);
        }
        lastIteration = state.iteration();
        lastNanos = System.nanoTime();
        writeSeconds += (lastNanos - t0) / 1e9;
    }

    public String directory() {
        return store.uri();
    }

    public int written() {
        return written;
    }

    public double writeSeconds() {
        return writeSeconds;
    }

    public List<String> warnings() {
        return List.copyOf(warnings);
    }
}
