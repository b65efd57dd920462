package dev.steepest.core.model;

/**
 * Elementwise activation functions of the hidden layers of {@link MlpModel}, with derivatives.
 *
 * <p>The derivative is available both from the pre-activation {@code z} and from the output {@code a = f(z)};
 * the backward pass of {@link MlpModel} uses the latter, so only the layer outputs are kept. For the piecewise
 * linear activations the kink at {@code z = 0} gets the left derivative (0 for ReLU, 0.01 for leaky ReLU), and
 * {@code a > 0} exactly when {@code z > 0}, so both forms agree everywhere. A NaN input stays NaN (so a
 * diverged step is detected rather than silently clipped).
 */
public enum Activation {
    /** {@code max(0, z)}. */
    RELU("relu"),
    /** {@code z} for {@code z > 0}, else {@code 0.01 z}. */
    LEAKY_RELU("leaky_relu"),
    /** {@code tanh(z)}; derivative {@code 1 - a^2}. */
    TANH("tanh"),
    /** {@code 1 / (1 + e^-z)}, without overflow; derivative {@code a (1 - a)}. */
    SIGMOID("sigmoid");

    /** Slope of {@link #LEAKY_RELU} for negative inputs. */
    public static final double LEAKY_SLOPE = 0.01;

    private final String jsonName;

    Activation(String jsonName) {
        this.jsonName = jsonName;
    }

    /** The lower-case name written to {@code model.json}: relu, leaky_relu, tanh, sigmoid. */
    public String jsonName() {
        return jsonName;
    }

    /** The activation named {@code name} (its {@link #jsonName()} or enum name, case-insensitive). */
    public static Activation fromName(String name) {
        for (Activation a : values()) {
            if (a.jsonName.equalsIgnoreCase(name) || a.name().equalsIgnoreCase(name)) return a;
        }
        throw new IllegalArgumentException("unknown activation: " + name);
    }

    /** {@code f(z)}. */
    public double value(double z) {
        return switch (this) {
            case RELU -> z < 0 ? 0.0 : z;
            case LEAKY_RELU -> z < 0 ? LEAKY_SLOPE * z : z;
            case TANH -> Math.tanh(z);
            case SIGMOID -> LogisticLoss.sigmoid(z);
        };
    }

    /** {@code f'(z)} from the pre-activation. */
    public double derivative(double z) {
        return derivativeFromOutput(value(z));
    }

    /** {@code f'(z)} expressed through the output {@code a = f(z)}. */
    public double derivativeFromOutput(double a) {
        return switch (this) {
            case RELU -> a > 0 ? 1.0 : 0.0;
            case LEAKY_RELU -> a > 0 ? 1.0 : LEAKY_SLOPE;
            case TANH -> 1.0 - a * a;
            case SIGMOID -> a * (1.0 - a);
        };
    }

    /** Replaces {@code z[from..to)} by {@code f(z)}. */
    void applyInPlace(double[] z, int from, int to) {
        switch (this) {
            case RELU -> {
                for (int i = from; i < to; i++) if (z[i] < 0) z[i] = 0.0;
            }
            case LEAKY_RELU -> {
                for (int i = from; i < to; i++) if (z[i] < 0) z[i] *= LEAKY_SLOPE;
            }
            case TANH -> {
                for (int i = from; i < to; i++) z[i] = Math.tanh(z[i]);
            }
            case SIGMOID -> {
                for (int i = from; i < to; i++) z[i] = LogisticLoss.sigmoid(z[i]);
            }
        }
    }

    /** Multiplies {@code delta[from..to)} by {@code f'} evaluated from the outputs {@code a[from..to)}. */
    void multiplyByDerivative(double[] delta, double[] a, int from, int to) {
        switch (this) {
            case RELU -> {
                for (int i = from; i < to; i++) if (!(a[i] > 0)) delta[i] = 0.0;
            }
            case LEAKY_RELU -> {
                for (int i = from; i < to; i++) if (!(a[i] > 0)) delta[i] *= LEAKY_SLOPE;
            }
            case TANH -> {
                for (int i = from; i < to; i++) delta[i] *= 1.0 - a[i] * a[i];
            }
            case SIGMOID -> {
                for (int i = from; i < to; i++) delta[i] *= a[i] * (1.0 - a[i]);
            }
        }
    }
}
