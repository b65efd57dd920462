package dev.steepest.spark.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The charts of {@code steepest report}, one or several runs overlaid: losses per step and per epoch, validation
 * metrics, the learning rate (warmup end, backoffs and plateau reductions marked), gradient norms before clipping
 * with the clipping threshold, per-group norms on a log scale (dead layers and divergence marked), wall clock and
 * samples/s. A chart none of the runs has data for is left out.
 */
public final class RunCharts {
    private static final Pattern DEAD = Pattern.compile("^epoch (\\d+): no gradient reached (.+?) in the whole epoch");

    private RunCharts() {
    }

    public static List<Chart> of(List<RunData> runs) {
        List<Chart> charts = new ArrayList<>();
        Chart stepLoss = new Chart("loss-step", "Training loss per step", "step", "batch loss", false);
        Chart epochLoss = new Chart("loss-epoch", "Loss per epoch", "epoch", "loss", false);
        boolean regression = runs.stream().anyMatch(r -> r.epochs().stream()
                .anyMatch(e -> e.path("validation").isObject() && !e.path("validation").has("accuracy")));
        Chart valMetric = regression
                ? new Chart("validation-metric", "Validation rmse per epoch", "epoch", "rmse", false)
                : new Chart("validation-metric", "Validation accuracy per epoch", "epoch", "accuracy", false);
        Chart lr = new Chart("lr", "Learning rate per step", "step", "rate", false);
        Chart norm = new Chart("gradient-norm", "Gradient norm before clipping", "step", "norm (log)", true);
        Chart groups = new Chart("group-norms", "Per-group gradient norms", "step", "norm (log)", true);
        Chart wall = new Chart("wall-clock", "Wall clock", "epoch", "elapsed seconds", false);
        Chart speed = new Chart("samples-per-second", "Samples per second", "epoch", "rows / s", false);
        for (RunData r : runs) {
            String p = runs.size() > 1 ? r.name() + ": " : "";
            double[] it = column(r.steps(), "iteration");
            stepLoss.add(p + "loss", Chart.Kind.LINE, it, column(r.steps(), "loss"));
            double[] ep = column(r.epochs(), "epoch");
            epochLoss.add(p + "training loss", Chart.Kind.LINE, ep, column(r.epochs(), "loss"));
            List<double[]> vLoss = new ArrayList<>();
            List<double[]> vMetric = new ArrayList<>();
            for (JsonNode e : r.epochs()) {
                JsonNode v = e.path("validation");
                if (!v.isObject()) continue;
                vLoss.add(new double[] {RunData.num(e, "epoch"), RunData.num(v, "loss")});
                vMetric.add(new double[] {RunData.num(e, "epoch"), RunData.num(v, regression ? "rmse" : "accuracy")});
            }
            epochLoss.add(p + "validation loss", Chart.Kind.DASH, vLoss);
            valMetric.add(p + (regression ? "validation rmse" : "validation accuracy"), Chart.Kind.LINE, vMetric);

            double[] rate = column(r.steps(), "lr");
            lr.add(p + "lr", Chart.Kind.LINE, it, rate);
            lr.add(p + "warmup end", Chart.Kind.POINTS, warmupEnd(r, it, rate));
            lr.add(p + "backoff", Chart.Kind.POINTS, backoffs(r, it, rate));
            if ("plateau".equals(r.setting("schedule.name"))) {
                lr.add(p + "plateau reduction", Chart.Kind.POINTS, reductions(r, it, rate));
            }

            double[] g = column(r.steps(), "gradient_norm");
            norm.add(p + "gradient norm", Chart.Kind.LINE, it, g);
            double clip = r.number("clip.norm");
            if (Double.isFinite(clip) && it.length > 0) {
                double[] c = new double[it.length];
                java.util.Arrays.fill(c, clip);
                norm.add(p + "clip.norm " + clip, Chart.Kind.DASH, it, c);
            }
            norm.add(p + "divergence", Chart.Kind.POINTS, divergence(r, it, g));
            for (Map.Entry<String, double[]> e : groupNorms(r).entrySet()) {
                groups.add(p + e.getKey(), Chart.Kind.LINE, it, e.getValue());
            }
            groups.add(p + "dead layer", Chart.Kind.POINTS, deadLayers(r, it, g));

            wall.add(p + "elapsed", Chart.Kind.LINE, ep, column(r.epochs(), "elapsed_seconds"));
            speed.add(p + "samples/s", Chart.Kind.LINE, ep, samplesPerSecond(r));
        }
        for (Chart c : List.of(stepLoss, epochLoss, valMetric, lr, norm, groups, wall, speed)) {
            if (!c.isEmpty()) charts.add(c);
        }
        return charts;
    }

    /** A numeric field of every line, NaN where it is missing or not finite. */
    static double[] column(List<JsonNode> lines, String field) {
        double[] v = new double[lines.size()];
        for (int i = 0; i < v.length; i++) v[i] = RunData.num(lines.get(i), field);
        return v;
    }

    private static Map<String, double[]> groupNorms(RunData r) {
        Map<String, double[]> m = new LinkedHashMap<>();
        for (int i = 0; i < r.steps().size(); i++) {
            JsonNode g = r.steps().get(i).path("group_gradient_norms");
            for (Iterator<String> names = g.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                double[] v = m.computeIfAbsent(name, k -> {
                    double[] a = new double[r.steps().size()];
                    java.util.Arrays.fill(a, Double.NaN);
                    return a;
                });
                v[i] = RunData.num(g, name);
            }
        }
        return m;
    }

    /** The step at which warmup ends ({@code train.warmup-epochs} x steps per epoch), on the rate curve. */
    private static List<double[]> warmupEnd(RunData r, double[] it, double[] rate) {
        double w = r.number("train.warmup-epochs");
        double spe = RunData.num(r.summary(), "steps_per_epoch");
        List<double[]> pts = new ArrayList<>();
        if (!(w > 0) || !(spe > 0)) return pts;
        long step = Math.round(w * spe);
        int i = indexOf(it, step);
        if (i >= 0) pts.add(new double[] {step, rate[i]});
        return pts;
    }

    private static List<double[]> backoffs(RunData r, double[] it, double[] rate) {
        List<double[]> pts = new ArrayList<>();
        for (JsonNode e : r.events()) {
            if (!"backoff".equals(e.path("event").asText())) continue;
            double step = RunData.num(e, "step");
            int i = indexOf(it, step);
            pts.add(new double[] {step, i >= 0 ? rate[i] : Double.NaN});
        }
        return pts;
    }

    /** Steps where the rate fell under {@code schedule.name = plateau} other than by a backoff. */
    static List<double[]> reductions(RunData r, double[] it, double[] rate) {
        java.util.Set<Double> backoffSteps = new java.util.HashSet<>();
        for (double[] b : backoffs(r, it, rate)) backoffSteps.add(b[0]);
        List<double[]> pts = new ArrayList<>();
        for (int i = 1; i < rate.length; i++) {
            if (rate[i] < rate[i - 1] * (1 - 1e-9) && !backoffSteps.contains(it[i])) pts.add(new double[] {it[i], rate[i]});
        }
        return pts;
    }

    private static List<double[]> divergence(RunData r, double[] it, double[] g) {
        List<double[]> pts = new ArrayList<>();
        if (!"diverged".equals(r.summary().path("stop_reason").asText()) || it.length == 0) return pts;
        int last = it.length - 1;
        double y = g[last];
        for (int i = last; !(Double.isFinite(y) && y > 0) && i > 0; i--) y = g[i - 1];
        pts.add(new double[] {it[last], y});
        return pts;
    }

    /** The last step of each epoch named by a dead-gradient warning in summary.json, on the norm curve. */
    private static List<double[]> deadLayers(RunData r, double[] it, double[] g) {
        List<double[]> pts = new ArrayList<>();
        for (JsonNode w : r.summary().path("warnings")) {
            Matcher m = DEAD.matcher(w.asText());
            if (!m.find()) continue;
            int epoch = Integer.parseInt(m.group(1));
            for (JsonNode e : r.epochs()) {
                if (RunData.num(e, "epoch") != epoch) continue;
                int i = indexOf(it, RunData.num(e, "iteration"));
                if (i >= 0) pts.add(new double[] {it[i], g[i] > 0 ? g[i] : Double.NaN});
            }
        }
        return pts;
    }

    /** Rows processed in each epoch over the seconds it took (the first epoch from the start of the loop). */
    private static double[] samplesPerSecond(RunData r) {
        double[] v = new double[r.epochs().size()];
        double rowsPerEpoch = RunData.num(r.summary(), "rows");
        Map<Long, Double> rows = new LinkedHashMap<>();
        for (JsonNode s : r.steps()) rows.merge((long) RunData.num(s, "epoch"), RunData.num(s, "rows"), Double::sum);
        double before = 0;
        for (int i = 0; i < v.length; i++) {
            JsonNode e = r.epochs().get(i);
            double t = RunData.num(e, "elapsed_seconds");
            double n = rows.getOrDefault((long) RunData.num(e, "epoch"), rowsPerEpoch);
            v[i] = n / Math.max(t - before, 1e-9);
            before = t;
        }
        return v;
    }

    private static int indexOf(double[] it, double step) {
        for (int i = 0; i < it.length; i++) if (it[i] == step) return i;
        return -1;
    }
}
