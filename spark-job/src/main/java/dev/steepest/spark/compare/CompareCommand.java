package dev.steepest.spark.compare;

import dev.steepest.spark.InputError;
import dev.steepest.spark.cli.ExitCode;
import dev.steepest.spark.cli.Main;
import dev.steepest.spark.config.ConfigLoader;
import dev.steepest.spark.config.JobConfig;
import dev.steepest.spark.job.SparkSessions;
import dev.steepest.spark.job.TrainJob;
import dev.steepest.spark.output.Json;
import dev.steepest.spark.output.RunDirectory;
import dev.steepest.spark.report.CommandLine;
import dev.steepest.spark.report.RunData;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.SparkSession;

/**
 * {@code steepest compare}: every configuration (config file x grid point) trained once per seed, sequentially in one
 * Spark application whose cached data sets serve every run with the same data settings ({@link SharedInputs}). Each
 * run writes its usual run directory, {@code DIR/<configuration>/seed-<s>}; then {@code DIR/compare.json} (the
 * statistics of {@link Comparison}, wall-clock figures apart under {@code timing}) and {@code DIR/compare.html}. Every
 * config is read and checked before Spark starts: bad input is one line and exit 2.
 */
public final class CompareCommand {
    private CompareCommand() {
    }

    /** One planned run: its configuration, seed and validated config. */
    private record Planned(CompareArgs.Configuration configuration, long seed, JobConfig cfg) {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return CommandLine.reportingErrors(args, err, () -> {
            long start = System.nanoTime();
            CompareArgs a = CompareArgs.parse(args);
            List<CompareArgs.Configuration> configurations = a.configurations();
            List<Planned> plan = plan(a, configurations);
            RunDirectory.check(a.out(), a.overwrite());
            for (Planned p : plan) Main.checkInputsExist(p.cfg());
            out.println("compare: " + configurations.size() + " configurations x " + a.seeds() + " seeds = "
                    + plan.size() + " runs into " + a.out());
            List<Comparison.ConfigurationRuns> done = train(a, configurations, plan, out);
            Map<String, Object> comparison = Comparison.of(done, command(a), a.targetLoss());
            Map<String, Object> timing = Comparison.timing(done, (System.nanoTime() - start) / 1e9);
            Map<String, Object> json = new LinkedHashMap<>(comparison);
            json.put("timing", timing);
            Json.write(a.out().resolve("compare.json"), json);
            ComparePage.page(comparison, timing, done).write(a.out().resolve("compare.html"));
            out.print(ComparePage.text(comparison, timing));
            out.println(String.format(Locale.ROOT, "compare: %d runs in %.1f s; %s, %s", plan.size(),
                    (Double) timing.get("total_seconds"), a.out().resolve("compare.json"),
                    a.out().resolve("compare.html")));
            return ExitCode.OK;
        });
    }

    /** Reads and checks every run's config; errors name the config file, the --set or the --grid value. */
    private static List<Planned> plan(CompareArgs a, List<CompareArgs.Configuration> configurations) {
        Map<String, JobConfig> plain = new LinkedHashMap<>();
        for (String c : a.configs()) {
            plain.computeIfAbsent(c, k -> ConfigLoader.load(new File(k), new CompareArgs.Configuration("", k,
                    Map.of()).overrides(a.sets(), 1)));
        }
        List<Planned> plan = new ArrayList<>();
        JobConfig first = null;
        for (CompareArgs.Configuration c : configurations) {
            for (long seed : a.seedList()) {
                JobConfig cfg;
                try {
                    cfg = ConfigLoader.load(new File(c.config()), c.overrides(a.sets(), seed));
                } catch (InputError e) {
                    throw new InputError("compare: --grid " + c.point() + " with " + c.config() + ": " + e.getMessage());
                }
                if (first == null) first = cfg;
                sameSpark(first, cfg, c);
                plan.add(new Planned(c, seed, cfg));
            }
        }
        return plan;
    }

    /** One Spark application runs every configuration: their Spark settings must agree. */
    private static void sameSpark(JobConfig first, JobConfig cfg, CompareArgs.Configuration c) {
        if (!Objects.equals(first.string("spark.master"), cfg.string("spark.master"))) {
            throw new InputError("compare: spark.master of " + c.config() + " (" + cfg.string("spark.master")
                    + ") differs from the first config's (" + first.string("spark.master") + "); one Spark application "
                    + "runs every configuration");
        }
        Map<String, String> x = first.sparkSettings();
        Map<String, String> y = cfg.sparkSettings();
        for (String k : new java.util.TreeSet<>(union(x.keySet(), y.keySet()))) {
            if (!Objects.equals(x.get(k), y.get(k))) {
                throw new InputError("compare: " + k + " of " + c.config() + " differs from the first config's; one "
                        + "Spark application runs every configuration, with one set of spark.* settings");
            }
        }
    }

    private static java.util.Set<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        java.util.Set<String> s = new java.util.HashSet<>(a);
        s.addAll(b);
        return s;
    }

    private static List<Comparison.ConfigurationRuns> train(CompareArgs a, List<CompareArgs.Configuration> configurations,
                                                            List<Planned> plan, PrintStream out) {
        mkdirs(a.out());
        Map<CompareArgs.Configuration, List<Comparison.Run>> runs = new LinkedHashMap<>();
        for (CompareArgs.Configuration c : configurations) runs.put(c, new ArrayList<>());
        SparkSession spark = SparkSessions.create(plan.get(0).cfg());
        try (SharedInputs inputs = new SharedInputs()) {
            for (int i = 0; i < plan.size(); i++) {
                Planned p = plan.get(i);
                inputs.retainOnly(plan.subList(i, plan.size()).stream().map(q -> SharedInputs.DataKey.training(q.cfg()))
                        .toList());
                String rel = p.configuration().dirName() + "/seed-" + p.seed();
                out.println("compare: run " + (i + 1) + "/" + plan.size() + ": " + p.configuration().label() + ", seed "
                        + p.seed() + " -> " + a.out().resolve(rel));
                RunDirectory dir = RunDirectory.open(a.out().resolve(rel), a.overwrite());
                try {
                    dev.steepest.spark.spec.TrainingSpec spec = dev.steepest.spark.spec.TrainingSpec.of(p.cfg());
                    TrainJob.run(spark, spec, inputs, dir, out, System.nanoTime(), List.of(), null);
                    dir.commit();
                    dev.steepest.spark.job.Checkpointing.afterCommit(spec.run().checkpoints(), dir.target(),
                            spark.sparkContext().hadoopConfiguration(), out::println);
                } finally {
                    dir.abort();
                }
                runs.get(p.configuration()).add(new Comparison.Run(p.seed(), rel, RunData.read(java.nio.file.Paths.get(dir.target()))));
            }
            out.println("compare: training data read " + inputs.loads() + " times, reused by " + inputs.reuses()
                    + " runs");
        } finally {
            spark.stop();
        }
        List<Comparison.ConfigurationRuns> done = new ArrayList<>();
        runs.forEach((c, r) -> done.add(new Comparison.ConfigurationRuns(c, r)));
        return done;
    }

    /** compare.json's {@code command}: what was compared (no paths of this machine beyond the configs as given). */
    private static Map<String, Object> command(CompareArgs a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("configs", a.configs());
        m.put("grid", a.grid());
        m.put("sets", a.sets());
        m.put("seeds", a.seeds());
        m.put("seed_list", a.seedList());
        m.put("target_loss", a.targetLoss());
        return m;
    }

    private static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }
}
