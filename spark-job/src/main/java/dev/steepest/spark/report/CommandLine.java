package dev.steepest.spark.report;

import dev.steepest.spark.InputError;
import dev.steepest.spark.cli.ExitCode;
import dev.steepest.spark.data.Errors;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The arguments of one of the looking sub-commands ({@code report}, {@code lr-find}, {@code compare}): options
 * that take a value (each may repeat), flags, and positional arguments, after the sub-command's name; and the
 * CLI's error handling around running it (one line, exit 2 for input errors, stack traces with --verbose).
 */
public record CommandLine(Map<String, List<String>> options, Set<String> flags, List<String> positional) {

    /** Parses {@code args[1..]}: {@code valued} options take a value ({@code --x v} or {@code --x=v}). */
    public static CommandLine parse(String[] args, String usage, Set<String> valued, Set<String> flagNames) {
        Map<String, List<String>> options = new LinkedHashMap<>();
        Set<String> flags = new java.util.LinkedHashSet<>();
        List<String> positional = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            int eq = a.indexOf('=');
            String name = a.startsWith("--") && eq > 0 ? a.substring(0, eq) : a;
            if (valued.contains(name)) {
                String v;
                if (eq > 0 && a.startsWith("--")) v = a.substring(eq + 1);
                else if (i + 1 < args.length) v = args[++i];
                else throw new InputError(args[0] + ": " + a + " needs a value; usage: " + usage);
                options.computeIfAbsent(name, k -> new ArrayList<>()).add(v);
            } else if (flagNames.contains(a)) {
                flags.add(a);
            } else if (a.startsWith("-")) {
                throw new InputError(args[0] + ": unknown argument '" + a + "'; usage: " + usage);
            } else {
                positional.add(a);
            }
        }
        return new CommandLine(options, flags, positional);
    }

    /** The last value of {@code name}, or {@code fallback}. */
    public String value(String name, String fallback) {
        List<String> v = options.get(name);
        return v == null ? fallback : v.get(v.size() - 1);
    }

    public List<String> values(String name) {
        return options.getOrDefault(name, List.of());
    }

    /** A number option, its value named in the error when it is not one. */
    public double number(String command, String name, double fallback) {
        String v = value(name, null);
        if (v == null) return fallback;
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new InputError(command + ": " + name + " " + v + ": not a number");
        }
    }

    /** A sub-command's body: returns its exit code. */
    public interface Body {
        int run() throws Exception;
    }

    /** Runs {@code body} with the CLI's error handling: one line on {@code err}, exit 2 for bad input, else 1. */
    public static int reportingErrors(String[] args, PrintStream err, Body body) {
        boolean verbose = List.of(args).contains("--verbose");
        try {
            return body.run();
        } catch (Exception e) {
            RuntimeException cause = Errors.inputErrorOr(e, "input");
            if (cause instanceof InputError) {
                err.println("steepest: error: " + cause.getMessage());
                if (verbose) e.printStackTrace(err);
                return ExitCode.INPUT;
            }
            err.println("steepest: failed: " + e + (verbose ? "" : " (run with --verbose for the stack trace)"));
            if (verbose) e.printStackTrace(err);
            return ExitCode.FAILURE;
        }
    }
}
