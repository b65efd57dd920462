package dev.steepest.core.train;

import dev.steepest.core.model.Accumulator;
import dev.steepest.core.model.ParameterGroup;
import dev.steepest.core.optim.lbfgs.DifferentiableFunction;
import java.util.List;

/**
 * The smooth training objective over every row, as the quasi-Newton methods see it: one
 * {@link GradientSource#computeAll} per evaluation, {@code mean loss + l2/2 ||w||^2} and its gradient, the L2
 * term on the regularized groups only (through {@link Objective}, as in {@link TrainingLoop}). The L1 weights for OWL-QN come from
 * {@link #l1Weights}.
 */
public final class FullObjective implements DifferentiableFunction {
    private final GradientSource source;
    private final Objective smooth;
    private long evaluations;

    public FullObjective(GradientSource source, List<ParameterGroup> groups, double l2) {
        this.source = source;
        this.smooth = new Objective(groups, l2, null);
    }

    @Override
    public Point evaluate(double[] x) {
        Accumulator sums = source.computeAll(x);
        evaluations++;
        double[] g = sums.meanGradient();
        double value = sums.meanLoss();
        if (smooth.l2() != 0.0) {
            smooth.addL2Gradient(x, g);
            value += smooth.l2Penalty(x);
        }
        return new Point(x.clone(), value, g);
    }

    /** Evaluations so far (= computeAll calls). */
    public long evaluations() {
        return evaluations;
    }

    /** {@code l1} on every coordinate of a regularized group, 0 elsewhere. */
    public static double[] l1Weights(List<ParameterGroup> groups, int numParameters, double l1) {
        double[] w = new double[numParameters];
        for (ParameterGroup g : groups) {
            if (!g.regularized()) continue;
            for (int i = g.offset(); i < g.end(); i++) w[i] = l1;
        }
        return w;
    }
}
