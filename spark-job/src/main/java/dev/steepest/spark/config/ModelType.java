package dev.steepest.spark.config;

import java.util.Arrays;
import java.util.List;

/** The values of {@code model.type}: the one list of model types, compared as values rather than strings. */
public enum ModelType {
    LINEAR("linear"), HUBER("huber"), LOGISTIC("logistic"), HINGE("hinge"), SOFTMAX("softmax"), MLP("mlp");

    private final String configName;

    ModelType(String configName) {
        this.configName = configName;
    }

    /** Whether the model can be a classifier (an mlp with a softmax or logistic head is). */
    public boolean classifies() {
        return this != LINEAR && this != HUBER;
    }

    /** Whether the model can be a regression (an mlp with a squared head is). */
    public boolean regresses() {
        return this == LINEAR || this == HUBER || this == MLP;
    }

    /** The word the config uses ({@code model.type = ...}). */
    public String configName() {
        return configName;
    }

    /** The type {@code name} names (a value the schema accepted). */
    public static ModelType of(String name) {
        for (ModelType t : values()) {
            if (t.configName.equals(name)) return t;
        }
        throw new IllegalArgumentException("model.type " + name);
    }

    /** Every config name, in declaration order (the schema's allowed values). */
    public static List<String> names() {
        return Arrays.stream(values()).map(ModelType::configName).toList();
    }

    @Override
    public String toString() {
        return configName;
    }
}
