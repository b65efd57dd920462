package dev.steepest.spark.output;

import dev.steepest.core.model.Evaluation;
import dev.steepest.core.train.BackoffEvent;
import dev.steepest.core.train.EpochRecord;
import dev.steepest.core.train.StepRecord;
import dev.steepest.core.train.TrainingListener;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Writes {@code metrics.jsonl}: one JSON object per step ({@code "kind": "step"}), per epoch
 * ({@code "kind": "epoch"}, with a {@code "validation"} object when there is a validation set) and per backoff
 * ({@code "kind": "event", "event": "backoff"}); {@code iteration}, {@code step} and {@code epoch} count from 1.
 */
public final class MetricsWriter implements TrainingListener, Closeable {
    private final BufferedWriter out;
    private final boolean steps;
    private final Function<Evaluation, Map<String, Object>> validationMetrics;
    private final Consumer<IOException> onFailure;
    private boolean failed;

    public MetricsWriter(Path file, boolean steps) {
        this(file, steps, e -> Map.of("loss", e.meanLoss()));
    }

    /** {@code validationMetrics} turns an epoch's validation evaluation into its {@code "validation"} object. */
    public MetricsWriter(Path file, boolean steps, Function<Evaluation, Map<String, Object>> validationMetrics) {
        this(open(file), steps, validationMetrics, e -> {
            throw new UncheckedIOException("cannot write " + file, e);
        });
    }

    /**
     * Writes to {@code stream}; a failed write (a full disk) goes to {@code onFailure} once and ends the metrics,
     * not the run (the run's output directory reports it, {@link RunDirectory#failed}).
     */
    public MetricsWriter(OutputStream stream, boolean steps, Function<Evaluation, Map<String, Object>> validationMetrics,
                         Consumer<IOException> onFailure) {
        this.out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
        this.steps = steps;
        this.validationMetrics = validationMetrics;
        this.onFailure = onFailure;
    }

    private static OutputStream open(Path file) {
        try {
            return Files.newOutputStream(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    @Override
    public void onStep(StepRecord s) {
        if (!steps) return;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "step");
        m.put("iteration", s.iteration());
        m.put("epoch", s.epoch() + 1);
        m.put("step_in_epoch", s.stepInEpoch() + 1);
        m.put("loss", s.loss());
        m.put("lr", s.lr());
        m.put("gradient_norm", s.gradientNorm());
        if (!Double.isNaN(s.lossAfter())) {
            m.put("loss_after", s.lossAfter());
            m.put("line_search_trials", s.lineSearchTrials());
        }
        m.put("group_gradient_norms", s.groupGradientNorms());
        m.put("rows", s.rows());
        m.put("elapsed_seconds", s.elapsedSeconds());
        write(m);
    }

    @Override
    public void onEpoch(EpochRecord e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "epoch");
        m.put("iteration", e.iteration());
        m.put("epoch", e.epoch() + 1);
        m.put("loss", e.meanLoss());
        m.put("gradient_norm", e.gradientNorm());
        m.put("parameter_change", e.parameterChange());
        if (e.validation() != null) m.put("validation", validationMetrics.apply(e.validation()));
        m.put("elapsed_seconds", e.elapsedSeconds());
        write(m);
        flush();
    }

    @Override
    public void onBackoff(BackoffEvent b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "event");
        m.put("event", "backoff");
        m.put("step", b.step());
        m.put("epoch", b.epoch() + 1);
        m.put("lr_factor", b.lrFactor());
        m.put("reason", b.reason());
        write(m);
        flush();
    }

    private void write(Map<String, Object> m) {
        if (failed) return;
        try {
            out.write(Json.line(m));
            out.write('\n');
        } catch (IOException ex) {
            fail(ex);
        }
    }

    /**
     * Writes {@code lines} as they are — the metrics a resumed run had written up to its checkpoint — before
     * anything else, so the file continues without a gap or a repeated step.
     */
    public void prepend(byte[] lines) {
        if (failed || lines.length == 0) return;
        write(new String(lines, StandardCharsets.UTF_8));
    }

    private void write(String raw) {
        try {
            out.write(raw);
        } catch (IOException ex) {
            fail(ex);
        }
    }

    /** Pushes what was written to the file (a checkpoint then copies it). */
    public void flush() {
        if (failed) return;
        try {
            out.flush();
        } catch (IOException ex) {
            fail(ex);
        }
    }

    private void fail(IOException e) {
        failed = true;
        onFailure.accept(e);
    }

    @Override
    public void close() {
        try {
            if (!failed) out.close();
        } catch (IOException ex) {
            fail(ex);
        }
    }
}
