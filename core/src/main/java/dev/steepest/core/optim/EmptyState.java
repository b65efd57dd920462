package dev.steepest.core.optim;

/** The state of a stateless transformation. */
public record EmptyState() implements OptState {
    public static final EmptyState INSTANCE = new EmptyState();
}
