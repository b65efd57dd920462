package dev.steepest.core.optim.schedule;

import dev.steepest.core.optim.LearningRateSchedule;

/**
 * Cosine annealing from {@code lr0} to {@code etaMin} over {@code tMax} steps (Loshchilov &amp; Hutter 2017, "SGDR:
 * Stochastic Gradient Descent with Warm Restarts", eq. 5, without the restarts).
 * <pre>
 *   rate(t) = etaMin + (lr0 - etaMin) * (1 + cos(pi * t / tMax)) / 2
 * </pre>
 * PyTorch: {@code torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=tMax, eta_min=etaMin)} (stepped once
 * per update). This is torch's closed form ({@code _get_closed_form_lr}); its usual recursive form equals it up to
 * rounding (at most about 2e-14 relative in the golden cases).
 *
 * <p><b>After {@code tMax}</b> the formula is applied as is, exactly as torch does (both its closed and its
 * recursive form): the cosine continues, so the rate climbs back to {@code lr0} at {@code 2 tMax}, falls to
 * {@code etaMin} at {@code 3 tMax}, and so on, with period {@code 2 tMax}. It does <em>not</em> stay at
 * {@code etaMin}. Choose {@code tMax} = the total number of steps to anneal once over the run, or use
 * {@link CosineWarmRestarts} for restarts that jump back to {@code lr0}.
 *
 * @param lr0    the rate at step 0 (torch's {@code eta_max}, the optimizer's initial lr); finite, {@code > 0}
 * @param tMax   the half period in steps: the rate reaches {@code etaMin} at step {@code tMax}; {@code >= 1}
 * @param etaMin the minimum rate; {@code 0 <= etaMin <= lr0}
 */
public record CosineAnnealing(double lr0, long tMax, double etaMin) implements LearningRateSchedule {
    public CosineAnnealing {
        lr0 = Args.rate("lr0", lr0);
        tMax = Args.atLeastOne("tMax", tMax);
        etaMin = Args.floor("etaMin", etaMin, "lr0", lr0);
    }

    @Override
    public double rate(long t) {
        return etaMin + (lr0 - etaMin) * (1 + StrictMath.cos(Math.PI * Args.step(t) / tMax)) / 2;
    }
}
