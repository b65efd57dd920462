package dev.steepest.core.train;

import dev.steepest.core.model.Model;
import dev.steepest.core.model.ParameterGroup;
import dev.steepest.core.optim.prox.ParameterProx;
import java.util.ArrayList;
import java.util.List;

/**
 * The objective a run minimizes: the model's weighted mean loss over the rows (the data term), plus
 * {@code l2/2 ||w||^2} and the proximal operator's penalty (L1, elastic net) over the regularized parameter
 * groups. The loop evaluates it on each step's batch, the Spark job on every training row for
 * {@code final_train_loss}: both through this class, so both penalize the same groups.
 *
 * @param groups the model's groups as the run regularizes them (all of them with regularized intercepts)
 * @param l2     the L2 strength; 0 for none
 * @param prox   the proximal operator whose penalty is added, or null
 */
public record Objective(List<ParameterGroup> groups, double l2, ParameterProx prox) {
    public Objective {
        groups = List.copyOf(groups);
    }

    /** The objective of a run of {@code model} with these settings and options. */
    public static Objective of(Model model, TrainingSettings settings, TrainingOptions options) {
        return new Objective(groups(model, options.regularizeIntercepts()), settings.l2(), options.prox());
    }

    /** The model's groups, or all of them marked regularized when intercepts are regularized too. */
    static List<ParameterGroup> groups(Model model, boolean regularizeIntercepts) {
        List<ParameterGroup> groups = model.groups();
        if (!regularizeIntercepts) return groups;
        List<ParameterGroup> all = new ArrayList<>(groups.size());
        for (ParameterGroup g : groups) all.add(new ParameterGroup(g.name(), g.offset(), g.length(), true));
        return all;
    }

    /** The objective at {@code params} whose data term is {@code meanLoss}: data term + L2 + prox penalty. */
    public double value(double meanLoss, double[] params) {
        return meanLoss + l2Penalty(params) + (prox == null ? 0.0 : prox.penalty(params, groups));
    }

    /** Adds the L2 gradient {@code l2 * w} of the regularized groups into {@code gradient}. */
    public void addL2Gradient(double[] params, double[] gradient) {
        if (l2 == 0.0) return;
        for (ParameterGroup g : groups) {
            if (!g.regularized()) continue;
            for (int i = g.offset(); i < g.end(); i++) gradient[i] += l2 * params[i];
        }
    }

    /** {@code l2/2 ||w||^2} over the regularized groups. */
    public double l2Penalty(double[] params) {
        if (l2 == 0.0) return 0.0;
        double sq = 0.0;
        for (ParameterGroup g : groups) {
            if (g.regularized()) sq += g.squaredNorm(params);
        }
        return 0.5 * l2 * sq;
    }
}
