package dev.steepest.spark;

import dev.steepest.core.data.Block;
import dev.steepest.core.model.Accumulator;
import dev.steepest.core.model.Evaluation;
import dev.steepest.core.model.Model;
import dev.steepest.core.model.ParameterGroup;
import java.io.Serializable;
import java.util.List;

/**
 * A model that behaves as the one it wraps until its first parameter is a sentinel value: then its kernel does what
 * the test says (throws, ends its JVM, ...) wherever it runs, before computing as the wrapped model does.
 */
public final class SentinelModel implements Model {
    private static final long serialVersionUID = 1L;

    /** What the kernel does at the sentinel (it runs in the tasks, so it travels with the model). */
    public interface Trip extends Serializable {
        void run();
    }

    private final Model inner;
    private final double sentinel;
    private final Trip trip;

    public SentinelModel(Model inner, double sentinel, Trip trip) {
        this.inner = inner;
        this.sentinel = sentinel;
        this.trip = trip;
    }

    @Override public String type() { return inner.type(); }
    @Override public int numFeatures() { return inner.numFeatures(); }
    @Override public int numOutputs() { return inner.numOutputs(); }
    @Override public int numParameters() { return inner.numParameters(); }
    @Override public List<ParameterGroup> groups() { return inner.groups(); }
    @Override public boolean isClassifier() { return inner.isClassifier(); }

    @Override
    public void accumulate(Block block, int[] rows, int count, double[] params, Accumulator acc) {
        if (params[0] == sentinel) trip.run();
        inner.accumulate(block, rows, count, params, acc);
    }

    @Override
    public void evaluate(Block block, double[] params, Evaluation eval) {
        inner.evaluate(block, params, eval);
    }
}
