package dev.steepest.spark.cli;

import dev.steepest.spark.InputError;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code steepest train --config FILE [--set key=value]... [--out DIR] [--overwrite] [--verbose]}, or
 * {@code steepest train --resume DIR [--config FILE] [--set key=value]...}.
 */
public record CliArgs(String command, String config, List<String> sets, String out, boolean overwrite,
                      boolean verbose, boolean help, boolean report, String resume) {

    public static final String USAGE = String.join("\n",
            "usage: steepest train --config FILE [--set key=value]... [--out DIR] [--overwrite] [--report] [--verbose]",
            "       steepest train --resume DIR [--config FILE] [--set key=value]... [--out DIR] [--report] [--verbose]",
            "       " + dev.steepest.spark.report.ReportCommand.USAGE,
            "       " + dev.steepest.spark.lrfind.LrFindCommand.USAGE,
            "       " + dev.steepest.spark.compare.CompareArgs.USAGE,
            "",
            "  --config FILE     HOCON job config (see conf/ and the README's config reference)",
            "  --set key=value   override one config key (repeatable), e.g. --set optimizer.lr=0.05",
            "  --out DIR         output directory for model.json, metrics.jsonl, summary.json",
            "                    (default: output.dir, else runs/<config name>-<time>)",
            "  --overwrite       replace DIR if it exists and is not empty",
            "  --report          also write DIR/report.html (see 'steepest report')",
            "  --resume DIR      go on from the newest checkpoint of DIR (a run directory, an interrupted run's,",
            "                    or a checkpoint directory): the same model as an uninterrupted run; the config is",
            "                    the checkpoint's unless --config is given, and may change only as the README says",
            "  --verbose         stack traces on errors",
            "",
            "",
            ScoringArgs.USAGE,
            "",
            "exit codes: 0 ok, 1 internal failure, 2 bad input, 3 training diverged, 52 out of memory,",
            "            130 / 143 stopped by SIGINT / SIGTERM (the model so far written; a second signal exits at once)");

    private static final String HINT = "; see 'steepest --help'";

    public static CliArgs parse(String[] args) {
        String command = null;
        String config = null;
        String out = null;
        String resume = null;
        boolean overwrite = false;
        boolean verbose = false;
        boolean help = false;
        boolean report = false;
        List<String> sets = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-h", "--help", "help" -> help = true;
                case "--config" -> config = value(args, ++i, a);
                case "--set" -> sets.add(value(args, ++i, a));
                case "--out" -> out = value(args, ++i, a);
                case "--resume" -> resume = value(args, ++i, a);
                case "--overwrite" -> overwrite = true;
                case "--verbose" -> verbose = true;
                case "--report" -> report = true;
                default -> {
                    if (a.startsWith("--config=")) config = a.substring(9);
                    else if (a.startsWith("--set=")) sets.add(a.substring(6));
                    else if (a.startsWith("--out=")) out = a.substring(6);
                    else if (a.startsWith("--resume=")) resume = a.substring(9);
                    else if (!a.startsWith("-") && command == null) command = a;
                    else throw new InputError("unknown argument '" + a + "'" + HINT);
                }
            }
        }
        if (!help) {
            if (command == null) throw new InputError("missing sub-command" + HINT);
            if (!command.equals("train")) throw new InputError("unknown sub-command '" + command + "'" + HINT);
            if (config == null && resume == null) {
                throw new InputError("train: --config FILE (or --resume DIR) is required" + HINT);
            }
        }
        return new CliArgs(command, config, List.copyOf(sets), out, overwrite, verbose, help, report, resume);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) throw new InputError(option + " needs a value");
        return args[i];
    }
}
