package dev.steepest.spark.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One chart of a report as the page's data island holds it: an x axis shared by its series (the sorted union of
 * their x values, so runs of different lengths overlay) and each series' y values aligned to it, null where the
 * series has no point (and, on a log scale, where the value is not positive). The page hands these arrays to
 * uPlot as they are.
 */
public final class Chart {
    /**
     * How a series is drawn: a line, a dashed line (thresholds, validation), points only (marked events), or one
     * bound of a shaded band: two consecutive {@code BAND} series (upper, then lower) enclose it, in the colour of
     * the series before them (a mean and its ± std band).
     */
    public enum Kind { LINE, DASH, POINTS, BAND }

    /** {@code colour}: an index into the page's palette shared by related series (the runs of one configuration); -1: by position. */
    private record Series(String label, Kind kind, double[] x, double[] y, int colour) {
    }

    private final String id;
    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final boolean log;
    private boolean logX;
    private final List<Series> series = new ArrayList<>();

    public Chart(String id, String title, String xLabel, String yLabel, boolean log) {
        this.id = id;
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.log = log;
    }

    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    /** Draws the x axis on a log scale (x values must then be positive: lr-find's rates). */
    public Chart logX() {
        logX = true;
        return this;
    }

    public Chart add(String label, Kind kind, double[] x, double[] y) {
        return add(label, kind, x, y, -1);
    }

    /** A series drawn in palette colour {@code colour} (series with the same one belong together). */
    public Chart add(String label, Kind kind, double[] x, double[] y, int colour) {
        if (x.length != y.length) throw new IllegalArgumentException(label + ": " + x.length + " x, " + y.length + " y");
        if (x.length > 0) series.add(new Series(label, kind, x, y, colour));
        return this;
    }

    public Chart add(String label, Kind kind, List<double[]> points) {
        return add(label, kind, points, -1);
    }

    public Chart add(String label, Kind kind, List<double[]> points, int colour) {
        double[] x = new double[points.size()];
        double[] y = new double[points.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = points.get(i)[0];
            y[i] = points.get(i)[1];
        }
        return add(label, kind, x, y, colour);
    }

    public boolean isEmpty() {
        return series.stream().allMatch(s -> s.kind() == Kind.POINTS || s.kind() == Kind.DASH || s.kind() == Kind.BAND);
    }

    /** The island's object: {@code id, title, x_label, y_label, log, x, series: [{label, kind, values, points}]}. */
    public Map<String, Object> toJson() {
        TreeSet<Double> xs = new TreeSet<>();
        for (Series s : series) for (double v : s.x()) if (Double.isFinite(v)) xs.add(v);
        List<Double> x = new ArrayList<>(xs);
        Map<Double, Integer> at = new LinkedHashMap<>();
        for (int i = 0; i < x.size(); i++) at.put(x.get(i), i);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Series s : series) {
            Double[] values = new Double[x.size()];
            int points = 0;
            for (int i = 0; i < s.x().length; i++) {
                double v = s.y()[i];
                if (!Double.isFinite(s.x()[i]) || !Double.isFinite(v) || (log && v <= 0)) continue;
                if (values[at.get(s.x()[i])] == null) points++;
                values[at.get(s.x()[i])] = v;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("label", s.label());
            m.put("kind", s.kind().name().toLowerCase(java.util.Locale.ROOT));
            m.put("values", values);
            m.put("points", points);
            if (s.colour() >= 0) m.put("colour", s.colour());
            out.add(m);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("title", title);
        m.put("x_label", xLabel);
        m.put("y_label", yLabel);
        m.put("log", log);
        if (logX) m.put("x_log", true);
        m.put("x", x);
        m.put("series", out);
        return m;
    }
}
