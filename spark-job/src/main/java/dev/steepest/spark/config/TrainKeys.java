package dev.steepest.spark.config;

/**
 * {@code train.*}, {@code output.dir} and {@code spark.master}: batches and rates, stopping, divergence,
 * step modes, checkpoints and outputs. Part of {@link ConfigSchema}'s table.
 */
final class TrainKeys {
    private static final double INF = Double.POSITIVE_INFINITY;

    private TrainKeys() {
    }

    static void declare(KeyTable t) {
        t.word("train.averaging", "none", "Polyak-Ruppert averaging: the model is the mean of the iterates (polyak).",
                "none", "polyak");
        t.real("train.averaging-start-epoch", 0.0, 0, false, INF, false, "Average the iterates from this epoch on.");
        // train
        t.wordOrInt("train.batch-size", "256", "Rows per step: 'full' (batch GD), 1 (SGD) or any other number "
                + "(mini-batch). An epoch is ceil(n / B) steps.", "full");
        t.integer("train.epochs", 10L, 1, INF, "Passes over the data (unlimited when only max-iterations is set).");
        t.integer("train.max-iterations", null, 1, INF, "Stop after this many steps.");
        t.integer("train.seed", 42L, -INF, INF, "Seed for batch sampling and initialization.");
        t.word("train.lr-scaling", "none", "Batch-size rule for the rate (Goyal et al. 2017): lr x B / reference "
                + "(linear), lr x sqrt(B / reference) (sqrt), or none.", "none", "linear", "sqrt");
        t.integer("train.reference-batch-size", 256L, 1, INF, "The reference batch of the scaling rule.");
        t.real("train.warmup-epochs", 0.0, 0, false, INF, false,
                "Ramp the rate linearly from optimizer.lr to the scaled rate over this many epochs.");
        t.real("train.tolerance.loss-change", null, 0, true, INF, false,
                "Stop when |L_e - L_{e-1}| <= tol x max(1, |L_{e-1}|) between epochs (L_e: mean batch loss).");
        t.real("train.tolerance.gradient-norm", null, 0, true, INF, false,
                "Stop when the norm of the epoch's mean gradient <= tol.");
        t.real("train.tolerance.parameter-change", null, 0, true, INF, false,
                "Stop when ||theta_e - theta_{e-1}|| <= tol x max(1, ||theta_{e-1}||) between epochs.");
        t.integer("train.early-stopping.patience", null, 1, INF, "Stop after this many epochs without improvement of "
                + "the validation loss, and keep the best epoch's parameters (needs a validation set).");
        t.real("train.early-stopping.min-delta", 0.0, 0, false, INF, false,
                "The smallest decrease of the validation loss that counts as an improvement.");
        t.word("train.line-search", "none", "Full-batch gradient descent: none (the scheduled rate), or armijo: "
                + "backtrack from the scheduled rate, t <- shrink t, until f(w - t g) <= f(w) - c1 t ||g||^2 "
                + "(needs train.batch-size = full and plain sgd).", "none", "armijo");
        t.real("train.armijo.c1", 1e-4, 0, true, 1, true, "armijo: the sufficient-decrease constant c1.");
        t.real("train.armijo.shrink", 0.5, 0, true, 1, true, "armijo: the factor a rejected trial step is multiplied by.");
        t.word("train.on-divergence", "stop", "On a diverging step: stop (exit 3, last good parameters saved), or back "
                + "off: restore the last good state and halve the rate for the rest of the run.", "stop", "backoff");
        t.integer("train.max-backoffs", 5L, 0, INF, "Backoffs allowed before the run stops as diverged.");
        t.real("train.divergence-factor", 1000.0, 1, true, INF, false, "A step whose loss is more than this many times "
                + "the starting loss diverges (besides non-finite losses, gradients and parameters).");
        t.real("train.progress-seconds", 5.0, 0, true, INF, false, "At most one progress line per this many seconds.");
        t.word("train.metrics", "step", "What metrics.jsonl records: every step and epoch, or epochs only.",
                "step", "epoch");
        t.integer("train.broadcast-threshold-bytes", 524288L, 0, INF,
                "Parameters larger than this are broadcast; smaller ones travel in the task closure.");
        t.integer("train.tree-aggregate-threshold", 32L, 2, INF,
                "Above this many partitions, partial sums are merged in a two-level tree on the executors.");
        t.word("train.step-mode", "auto", "How steps reach the executors: one Spark job per step (jobs), or "
                + "long-running tasks that the driver streams steps to over a socket (resident: no per-step "
                + "scheduling; a task per slot of each executor, serving the partitions it caches; needs executors "
                + "that can reach the driver). auto: resident when dynamic allocation is off and a step's traffic is "
                + "small (train.resident.max-step-bytes).",
                "auto", "jobs", "resident");
        t.integer("train.resident.port", 0L, 0, 65535, "Driver port the resident tasks connect to (0: any free port).");
        t.integer("train.resident.max-step-bytes", 67108864L, 0, INF, "auto: with executors in their own JVMs, take "
                + "resident tasks only while partitions x 8 x parameters (what the driver receives a step: a gradient per partition) "
                + "is at most this; above it one job per step, whose broadcast spreads the sending.");
        t.integer("train.resident.broadcast-bytes", 268435456L, 0, INF, "Resident tasks over TCP: when tasks x 8 x "
                + "parameters (what the driver would send a step, a copy per task) is above this, a step's parameters "
                + "go out as one Spark broadcast and the links carry its handle (same bits). Default 256 MiB: on one "
                + "host a broadcast step measured 2.6-19.5x slower up to 31 MiB (docs/SCALING.md).");
        t.real("train.resident.connect-seconds", 30.0, 0, true, INF, false, "How long the resident tasks have to "
                + "connect before the run falls back to one Spark job per step.");
        t.string("train.checkpoint.every", "5 minutes", "When to checkpoint the run (besides at its end and on SIGTERM / "
                + "SIGINT): 'N steps', 'N epochs', a wall-clock interval ('90 s', '10 minutes', '1 h') or 'none'.");
        t.string("train.checkpoint.dir", null, "Where checkpoints go: any Hadoop FileSystem URI (hdfs://, s3a://, "
                + "file://); default DIR/checkpoints of the run's output (.DIR.checkpoints beside it while it runs).");
        t.integer("train.checkpoint.keep", 2L, 1, INF, "How many of the newest checkpoints to keep.");
        t.string("train.tensorboard-dir", null, "Also write the run's scalars (loss, lr, gradient norms, validation "
                + "metrics) as a TensorBoard event file here: a path or any Hadoop FileSystem URI.");
        t.string("output.dir", null, "Output directory (the --out option wins); default runs/<config>-<time>.");
        t.string("spark.master", "local[*]", "Spark master when not run by spark-submit (whose --master wins).");
    }
}
