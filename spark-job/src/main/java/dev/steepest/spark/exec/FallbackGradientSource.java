package dev.steepest.spark.exec;

import dev.steepest.core.model.Accumulator;
import dev.steepest.core.train.GradientSource;
import dev.steepest.core.train.StepPlan;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A gradient source that uses its {@code primary} until that fails, then says so once and uses its
 * {@code fallback} for the step that failed and every later one. Both sources compute the same sums (the same
 * kernel over the same partitions, merged in partition order), so a fallback changes the speed of a run, not its
 * bits. Exceptions of the fallback itself are the caller's.
 */
public final class FallbackGradientSource implements GradientSource {
    private final GradientSource primary;
    private final GradientSource fallback;
    private final Function<String, String> warningFor;
    private final Consumer<String> warnings;
    private String reason;

    /**
     * @param warningFor the one-line warning for a reason (the primary's failure message)
     * @param warnings   where the warning goes, once
     */
    public FallbackGradientSource(GradientSource primary, GradientSource fallback, Function<String, String> warningFor,
                                  Consumer<String> warnings) {
        this.primary = primary;
        this.fallback = fallback;
        this.warningFor = warningFor;
        this.warnings = warnings;
    }

    @Override
    public long[] partitionSizes() {
        return fallback.partitionSizes();
    }

    @Override
    public Accumulator compute(double[] params, StepPlan plan) {
        if (reason == null) {
            try {
                return primary.compute(params, plan);
            } catch (RuntimeException e) {
                fallBack(e);
            }
        }
        return fallback.compute(params, plan);
    }

    @Override
    public Accumulator computeAll(double[] params) {
        if (reason == null) {
            try {
                return primary.computeAll(params);
            } catch (RuntimeException e) {
                fallBack(e);
            }
        }
        return fallback.computeAll(params);
    }

    @Override
    public void beforeOtherJobs() {
        if (reason == null) primary.beforeOtherJobs();
        fallback.beforeOtherJobs();
    }

    @Override
    public void close() {
        primary.close();
        fallback.close();
    }

    /** Whether the steps still go to the primary. */
    public boolean onPrimary() {
        return reason == null;
    }

    /** Why the source went over to the fallback, or null while it is on the primary. */
    public String fallbackReason() {
        return reason;
    }

    /** The one-line warning the source gave when it went over to the fallback, or null while on the primary. */
    public String fallbackWarning() {
        return reason == null ? null : warningFor.apply(reason);
    }

    private void fallBack(RuntimeException e) {
        reason = message(e);
        primary.close();
        warnings.accept(fallbackWarning());
    }

    /** The failure's own message, or its type where it has none (never "null"). */
    static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
