package dev.steepest.spark.output;

import dev.steepest.core.train.EpochRecord;
import dev.steepest.core.train.StepRecord;
import dev.steepest.core.train.TrainingListener;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Warns, once per parameter group, when a group's gradient was exactly zero in every step of an epoch: the group
 * no longer learns. For a ReLU network that means every unit feeding it is dead (after a too-large rate, typically);
 * the loss stays finite, so this is not divergence and the run goes on, but the user should know why accuracy
 * stalls. The warnings also go to summary.json ({@code warnings}).
 */
public final class DeadGradientWarning implements TrainingListener {
    private final PrintStream console;
    private final Map<String, Double> largest = new LinkedHashMap<>();
    private final Set<String> warned = new LinkedHashSet<>();
    private final List<String> warnings = new ArrayList<>();

    public DeadGradientWarning(PrintStream console) {
        this.console = console;
    }

    @Override
    public void onStep(StepRecord step) {
        step.groupGradientNorms().forEach((group, norm) -> largest.merge(group, norm, Math::max));
    }

    @Override
    public void onEpoch(EpochRecord epoch) {
        List<String> dead = new ArrayList<>();
        largest.forEach((group, norm) -> {
            if (norm == 0.0 && warned.add(group)) dead.add(group);
        });
        largest.clear();
        if (dead.isEmpty()) return;
        String w = "epoch " + (epoch.epoch() + 1) + ": no gradient reached " + String.join(", ", dead)
                + " in the whole epoch, so " + (dead.size() == 1 ? "it" : "they") + " stopped learning (dead ReLU "
                + "units after too large a rate, or constant inputs); a lower optimizer.lr may help";
        warnings.add(w);
        console.println("warning: " + w);
    }

    /** The warnings given so far, for summary.json. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }
}
