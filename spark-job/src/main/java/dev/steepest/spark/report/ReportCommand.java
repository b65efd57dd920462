package dev.steepest.spark.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steepest.spark.InputError;
import dev.steepest.spark.cli.ExitCode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * {@code steepest report RUN_DIR... [--out FILE.html]}: one self-contained HTML page for one run or several
 * overlaid, from the files the runs wrote (metrics.jsonl, summary.json, model.json's config): the checklist's
 * diagnosis, a summary and test-metrics table, the charts of {@link RunCharts} and the settings (for several
 * runs, only the keys that differ). Default output: {@code RUN_DIR/report.html} for one run, else
 * {@code report.html} here. Needs no Spark.
 */
public final class ReportCommand {
    public static final String USAGE = "steepest report RUN_DIR... [--out FILE.html] [--verbose]";
    /** Settings whose values are never shown (Spark's own redaction pattern, roughly). */
    private static final Pattern SECRET = Pattern.compile("(?i)secret|password|token|credential|access\\.key");

    private ReportCommand() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return CommandLine.reportingErrors(args, err, () -> {
            CommandLine cli = CommandLine.parse(args, USAGE, Set.of("--out"), Set.of("--verbose"));
            if (cli.positional().isEmpty()) throw new InputError("report: no RUN_DIR given; usage: " + USAGE);
            List<Path> dirs = cli.positional().stream().map(Paths::get).toList();
            String o = cli.value("--out", null);
            Path file = o != null ? Paths.get(o) : dirs.size() == 1 ? dirs.get(0).resolve("report.html")
                    : Paths.get("report.html");
            write(dirs, file);
            out.println("report: " + file.toAbsolutePath());
            return ExitCode.OK;
        });
    }

    /** Reads the runs (input errors name the directory) and writes their report to {@code file}. */
    public static void write(List<Path> dirs, Path file) {
        List<RunData> runs = new ArrayList<>();
        for (Path d : dirs) runs.add(RunData.read(d));
        page(runs).write(file);
    }

    /** The report of one run read from {@code dir} under the name {@code name}, written to {@code file}. */
    public static void write(Path dir, String name, Path file) {
        page(List.of(RunData.read(dir, name))).write(file);
    }

    static HtmlPage page(List<RunData> runs) {
        HtmlPage page = new HtmlPage(runs.size() == 1 ? "steepest run " + runs.get(0).name()
                : "steepest runs: " + String.join(", ", runs.stream().map(RunData::name).toList()));
        page.heading("Diagnosis");
        List<Object> diagnoses = new ArrayList<>();
        for (RunData r : runs) {
            List<String> d = Diagnosis.of(r);
            diagnoses.add(java.util.Map.of("run", r.name(), "lines", d));
            String p = runs.size() > 1 ? r.name() + ": " : "";
            if (d.isEmpty()) page.paragraph(p + "the checklist finds nothing wrong", "fine");
            for (String line : d) page.paragraph(p + line, "diagnosis");
        }
        page.data("diagnosis", diagnoses);
        page.heading("Summary").table(List.of("run", "model", "optimizer", "stop reason", "steps", "epochs",
                "final train loss", "best validation loss (epoch)", "wall s", "train s", "samples/s", "step mode"),
                runs.stream().map(ReportCommand::summaryRow).toList());
        testTable(page, runs);
        List<Chart> charts = RunCharts.of(runs);
        page.charts(charts);
        settings(page, runs);
        page.data("runs", runs.stream().map(r -> r.dir().toString()).toList());
        return page;
    }

    private static List<Object> summaryRow(RunData r) {
        JsonNode s = r.summary();
        String best = s.path("best_validation_loss").isNumber()
                ? HtmlPage.format(s.path("best_validation_loss").doubleValue()) + " (" + s.path("best_epoch").asInt()
                + ")" : "";
        return java.util.Arrays.asList(r.name(), r.setting("model.type"), r.setting("optimizer.name"),
                s.path("stop_reason").asText(), s.path("iterations").asLong(), RunData.num(s, "epochs"),
                RunData.num(s, "final_train_loss"), best, RunData.num(s, "wall_seconds"),
                RunData.num(s, "train_seconds"), RunData.num(s, "samples_per_second"), s.path("step_mode").asText());
    }

    private static void testTable(HtmlPage page, List<RunData> runs) {
        Set<String> keys = new LinkedHashSet<>();
        for (RunData r : runs) {
            for (Iterator<String> it = r.summary().path("test").fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!k.equals("confusion_matrix")) keys.add(k);
            }
        }
        if (keys.isEmpty()) return;
        List<String> header = new ArrayList<>(List.of("run"));
        header.addAll(keys);
        List<List<Object>> rows = new ArrayList<>();
        for (RunData r : runs) {
            List<Object> row = new ArrayList<>(List.of(r.name()));
            JsonNode t = r.summary().path("test");
            for (String k : keys) {
                JsonNode v = t.path(k);
                row.add(v.isIntegralNumber() ? (Object) v.longValue() : v.isNumber() ? (Object) v.doubleValue()
                        : v.asText(""));
            }
            rows.add(row);
        }
        page.heading("Test metrics").table(header, rows);
    }

    /** The settings table: every key for one run; for several, the keys whose values differ. */
    private static void settings(HtmlPage page, List<RunData> runs) {
        Set<String> keys = new TreeSet<>();
        for (RunData r : runs) keys.addAll(r.config().keySet());
        List<String> header = new ArrayList<>(List.of("key"));
        header.addAll(runs.stream().map(RunData::name).toList());
        List<List<Object>> rows = new ArrayList<>();
        for (String k : keys) {
            List<Object> row = new ArrayList<>(List.of(k));
            Set<String> distinct = new LinkedHashSet<>();
            for (RunData r : runs) {
                String v = SECRET.matcher(k).find() && r.setting(k) != null ? "(redacted)" : r.setting(k);
                row.add(Objects.requireNonNullElse(v, "(unset)"));
                distinct.add(String.valueOf(v));
            }
            if (runs.size() == 1 || distinct.size() > 1) rows.add(row);
        }
        page.heading(runs.size() == 1 ? "Settings" : "Settings that differ");
        if (rows.isEmpty()) page.paragraph("the runs' settings are the same", "note");
        else page.table(header, rows);
    }
}
