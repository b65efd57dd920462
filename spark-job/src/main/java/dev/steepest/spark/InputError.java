package dev.steepest.spark;

/**
 * Bad input from the user (config, data, paths): reported as one line, exit code 2, no stack trace unless
 * {@code --verbose}. The message names the key, file and line where they are known.
 */
public class InputError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InputError(String message) {
        super(message);
    }

    public InputError(String message, Throwable cause) {
        super(message, cause);
    }
}
