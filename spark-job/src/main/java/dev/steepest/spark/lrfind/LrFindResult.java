package dev.steepest.spark.lrfind;

import dev.steepest.core.train.LrRangeTest;
import dev.steepest.spark.config.JobConfig;
import dev.steepest.spark.report.Chart;
import dev.steepest.spark.report.HtmlPage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A finished range test as {@code lr-find.json}, {@code lr-find.html} and the console's lines. The suggested rate
 * is the steepest descent of the smoothed loss; the minimum's rate / 10 is given beside it. Both are rates the
 * steps used; {@code optimizer_lr} is the value to set, which the config's {@code train.lr-scaling} rule then
 * scales by {@code lr_scale} (1 without a rule) to the same rate.
 */
final class LrFindResult {
    private final LrFindCommand.Args args;
    private final String configName;
    private final LrRangeTest test;
    private final String stopReason;
    private final long batch;
    private final double scale;
    private final JobConfig user;
    private final LrRangeTest.Suggestions s;

    LrFindResult(LrFindCommand.Args args, String configName, LrRangeTest test, String stopReason, long batch,
                 double scale, JobConfig user) {
        this.args = args;
        this.configName = configName;
        this.test = test;
        this.stopReason = stopReason;
        this.batch = batch;
        this.scale = scale;
        this.user = user;
        this.s = test.suggestions();
    }

    /** The suggested rate of the steps (NaN when the curve was too short). */
    double suggested() {
        return s.steepest();
    }

    /** The value of optimizer.lr that gives the suggested rate under the config's scaling rule. */
    double optimizerLr() {
        return s.steepest() / scale;
    }

    String setLine() {
        return "--set optimizer.lr=" + LrFindCommand.short3(optimizerLr());
    }

    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("config", args.config());
        m.put("model", user.modelType().configName());
        m.put("optimizer", user.string("optimizer.name"));
        m.put("batch_size", batch);
        m.put("min", args.min());
        m.put("max", args.max());
        m.put("steps", args.steps());
        m.put("smoothing", 0.98);
        m.put("stop_factor", 4.0);
        m.put("steps_run", test.points().size());
        m.put("stop_reason", stopReason);
        List<Map<String, Object>> points = new ArrayList<>();
        for (LrRangeTest.Point p : test.points()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("step", p.step());
            e.put("lr", p.lr());
            e.put("loss", p.loss());
            e.put("smoothed_loss", p.smoothedLoss());
            points.add(e);
        }
        m.put("points", points);
        Map<String, Object> sug = new LinkedHashMap<>();
        sug.put("steepest", suggestion(s.steepest(), s.steepestIndex()));
        sug.put("minimum", suggestion(s.minimum(), s.minimumIndex()));
        sug.put("minimum_over_10", suggestion(s.minimumOver10(), -1));
        m.put("suggestions", sug);
        m.put("suggested_lr", s.steepest());
        m.put("lr_scale", scale);
        m.put("optimizer_lr", optimizerLr());
        m.put("set", Double.isNaN(s.steepest()) ? null : setLine());
        return m;
    }

    private Map<String, Object> suggestion(double lr, int index) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lr", lr);
        m.put("optimizer_lr", lr / scale);
        if (index >= 0) {
            LrRangeTest.Point p = test.points().get(index);
            m.put("step", p.step());
            m.put("smoothed_loss", p.smoothedLoss());
        }
        return m;
    }

    /** The console's summary lines. */
    List<String> describe() {
        List<String> out = new ArrayList<>();
        List<LrRangeTest.Point> pts = test.points();
        String end = pts.isEmpty() ? "" : " at lr " + LrFindCommand.short3(pts.get(pts.size() - 1).lr());
        out.add("lr-find: " + pts.size() + " of " + args.steps() + " steps; "
                + (LrRangeTest.STOP_REASON.equals(stopReason) ? "stopped: the smoothed loss exceeded 4x its best" + end
                : "diverged".equals(stopReason) ? "stopped: the loss diverged" + end
                : "the loss did not blow up up to --max " + LrFindCommand.short3(args.max())
                        + " (a larger --max shows where it does)"));
        if (Double.isNaN(s.steepest())) return out;
        out.add("lr-find: steepest descent of the smoothed loss at lr " + LrFindCommand.short3(s.steepest())
                + "; its minimum at lr " + LrFindCommand.short3(s.minimum()) + ", / 10 = "
                + LrFindCommand.short3(s.minimumOver10()));
        String scaled = scale == 1.0 ? "" : " (the config's train.lr-scaling " + user.string("train.lr-scaling")
                + " multiplies it by " + LrFindCommand.short3(scale) + " at batch " + batch + ")";
        out.add("lr-find: suggested rate " + LrFindCommand.short3(s.steepest()) + ": " + setLine() + scaled);
        return out;
    }

    HtmlPage page() {
        HtmlPage page = new HtmlPage("steepest lr-find " + configName);
        List<String> lines = describe();
        for (String l : lines) page.paragraph(l.substring("lr-find: ".length()), "diagnosis");
        page.heading("Suggestions").table(List.of("rule", "lr", "optimizer.lr", "smoothed loss there"),
                List.of(row("steepest descent of the smoothed loss (suggested)", s.steepest(), s.steepestIndex()),
                        row("minimum of the smoothed loss", s.minimum(), s.minimumIndex()),
                        row("minimum / 10", s.minimumOver10(), -1)));
        int n = test.points().size();
        double[] lr = new double[n];
        double[] loss = new double[n];
        double[] smooth = new double[n];
        for (int i = 0; i < n; i++) {
            LrRangeTest.Point p = test.points().get(i);
            lr[i] = p.lr();
            loss[i] = p.loss();
            smooth[i] = p.smoothedLoss();
        }
        Chart chart = new Chart("lr-find", "loss against the learning rate", "learning rate", "batch loss", false)
                .logX()
                .add("loss", Chart.Kind.LINE, lr, loss)
                .add("smoothed loss", Chart.Kind.LINE, lr, smooth);
        if (s.steepestIndex() >= 0) {
            chart.add("steepest descent", Chart.Kind.POINTS, new double[] {s.steepest()},
                    new double[] {smooth[s.steepestIndex()]});
            chart.add("minimum", Chart.Kind.POINTS, new double[] {s.minimum()},
                    new double[] {smooth[s.minimumIndex()]});
        }
        page.charts(List.of(chart));
        page.heading("Settings").table(List.of("setting", "value"), Arrays.asList(
                List.of("config", args.config()), List.of("model.type", user.modelType().configName()),
                List.of("optimizer.name", user.string("optimizer.name")), List.of("batch size", batch),
                List.of("--min", args.min()), List.of("--max", args.max()), List.of("--steps", args.steps()),
                List.of("smoothing", 0.98), List.of("stop factor", 4.0), List.of("stop reason", stopReason)));
        page.data("lr_find", Map.of("steps_run", n, "suggested_lr", s.steepest()));
        return page;
    }

    private List<Object> row(String rule, double lr, int index) {
        return Arrays.asList(rule, lr, lr / scale, index < 0 ? null : test.points().get(index).smoothedLoss());
    }
}
