package dev.steepest.spark.compare;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steepest.spark.report.Chart;
import dev.steepest.spark.report.HtmlPage;
import dev.steepest.spark.report.RunData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;

/**
 * What {@code steepest compare} shows: the console table (one block per headline metric: n, mean, std, min, max
 * per configuration; the best configuration; the paired t-tests on the metric it was chosen by) and
 * {@code compare.html} in the report's style (the same tables, every run's loss curves, and per configuration the
 * mean curve with its ± 1 std band).
 */
final class ComparePage {
    private ComparePage() {
    }

    /** The metrics the tables show, those the runs have: losses, accuracies, epochs to the target. */
    @SuppressWarnings("unchecked")
    static List<String> headline(Map<String, Object> comparison) {
        java.util.Set<String> present = new java.util.LinkedHashSet<>();
        for (Map<String, Object> c : (List<Map<String, Object>>) comparison.get("configurations")) {
            present.addAll(((Map<String, Object>) c.get("metrics")).keySet());
        }
        List<String> out = new ArrayList<>(List.of(Comparison.TRAIN_LOSS));
        for (String section : List.of("validation", "test")) {
            for (String k : List.of("log_loss", "hinge_loss", "huber_loss", "rmse")) {
                if (present.contains(section + "." + k)) {
                    out.add(section + "." + k);
                    break;
                }
            }
            if (present.contains(section + ".accuracy")) out.add(section + ".accuracy");
        }
        if (present.contains("epochs_to_target")) out.add("epochs_to_target");
        return out;
    }

    @SuppressWarnings("unchecked")
    static String text(Map<String, Object> comparison, Map<String, Object> timing) {
        StringBuilder s = new StringBuilder();
        List<Map<String, Object>> configs = (List<Map<String, Object>>) comparison.get("configurations");
        int width = Math.max(14, configs.stream().mapToInt(c -> c.get("label").toString().length()).max().orElse(0));
        String row = "  %-" + width + "s %3s %12s %12s %12s %12s%n";
        List<String> metrics = new ArrayList<>(headline(comparison));
        metrics.addAll(List.of("wall_seconds", "train_seconds"));
        for (String metric : metrics) {
            s.append(metric.equals("epochs_to_target") ? "epochs to reach training loss "
                    + ((Map<String, Object>) comparison.get("command")).get("target_loss") : metric).append('\n');
            s.append(String.format(Locale.ROOT, row, "configuration", "n", "mean", "std", "min", "max"));
            for (int i = 0; i < configs.size(); i++) {
                Map<String, Object> st = Comparison.TIMING.contains(metric)
                        ? (Map<String, Object>) ((List<Map<String, Object>>) timing.get("configurations")).get(i).get(metric)
                        : (Map<String, Object>) ((Map<String, Object>) configs.get(i).get("metrics")).get(metric);
                if (st == null) continue;
                s.append(String.format(Locale.ROOT, row, configs.get(i).get("label"), st.get("n"), num(st.get("mean")),
                        num(st.get("std")), num(st.get("min")), num(st.get("max"))));
            }
        }
        Map<String, Object> best = (Map<String, Object>) comparison.get("best");
        s.append(bestLine(best)).append('\n');
        s.append("paired t-tests on ").append(best.get("by")).append(" (a - b over the seeds both have):\n");
        for (Map<String, Object> t : (List<Map<String, Object>>) comparison.get("t_tests")) {
            if (!t.get("metric").equals(best.get("by"))) continue;
            s.append(String.format(Locale.ROOT, "  %s vs %s: n %s, mean difference %s, t %s, p %s%s%n", t.get("a"),
                    t.get("b"), t.get("n"), num(t.get("mean_difference")), num(t.get("t")), num(t.get("p_value")),
                    t.containsKey("note") ? " (" + t.get("note") + ")" : ""));
        }
        return s.toString();
    }

    @SuppressWarnings("unchecked")
    static String bestLine(Map<String, Object> best) {
        if (best.get("label") == null) return "best: none (no configuration has a finite " + best.get("by") + ")";
        String line = "best by " + best.get("by") + ": " + best.get("label") + " (" + num(best.get("mean"))
                + (best.get("std") == null ? "" : " ± " + num(best.get("std"))) + ")";
        if (best.get("fallback") != null) line += "; " + best.get("fallback");
        Map<String, String> grid = (Map<String, String>) best.get("grid");
        if (grid != null && !grid.isEmpty()) {
            StringBuilder sets = new StringBuilder();
            grid.forEach((k, v) -> sets.append(" --set ").append(k).append('=').append(v));
            line += "; use" + sets + " with " + best.get("config");
        }
        return line;
    }

    static String num(Object v) {
        if (v == null) return "-";
        if (v instanceof Double d) return String.format(Locale.ROOT, "%.5g", d);
        return v.toString();
    }

    @SuppressWarnings("unchecked")
    static HtmlPage page(Map<String, Object> comparison, Map<String, Object> timing,
                         List<Comparison.ConfigurationRuns> all) {
        List<Map<String, Object>> configs = (List<Map<String, Object>>) comparison.get("configurations");
        HtmlPage page = new HtmlPage("steepest compare: " + configs.size() + " configurations x "
                + ((Map<String, Object>) comparison.get("command")).get("seeds") + " seeds");
        Map<String, Object> best = (Map<String, Object>) comparison.get("best");
        page.heading("Best").paragraph(bestLine(best), "fine");
        List<String> metrics = headline(comparison);
        List<String> header = new ArrayList<>(List.of("configuration", "runs", "diverged"));
        for (String m : metrics) {
            header.add(m + " mean ± std");
            header.add(m + " min … max");
        }
        header.add("wall s mean ± std");
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            Map<String, Object> c = configs.get(i);
            List<Object> r = new ArrayList<>(List.of(c.get("label"), ((List<?>) c.get("runs")).size(), c.get("diverged")));
            for (String m : metrics) {
                Map<String, Object> st = (Map<String, Object>) ((Map<String, Object>) c.get("metrics")).get(m);
                r.add(st == null ? "" : num(st.get("mean")) + (st.get("std") == null ? "" : " ± " + num(st.get("std"))));
                r.add(st == null ? "" : num(st.get("min")) + " … " + num(st.get("max")));
            }
            Map<String, Object> w = (Map<String, Object>) ((List<Map<String, Object>>) timing.get("configurations"))
                    .get(i).get("wall_seconds");
            r.add(num(w.get("mean")) + (w.get("std") == null ? "" : " ± " + num(w.get("std"))));
            rows.add(r);
        }
        page.heading("Configurations (over seeds " + ((Map<String, Object>) comparison.get("command")).get("seed_list")
                + ")").table(header, rows);
        List<List<Object>> tests = new ArrayList<>();
        for (Map<String, Object> t : (List<Map<String, Object>>) comparison.get("t_tests")) {
            if (!metrics.contains((String) t.get("metric"))) continue;
            tests.add(Arrays.asList(t.get("metric"), t.get("a"), t.get("b"), t.get("n"), t.get("mean_difference"),
                    t.get("t"), t.get("p_value"), t.getOrDefault("note", "")));
        }
        page.heading("Paired t-tests (a − b over the shared seeds; Commons Math TTest)").table(
                List.of("metric", "a", "b", "n", "mean difference", "t", "p-value", "note"), tests);
        page.charts(charts(all));
        page.data("compare", Map.of("configurations", configs.stream().map(c -> c.get("label")).toList()));
        return page;
    }

    /** Per-epoch curves: every run, and per configuration the mean with a ± 1 std band (over the runs at that epoch). */
    static List<Chart> charts(List<Comparison.ConfigurationRuns> all) {
        List<Chart> out = new ArrayList<>();
        for (String what : List.of("training", "validation")) {
            String id = what.equals("training") ? "train-loss" : "validation-loss";
            Chart runs = new Chart(id + "-runs", (what.equals("training") ? "Training" : "Validation")
                    + " loss per epoch, every run", "epoch", "loss", false);
            Chart mean = new Chart(id + "-mean", (what.equals("training") ? "Training" : "Validation")
                    + " loss per epoch: mean and ± 1 std band per configuration", "epoch", "loss", false);
            for (Comparison.ConfigurationRuns c : all) {
                Map<Double, DescriptiveStatistics> at = new TreeMap<>();
                for (Comparison.Run r : c.runs()) {
                    List<double[]> pts = new ArrayList<>();
                    for (JsonNode e : r.data().epochs()) {
                        double y = what.equals("training") ? RunData.num(e, "loss")
                                : RunData.num(e.path("validation"), "loss");
                        if (!Double.isFinite(y)) continue;
                        double x = RunData.num(e, "epoch");
                        pts.add(new double[] {x, y});
                        at.computeIfAbsent(x, k -> new DescriptiveStatistics()).addValue(y);
                    }
                    runs.add(c.configuration().label() + " seed " + r.seed(), Chart.Kind.LINE, pts);
                }
                double[] x = at.keySet().stream().mapToDouble(Double::doubleValue).toArray();
                double[] m = new double[x.length];
                double[] hi = new double[x.length];
                double[] lo = new double[x.length];
                int i = 0;
                for (DescriptiveStatistics d : at.values()) {
                    m[i] = d.getMean();
                    double sd = d.getN() < 2 ? Double.NaN : d.getStandardDeviation();
                    hi[i] = m[i] + sd;
                    lo[i] = m[i] - sd;
                    i++;
                }
                String l = c.configuration().label();
                mean.add(l + " mean", Chart.Kind.LINE, x, m);
                mean.add(l + " mean + std", Chart.Kind.BAND, x, hi);
                mean.add(l + " mean − std", Chart.Kind.BAND, x, lo);
            }
            if (!runs.isEmpty()) {
                out.add(runs);
                out.add(mean);
            }
        }
        return out;
    }
}
