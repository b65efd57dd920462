package dev.steepest.spark.cli;

import dev.steepest.spark.InputError;
import java.util.ArrayList;
import java.util.List;

/**
 * The arguments of {@code steepest predict} and {@code steepest evaluate}:
 * {@code --model RUN_DIR --data PATH [--out PATH] [--format parquet|csv] [--keep COL,...] [--set data.*=...]
 * [--overwrite] [--verbose]} ({@code --format} and {@code --keep} for predict only).
 */
record ScoringArgs(String command, String model, String data, String out, String format, List<String> keep,
                   List<String> sets, boolean overwrite, boolean verbose) {
    static final String USAGE = String.join("\n",
            "usage: steepest predict --model RUN_DIR --data PATH [--out PATH] [--format parquet|csv] [--keep COL,...]",
            "                        [--set data.KEY=value]... [--overwrite] [--verbose]",
            "       steepest evaluate --model RUN_DIR --data PATH [--out FILE] [--set data.KEY=value]... [--verbose]",
            "",
            "  --model RUN_DIR   a training run's output directory (or its model.json)",
            "  --data PATH       data to score, read with training's data settings (path, glob or URI)",
            "  --out PATH        predict: where to write (default RUN_DIR/predictions);",
            "                    evaluate: the metrics file (default RUN_DIR/evaluation.json)",
            "  --format F        predict: parquet (default) or csv",
            "  --keep COL,...    predict: input columns written with the predictions (default: every column that",
            "                    is not a feature)",
            "  --set data.KEY=v  override a data setting of training (e.g. data.on-bad-record=skip)",
            "  --set spark.KEY=v a Spark setting for scoring (e.g. spark.hadoop.fs.s3a.secret.key, which model.json",
            "                    records redacted); spark.hadoop.* keys also reach the FileSystem that reads --model");

    static ScoringArgs parse(String[] args) {
        String command = args[0];
        String model = null;
        String data = null;
        String out = null;
        String format = null;
        List<String> keep = null;
        List<String> sets = new ArrayList<>();
        boolean overwrite = false;
        boolean verbose = false;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--model" -> model = value(args, ++i, a);
                case "--data" -> data = value(args, ++i, a);
                case "--out" -> out = value(args, ++i, a);
                case "--format" -> format = value(args, ++i, a);
                case "--keep" -> keep = List.of(value(args, ++i, a).split("\\s*,\\s*"));
                case "--set" -> sets.add(value(args, ++i, a));
                case "--overwrite" -> overwrite = true;
                case "--verbose" -> verbose = true;
                default -> throw new InputError(command + ": unknown argument '" + a + "'; see 'steepest --help'");
            }
        }
        if (model == null) throw new InputError(command + ": --model RUN_DIR is required");
        if (data == null) throw new InputError(command + ": --data PATH is required");
        boolean predict = command.equals("predict");
        if (!predict && (format != null || keep != null)) {
            throw new InputError("evaluate: --format and --keep apply to predict only");
        }
        if (format != null && !format.equals("parquet") && !format.equals("csv")) {
            throw new InputError("--format: '" + format + "' is not allowed; expected parquet or csv");
        }
        return new ScoringArgs(command, model, data, out, format == null ? "parquet" : format, keep, List.copyOf(sets),
                overwrite, verbose);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) throw new InputError(option + " needs a value");
        return args[i];
    }
}
