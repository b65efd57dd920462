package dev.steepest.spark.output;

import dev.steepest.core.train.EpochRecord;
import dev.steepest.core.train.StepRecord;
import dev.steepest.core.train.TrainingListener;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes {@code metrics.jsonl}: one JSON object per step ({@code "kind": "step"}) and per epoch
 * ({@code "kind": "epoch"}); {@code iteration} and {@code epoch} count from 1.
 */
public final class MetricsWriter implements TrainingListener, Closeable {
    private final BufferedWriter out;
    private final boolean steps;

    public MetricsWriter(Path file, boolean steps) {
        try {
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.steps = steps;
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
        m.put("elapsed_seconds", e.elapsedSeconds());
        write(m);
        flush();
    }

    private void write(Map<String, Object> m) {
        try {
            out.write(Json.line(m));
            out.write('\n');
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private void flush() {
        try {
            out.flush();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
