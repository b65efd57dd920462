package dev.steepest.spark.config;

/**
 * {@code optimizer.*}, {@code clip.*} and {@code regularization.*}: the optimizer chain (which
 * optimizer takes which option, with what default: {@link OptimizerKind}). Part of {@link ConfigSchema}'s table.
 */
final class OptimizerKeys {
    private static final double INF = Double.POSITIVE_INFINITY;

    private OptimizerKeys() {
    }

    static void declare(KeyTable t) {
        t.word("optimizer.name", "sgd", "The optimizer; momentum and nesterov are sgd with momentum 0.9 (and "
                + "nesterov).", OptimizerKind.names().toArray(new String[0]));
        t.real("optimizer.lr", 0.01, 0, true, INF, false, "Base learning rate (before the scaling rule).");
        t.real("optimizer.momentum", null, 0, false, 1, true, "Momentum factor (sgd, rmsprop, lars).");
        t.real("optimizer.dampening", null, 0, false, 1, false, "Dampening of the momentum (sgd).");
        t.bool("optimizer.nesterov", null, "Nesterov momentum (sgd; needs momentum > 0 and dampening 0).");
        t.real("optimizer.weight-decay", null, 0, false, INF, false, "Weight decay: coupled (g + wd w) for sgd, "
                + "adagrad, rmsprop, adam; decoupled for adamw; inside the trust ratio for lars, lamb.");
        t.real("optimizer.lr-decay", null, 0, false, INF, false, "Adagrad's rate decay: lr / (1 + (t - 1) lr-decay).");
        t.real("optimizer.initial-accumulator", null, 0, false, INF, false, "Adagrad's initial sum of squares.");
        t.real("optimizer.eps", null, 0, false, INF, false, "Term added to the denominator (adagrad, rmsprop, adam, "
                + "adamw, lamb).");
        t.real("optimizer.alpha", null, 0, false, 1, false, "RMSProp's smoothing constant.");
        t.bool("optimizer.centered", null, "RMSProp divides by the centered second moment (an estimate of the variance).");
        t.real("optimizer.beta1", null, 0, false, 1, true, "Decay of the first moment (adam, adamw, lamb).");
        t.real("optimizer.beta2", null, 0, false, 1, true, "Decay of the second moment (adam, adamw, lamb).");
        t.bool("optimizer.amsgrad", null, "AMSGrad: divide by the running maximum of the second moment (adam, adamw).");
        t.real("optimizer.trust-coefficient", null, 0, true, INF, false, "LARS trust coefficient eta.");
        t.bool("optimizer.exclude-biases", null, "LARS / LAMB: no decay and no trust ratio for intercepts and biases.");
        t.integer("optimizer.history", null, 1, INF, "lbfgs: the curvature pairs L-BFGS keeps (memory m, default 10).");
        // gradient clipping
        t.real("clip.value", null, 0, true, INF, false, "Clip every gradient component to [-value, value].");
        t.real("clip.norm", null, 0, true, INF, false, "Rescale the gradient to this global L2 norm when above it "
                + "(gradient_norm in metrics.jsonl is the norm before clipping).");
        // regularization
        t.real("regularization.l2", 0.0, 0, false, INF, false,
                "L2 penalty l2/2 ||w||^2 added to the objective and its gradient.");
        t.real("regularization.l1", 0.0, 0, false, INF, false, "L1 penalty l1 ||w||_1 by proximal soft-thresholding "
                + "after each step, in the optimizer's metric (threshold = each coordinate's step times l1), so every "
                + "optimizer settles at the L1 optimum with its exact zeros; with l2 too this is the elastic net. "
                + "Refused with a decoupled decay and centered rmsprop.");
        t.real("regularization.decoupled-weight-decay", 0.0, 0, false, INF, false,
                "Decoupled decay for any optimizer: theta <- theta + update - lr(t) wd theta (Loshchilov & Hutter 2019); "
                        + "not with regularization.l1 (use regularization.l2).");
        t.bool("regularization.include-intercepts", false, "Also regularize and decay intercepts and biases.");
    }
}
