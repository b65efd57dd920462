package dev.steepest.spark.config;

import java.util.List;

/**
 * {@code model.*}: the model, its shape, standardization and initialization. Part of {@link ConfigSchema}'s table.
 */
final class ModelKeys {
    private static final double INF = Double.POSITIVE_INFINITY;

    private ModelKeys() {
    }

    static void declare(KeyTable t) {
        t.word("model.type", null, "The model (required).", ModelType.names().toArray(new String[0]));
        t.add("model.hidden", Key.Type.INT_LIST, List.of(256L, 128L), List.of(), 1, false, INF, false,
                "mlp: the widths of the hidden layers.");
        t.word("model.activation", "relu", "mlp: the hidden layers' activation (He init for relu and leaky-relu, "
                + "Xavier for tanh and sigmoid).", "relu", "leaky-relu", "tanh", "sigmoid");
        t.word("model.head", "softmax", "mlp: the output and its loss: softmax (K classes), logistic (2 classes) or "
                + "squared (regression).", "softmax", "logistic", "squared");
        t.real("model.huber-delta", 1.0, 0, true, INF, false, "huber: the residual where the loss turns linear.");
        t.integer("model.max-classes", 1000L, 2, INF, "softmax: the most distinct labels accepted.");
        t.bool("model.fit-intercept", true, "Fit an intercept (never regularized).");
        t.bool("model.standardize", true, "Train on features scaled to unit standard deviation (computed in one "
                + "pass, applied inside the kernel; model.json is in the original space).");
        t.word("model.init", "zeros", "Initial parameters: zeros, or N(0, init-std^2) weights seeded by train.seed.",
                "zeros", "normal");
        t.real("model.init-std", 0.01, 0, true, INF, false, "Standard deviation for model.init = normal.");
        t.string("model.init-from", null, "Warm start: train from the parameters of this model (a run directory, a "
                + "model.json, or a saved Spark ML model directory; any Hadoop FileSystem path) instead of model.init's. "
                + "Its type, features, classes and layers must be this run's.");
    }
}
