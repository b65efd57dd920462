package dev.steepest.spark.config;

/**
 * {@code schedule.*}: the learning-rate schedule, lengths in epochs (which schedule takes which key, with
 * what default: {@link ScheduleKind}). Part of {@link ConfigSchema}'s table.
 */
final class ScheduleKeys {
    private static final double INF = Double.POSITIVE_INFINITY;

    private ScheduleKeys() {
    }

    static void declare(KeyTable t) {
        t.word("schedule.name", "constant", "Learning-rate schedule, stepped every iteration.",
                ScheduleKind.names().toArray(new String[0]));
        t.real("schedule.gamma", null, 0, true, 1, false, "Decay factor (step, multistep: 0.1; exponential: per epoch, 0.95).");
        t.real("schedule.step-epochs", null, 0, true, INF, false, "step: decay every this many epochs (required).");
        t.list("schedule.milestones", "multistep: epochs at which to decay, increasing (required).");
        t.real("schedule.decay", null, 0, true, INF, false, "inverse-time: lr / (1 + decay x t), t in steps (required).");
        t.real("schedule.power", null, 0, true, INF, false, "polynomial: exponent (default 1).");
        t.real("schedule.total-epochs", null, 0, true, INF, false, "polynomial, cosine, one-cycle: length in epochs "
                + "(default train.epochs).");
        t.real("schedule.min-lr", null, 0, false, INF, false, "polynomial: end rate; cosine, cosine-restarts: eta_min; "
                + "plateau: lowest rate (default 0).");
        t.real("schedule.restart-epochs", null, 0, true, INF, false, "cosine-restarts: first period T_0 in epochs (required).");
        t.integer("schedule.restart-mult", null, 1, INF, "cosine-restarts: period multiplier T_mult (default 1).");
        t.real("schedule.pct-start", null, 0, true, 1, true, "one-cycle: fraction of the cycle spent rising (default 0.3).");
        t.real("schedule.div-factor", null, 0, true, INF, false, "one-cycle: initial lr = max lr / div-factor (default 25).");
        t.real("schedule.final-div-factor", null, 0, true, INF, false,
                "one-cycle: final lr = initial lr / final-div-factor (default 1e4).");
        t.word("schedule.anneal", null, "one-cycle: annealing shape (default cos).", "cos", "linear");
        t.bool("schedule.three-phase", null, "one-cycle: the three-phase variant (default false).");
        t.real("schedule.factor", null, 0, true, 1, true, "plateau: multiply the rate by this (default 0.1).");
        t.integer("schedule.patience", null, 0, INF, "plateau: epochs without improvement before reducing (default 10).");
        t.real("schedule.threshold", null, 0, false, INF, false, "plateau: minimum improvement (default 1e-4).");
        t.word("schedule.threshold-mode", null, "plateau: improvement relative to the best, or absolute (default rel).",
                "rel", "abs");
        t.integer("schedule.cooldown", null, 0, INF, "plateau: epochs to wait after a reduction (default 0).");
    }
}
