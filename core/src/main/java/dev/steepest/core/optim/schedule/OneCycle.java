package dev.steepest.core.optim.schedule;

import dev.steepest.core.optim.LearningRateSchedule;

/**
 * The 1cycle policy (Smith &amp; Topin 2018, "Super-Convergence: Very Fast Training of Neural Networks Using Large
 * Learning Rates"; Smith 2018, "A disciplined approach to neural network hyper-parameters"), learning rate only.
 * With {@code initialLr = maxLr / divFactor}, {@code minLr = initialLr / finalDivFactor}, {@code T = totalSteps},
 * {@code p = pctStart}, the rate is annealed (cosine or linear) between these values at these steps:
 * <pre>
 *   two phases (default):  initialLr at 0  -&gt;  maxLr at p*T - 1  -&gt;  minLr at T - 1
 *   three phases:          initialLr at 0  -&gt;  maxLr at p*T - 1  -&gt;  initialLr at 2p*T - 2  -&gt;  minLr at T - 1
 *
 *   within a phase [s, e] from a to b, with x = (t - s) / (e - s):
 *     cos:    rate(t) = b + (a - b) / 2 * (cos(pi * x) + 1)
 *     linear: rate(t) = (b - a) * x + a
 * </pre>
 * The phase ends are PyTorch 1.13's exactly, as doubles ({@code float(pct_start * total_steps) - 1} and
 * {@code float(2 * pct_start * total_steps) - 2}; e.g. 36.5 for p = 0.25, T = 150), and a step belongs to the first
 * phase whose end it does not exceed. See {@link #phaseEndSteps()}.
 *
 * <p>PyTorch: {@code torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=maxLr, total_steps=totalSteps,
 * pct_start=pctStart, anneal_strategy='cos'|'linear', cycle_momentum=False, div_factor=divFactor,
 * final_div_factor=finalDivFactor, three_phase=threePhase)}, stepped once per update. Torch's defaults are
 * {@link #DEFAULT_PCT_START}, {@link #DEFAULT_DIV_FACTOR}, {@link #DEFAULT_FINAL_DIV_FACTOR}, cosine, two phases.
 * Momentum cycling is not part of a learning-rate schedule and is not modelled.
 *
 * <p><b>After the cycle</b> ({@code t >= totalSteps}), where torch raises an error, the rate stays at its value for
 * step {@code totalSteps - 1}, i.e. {@code minLr}: a run a few steps longer than planned ends at the floor.
 *
 * @param maxLr          the peak rate (the base rate, after batch-size scaling); finite, {@code > 0}
 * @param totalSteps     the length of the cycle in steps; every phase must span a positive number of steps
 * @param pctStart       the fraction of the cycle spent increasing the rate; in {@code (0, 1)}
 * @param divFactor      {@code initialLr = maxLr / divFactor}; finite, {@code > 0}
 * @param finalDivFactor {@code minLr = initialLr / finalDivFactor}; finite, {@code > 0}
 * @param annealCos      cosine annealing ({@code true}, torch's {@code 'cos'}) or linear ({@code false})
 * @param threePhase     torch's {@code three_phase}: back down to {@code initialLr} symmetrically, then to
 *                       {@code minLr} (the paper's shape); {@code false} is the fastai two-phase shape
 */
public record OneCycle(double maxLr, long totalSteps, double pctStart, double divFactor, double finalDivFactor,
                       boolean annealCos, boolean threePhase) implements LearningRateSchedule {
    public static final double DEFAULT_PCT_START = 0.3;
    public static final double DEFAULT_DIV_FACTOR = 25.0;
    public static final double DEFAULT_FINAL_DIV_FACTOR = 1e4;

    public OneCycle {
        maxLr = Args.rate("maxLr", maxLr);
        totalSteps = Args.atLeastOne("totalSteps", totalSteps);
        if (!(pctStart > 0.0 && pctStart < 1.0)) {
            throw new IllegalArgumentException("pctStart must be in (0, 1), got " + pctStart);
        }
        divFactor = Args.positive("divFactor", divFactor);
        finalDivFactor = Args.positive("finalDivFactor", finalDivFactor);
        double[] ends = ends(pctStart, totalSteps, threePhase);
        double start = 0.0;
        for (double end : ends) {
            if (!(end > start)) {
                throw new IllegalArgumentException(String.format(
                        "every phase of the cycle must span at least one step: totalSteps=%d, pctStart=%s, "
                                + "threePhase=%s give phase ends %s", totalSteps, pctStart, threePhase,
                        java.util.Arrays.toString(ends)));
            }
            start = end;
        }
    }

    /** The last step of each phase, exactly as torch computes it. */
    private static double[] ends(double pctStart, long totalSteps, boolean threePhase) {
        return threePhase
                ? new double[] {pctStart * totalSteps - 1, 2 * pctStart * totalSteps - 2, totalSteps - 1}
                : new double[] {pctStart * totalSteps - 1, totalSteps - 1};
    }

    /** The rates at the phase boundaries: {@code rates[i] -> rates[i + 1]} over phase {@code i}. */
    private double[] rates() {
        double initialLr = maxLr / divFactor;
        double minLr = initialLr / finalDivFactor;
        return threePhase ? new double[] {initialLr, maxLr, initialLr, minLr} : new double[] {initialLr, maxLr, minLr};
    }

    @Override
    public double rate(long t) {
        double step = Math.min(Args.step(t), totalSteps - 1);
        double[] ends = ends(pctStart, totalSteps, threePhase);
        double[] rates = rates();
        double start = 0.0;
        for (int i = 0; i < ends.length; i++) {
            double end = ends[i];
            if (step <= end || i == ends.length - 1) {
                double pct = (step - start) / (end - start);
                return anneal(rates[i], rates[i + 1], pct);
            }
            start = end;
        }
        throw new AssertionError("unreachable");
    }

    private double anneal(double from, double to, double pct) {
        if (annealCos) {
            double cosOut = StrictMath.cos(Math.PI * pct) + 1;
            return to + (from - to) / 2.0 * cosOut;
        }
        return (to - from) * pct + from;
    }

    /** The last step of each phase, as torch 1.13 computes it (may be fractional). */
    /** The last step of each phase, as torch 1.13 computes it (may be fractional). */
    public double[] phaseEndSteps() {
        return ends(pctStart, totalSteps, threePhase);
    }

    /** {@code maxLr / divFactor}: the rate at step 0. */
    public double initialLr() {
        return maxLr / divFactor;
    }

    /** {@code initialLr / finalDivFactor}: the rate at the last step. */
    public double minLr() {
        return maxLr / divFactor / finalDivFactor;
    }

    @Override
    public String toString() {
        return "OneCycle[maxLr=" + maxLr + ", totalSteps=" + totalSteps + ", pctStart=" + pctStart + ", divFactor="
                + divFactor + ", finalDivFactor=" + finalDivFactor + ", anneal=" + (annealCos ? "cos" : "linear")
                + ", threePhase=" + threePhase + "]";
    }
}
