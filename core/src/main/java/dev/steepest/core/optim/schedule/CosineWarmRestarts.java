package dev.steepest.core.optim.schedule;

import dev.steepest.core.optim.LearningRateSchedule;

/**
 * Cosine annealing with warm restarts, SGDR (Loshchilov &amp; Hutter 2017, "SGDR: Stochastic Gradient Descent with
 * Warm Restarts", eq. 5): cycle {@code i} (from 0) lasts {@code T_i = t0 * tMult^i} steps; within it the rate falls
 * from {@code lr0} along a half cosine towards {@code etaMin}, then jumps back to {@code lr0} at the next cycle.
 * <pre>
 *   rate(t) = etaMin + (lr0 - etaMin) * (1 + cos(pi * T_cur / T_i)) / 2
 *   T_cur   = t - t0 * (tMult^i - 1) / (tMult - 1)   (= t mod t0 when tMult = 1), the steps since the last restart
 * </pre>
 * PyTorch: {@code torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(optimizer, T_0=t0, T_mult=tMult,
 * eta_min=etaMin)} stepped once per update with {@code scheduler.step()} (integer steps; torch's fractional-epoch
 * {@code step(epoch)} form is not modelled). As in torch, {@code etaMin} itself is never reached: the last step of a
 * cycle has {@code T_cur = T_i - 1}.
 *
 * @param lr0    the rate at the start of every cycle; finite, {@code > 0}
 * @param t0     the length of the first cycle in steps; {@code >= 1}
 * @param tMult  the growth factor of the cycle length; integer {@code >= 1}
 * @param etaMin the rate the cosine falls towards; {@code 0 <= etaMin <= lr0}
 */
public record CosineWarmRestarts(double lr0, long t0, long tMult, double etaMin) implements LearningRateSchedule {
    public CosineWarmRestarts {
        lr0 = Args.rate("lr0", lr0);
        t0 = Args.atLeastOne("t0", t0);
        tMult = Args.atLeastOne("tMult", tMult);
        etaMin = Args.floor("etaMin", etaMin, "lr0", lr0);
    }

    @Override
    public double rate(long t) {
        Args.step(t);
        long tCur;
        long ti;
        if (tMult == 1) {
            tCur = t % t0;
            ti = t0;
        } else {
            tCur = t;
            ti = t0;
            while (tCur >= ti) {
                tCur -= ti;
                if (ti > Long.MAX_VALUE / tMult) { // the next cycle is longer than any step: t is in it
                    ti = Long.MAX_VALUE;
                    break;
                }
                ti *= tMult;
            }
        }
        return etaMin + (lr0 - etaMin) * (1 + StrictMath.cos(Math.PI * tCur / ti)) / 2;
    }
}
