package dev.steepest.spark.lrfind;

import dev.steepest.core.optim.LrScaling;
import dev.steepest.core.train.LrRangeTest;
import dev.steepest.spark.InputError;
import dev.steepest.spark.cli.ExitCode;
import dev.steepest.spark.cli.Main;
import dev.steepest.spark.config.ConfigLoader;
import dev.steepest.spark.config.ConfigSchema;
import dev.steepest.spark.config.JobConfig;
import dev.steepest.spark.job.SparkSessions;
import dev.steepest.spark.job.TrainJob;
import dev.steepest.spark.job.TrainingInputs;
import dev.steepest.spark.output.Json;
import dev.steepest.spark.output.RunDirectory;
import dev.steepest.spark.report.CommandLine;
import java.io.File;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * {@code steepest lr-find --config FILE [--min 1e-6] [--max 10] [--steps 100]}: the learning-rate range test
 * ({@link LrRangeTest}) on the config's data, model, optimizer and batch size, run by {@link TrainJob} as any
 * training run (same reading, blocks, kernels and step modes) with the test's schedule in place of the config's and
 * the test as a listener that ends the run. Writes {@code lr-find.json} and {@code lr-find.html} into the output
 * directory (by {@link RunDirectory}'s rules, as {@code train}) and prints the suggested {@code --set optimizer.lr}.
 */
public final class LrFindCommand {
    public static final String USAGE = "steepest lr-find --config FILE [--min 1e-6] [--max 10] [--steps 100] "
            + "[--set key=value]... [--out DIR] [--overwrite] [--verbose]";

    /**
     * What the test changes in the config: a fixed number of steps and nothing else that ends the run, no held-out
     * sets or checkpoints, and the rate exactly the test's (no scaling rule, warmup, line search or schedule; the
     * schedule keys are unset).
     */
    static final List<String> UNSET = List.of("train.epochs", "train.tolerance.loss-change",
            "train.tolerance.gradient-norm", "train.tolerance.parameter-change", "train.early-stopping.patience",
            "train.early-stopping.min-delta", "train.on-divergence", "train.max-backoffs", "train.lr-scaling",
            "train.warmup-epochs", "train.averaging", "train.averaging-start-epoch", "data.test", "data.validation",
            "data.validation-fraction", "output.dir", "train.line-search", "train.armijo.c1", "train.armijo.shrink",
            "train.checkpoint.every", "train.checkpoint.dir", "train.checkpoint.keep");

    private LrFindCommand() {
    }

    /** The checked arguments. */
    record Args(String config, double min, double max, int steps, List<String> sets, String out, boolean overwrite) {
    }

    static Args parse(String[] args) {
        CommandLine cli = CommandLine.parse(args, USAGE, Set.of("--config", "--min", "--max", "--steps", "--set",
                "--out"), Set.of("--overwrite", "--verbose"));
        if (!cli.positional().isEmpty()) {
            throw new InputError("lr-find: unexpected argument '" + cli.positional().get(0) + "'; usage: " + USAGE);
        }
        String config = cli.value("--config", null);
        if (config == null) throw new InputError("lr-find: --config FILE is required; usage: " + USAGE);
        double min = positive(cli, "--min", 1e-6);
        double max = positive(cli, "--max", 10);
        if (!(min < max)) {
            throw new InputError("lr-find: --min " + cli.value("--min", "1e-6") + " must be below --max "
                    + cli.value("--max", "10"));
        }
        String s = cli.value("--steps", "100");
        int steps;
        try {
            steps = Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new InputError("lr-find: --steps " + s + ": not a whole number");
        }
        if (steps < 2) throw new InputError("lr-find: --steps " + s + ": at least 2 steps are needed");
        return new Args(config, min, max, steps, cli.values("--set"), cli.value("--out", null),
                cli.flags().contains("--overwrite"));
    }

    private static double positive(CommandLine cli, String name, double fallback) {
        double v = cli.number("lr-find", name, fallback);
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new InputError("lr-find: " + name + " " + cli.value(name, "") + ": must be a finite rate > 0");
        }
        return v;
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return CommandLine.reportingErrors(args, err, () -> {
            long start = System.nanoTime();
            Args a = parse(args);
            File file = new File(a.config());
            JobConfig user = ConfigLoader.load(file, a.sets()); // the config as train reads it: its errors first
            if ("lbfgs".equals(user.string("optimizer.name"))) {
                throw new InputError("optimizer.name: lbfgs takes no learning rate (its line search picks the "
                        + "steps); lr-find needs a first-order optimizer");
            }
            JobConfig cfg = ConfigLoader.load(file, overrides(a));
            Path outDir = a.out() != null ? Paths.get(a.out()) : Paths.get("runs", file.getName()
                    .replaceAll("\\.(conf|hocon|json|properties)$", "") + "-lr-find-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            RunDirectory.check(outDir, a.overwrite());
            Main.checkInputsExist(cfg);
            SparkSession spark = SparkSessions.create(cfg);
            RunDirectory dir = null;
            try {
                dir = RunDirectory.open(outDir, a.overwrite());
                LrRangeTest test = new LrRangeTest(a.min(), a.max(), a.steps());
                out.println("lr-find: " + a.steps() + " steps, lr from " + short3(a.min()) + " to " + short3(a.max())
                        + " (x" + short3(Math.pow(a.max() / a.min(), 1.0 / (a.steps() - 1))) + " a step); stops once "
                        + "the smoothed loss exceeds 4x its best");
                TrainJob.Outcome o = TrainJob.run(spark, cfg, TrainingInputs.FILES, null, out, start, List.of(test),
                        null, opts -> opts.withSchedule(test.scheduleFactory()));
                long batch = o.result().plan().batchSize();
                double scale = LrScaling.parse(user.string("train.lr-scaling")).factor(batch,
                        user.longValue("train.reference-batch-size"));
                LrFindResult r = new LrFindResult(a, file.getName(), test, o.result().stopReason(), batch, scale,
                        user);
                Json.write(dir.file("lr-find.json"), r.json());
                r.page().write(dir.file("lr-find.html"));
                dir.commit();
                r.describe().forEach(out::println);
                out.println("outputs: " + dir.target() + " (lr-find.json, lr-find.html)");
                if (Double.isNaN(r.suggested())) {
                    err.println("steepest: error: lr-find: only " + test.points().size() + " steps before the loss "
                            + "exploded: too few to read a slope; lower --min");
                    return ExitCode.INPUT;
                }
                return ExitCode.OK;
            } finally {
                if (dir != null) dir.abort();
                spark.stop();
            }
        });
    }

    /** The user's --set overrides, then the test's: a fixed number of steps, and the keys of {@link #UNSET} unset. */
    static List<String> overrides(Args a) {
        List<String> sets = new ArrayList<>(a.sets());
        sets.add("train.max-iterations=" + a.steps());
        sets.add("optimizer.lr=" + a.min());
        for (String k : UNSET) sets.add(k + "=null");
        for (String k : ConfigSchema.keys().keySet()) if (k.startsWith("schedule.")) sets.add(k + "=null");
        return sets;
    }

    static String short3(double v) {
        return dev.steepest.core.train.DivergencePolicy.shortNumber(v, 3);
    }
}
