package dev.steepest.spark.output;

/**
 * A text sparkline: each value one of the eight block characters {@code ▁▂▃▄▅▆▇█}, scaled from the smallest value
 * (▁) to the largest (█) of the series; all values equal give ▄ throughout, and a value that is not finite
 * (a diverging loss) is {@code !}. Where the console's encoding has no block characters (a C / POSIX locale),
 * {@link #ofConsole} draws with {@value #ASCII} instead.
 */
public final class Sparkline {
    static final String BARS = "▁▂▃▄▅▆▇█";
    static final String ASCII = "_.-:=+*#";
    private static final boolean CONSOLE_UNICODE = java.nio.charset.Charset.forName(System.getProperty(
            "stdout.encoding", System.getProperty("sun.stdout.encoding",
                    java.nio.charset.Charset.defaultCharset().name()))).newEncoder().canEncode(BARS);

    private Sparkline() {
    }

    public static String of(double[] values) {
        return of(values, BARS);
    }

    /** With the block characters where the console can show them, else {@value #ASCII}. */
    public static String ofConsole(double[] values) {
        return of(values, CONSOLE_UNICODE ? BARS : ASCII);
    }

    static String of(double[] values, String bars) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            if (!Double.isFinite(v)) continue;
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        StringBuilder s = new StringBuilder(values.length);
        for (double v : values) {
            if (!Double.isFinite(v)) s.append('!');
            else if (!(hi > lo)) s.append(bars.charAt(3));
            else s.append(bars.charAt((int) Math.min(7, Math.floor((v - lo) / (hi - lo) * 8))));
        }
        return s.toString();
    }
}
