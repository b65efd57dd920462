package dev.steepest.spark.checkpoint;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code train.checkpoint.every}: {@code N steps}, {@code N epochs}, a wall-clock interval ({@code 90 s},
 * {@code 10 minutes}, {@code 1 h}) or {@code none} (only the final checkpoint, and one on SIGTERM / SIGINT).
 */
public record Every(Unit unit, double amount) {
    public enum Unit { STEPS, EPOCHS, SECONDS, NONE }

    private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-z]+)");

    /** The interval {@code text} names, or null with a reason in {@code why[0]}. */
    public static Every parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("none") || t.equals("off")) return new Every(Unit.NONE, 0);
        Matcher m = FORM.matcher(t);
        if (!m.matches()) return null;
        double n = Double.parseDouble(m.group(1));
        if (!(n > 0)) return null;
        Unit unit;
        switch (m.group(2)) {
            case "step", "steps" -> unit = Unit.STEPS;
            case "epoch", "epochs" -> unit = Unit.EPOCHS;
            case "s", "sec", "secs", "second", "seconds" -> unit = Unit.SECONDS;
            case "m", "min", "mins", "minute", "minutes" -> {
                unit = Unit.SECONDS;
                n *= 60;
            }
            case "h", "hour", "hours" -> {
                unit = Unit.SECONDS;
                n *= 3600;
            }
            default -> {
                return null;
            }
        }
        if (unit != Unit.SECONDS && n != Math.rint(n)) return null;
        return new Every(unit, n);
    }

    /** Whether the state after step {@code iteration} (step {@code drawn} of a {@code perEpoch}-step epoch) is due. */
    boolean due(long iteration, long epochIndex, long drawn, long perEpoch, double secondsSinceLast) {
        return switch (unit) {
            case STEPS -> iteration % (long) amount == 0;
            case EPOCHS -> drawn == perEpoch && (epochIndex + 1) % (long) amount == 0;
            case SECONDS -> secondsSinceLast >= amount;
            case NONE -> false;
        };
    }
}
