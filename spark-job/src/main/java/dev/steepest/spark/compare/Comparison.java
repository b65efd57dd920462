package dev.steepest.spark.compare;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steepest.spark.report.RunData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;
import org.apache.commons.math3.stat.inference.TTest;

/**
 * The statistics of {@code compare.json}, computed from the runs' own {@code summary.json} and
 * {@code metrics.jsonl}: per configuration and metric the values by seed, their count, mean, sample standard
 * deviation, min and max (Commons Math {@link DescriptiveStatistics}); paired t-tests for every pair of
 * configurations and metric over the seeds both have a finite value for (Commons Math {@link TTest}); the best
 * configuration by validation loss, else by final training loss. Wall-clock figures are kept apart, in
 * {@link #timing}, so that the rest is the same for the same command.
 */
public final class Comparison {
    /** The validation metric the best configuration is chosen by, the first a run has: the model's loss, else rmse. */
    static final List<String> VALIDATION_LOSSES = List.of("validation.log_loss", "validation.hinge_loss",
            "validation.huber_loss", "validation.rmse");
    static final String TRAIN_LOSS = "final_train_loss";
    static final List<String> TIMING = List.of("wall_seconds", "train_seconds", "samples_per_second");

    /** One run of a configuration: its seed, its directory relative to the comparison's, what it wrote. */
    public record Run(long seed, String dir, RunData data) {
    }

    public record ConfigurationRuns(CompareArgs.Configuration configuration, List<Run> runs) {
    }

    private Comparison() {
    }

    /** The metrics of one run by name: {@code final_train_loss}, {@code epochs}, {@code validation.*}, {@code test.*}. */
    static Map<String, Double> metrics(RunData r, Double targetLoss) {
        Map<String, Double> m = new LinkedHashMap<>();
        JsonNode s = r.summary();
        m.put(TRAIN_LOSS, RunData.num(s, TRAIN_LOSS));
        for (String section : List.of("validation", "test")) {
            JsonNode sec = s.path(section);
            for (Iterator<String> it = sec.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (k.equals("rows") || !(sec.get(k).isNumber() || sec.get(k).isTextual())) continue;
                m.put(section + "." + k, RunData.num(sec, k));
            }
        }
        m.put("epochs", RunData.num(s, "epochs"));
        if (targetLoss != null) m.put("epochs_to_target", epochsTo(r, targetLoss));
        return m;
    }

    /** The first epoch (1-based) whose mean training loss is at most {@code target}; NaN when none is. */
    static double epochsTo(RunData r, double target) {
        for (JsonNode e : r.epochs()) {
            double loss = RunData.num(e, "loss");
            if (loss <= target) return RunData.num(e, "epoch");
        }
        return Double.NaN;
    }

    /** {@code n} (finite values), {@code mean}, {@code std} (sample; null below 2), {@code min}, {@code max}, {@code values} by seed. */
    static Map<String, Object> stats(List<Long> seeds, List<Double> values) {
        DescriptiveStatistics d = new DescriptiveStatistics();
        List<Object> byValue = new ArrayList<>();
        for (Double v : values) {
            boolean finite = v != null && Double.isFinite(v);
            if (finite) d.addValue(v);
            byValue.add(finite ? v : null);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        long n = d.getN();
        m.put("n", n);
        m.put("mean", n == 0 ? null : d.getMean());
        m.put("std", n < 2 ? null : d.getStandardDeviation());
        m.put("min", n == 0 ? null : d.getMin());
        m.put("max", n == 0 ? null : d.getMax());
        m.put("seeds", seeds);
        m.put("values", byValue);
        return m;
    }

    /** The whole of compare.json but {@code timing}. */
    public static Map<String, Object> of(List<ConfigurationRuns> all, Map<String, Object> command, Double targetLoss) {
        List<Map<String, Object>> configurations = new ArrayList<>();
        List<Map<Long, Map<String, Double>>> byConfig = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (ConfigurationRuns c : all) {
            Map<Long, Map<String, Double>> perSeed = new LinkedHashMap<>();
            for (Run r : c.runs()) perSeed.put(r.seed(), metrics(r.data(), targetLoss));
            perSeed.values().forEach(m -> names.addAll(m.keySet()));
            byConfig.add(perSeed);
        }
        for (int i = 0; i < all.size(); i++) {
            ConfigurationRuns c = all.get(i);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("label", c.configuration().label());
            m.put("config", c.configuration().config());
            m.put("grid", c.configuration().point());
            List<Map<String, Object>> runs = new ArrayList<>();
            int diverged = 0;
            for (Run r : c.runs()) {
                Map<String, Object> run = new LinkedHashMap<>();
                run.put("seed", r.seed());
                run.put("dir", r.dir());
                String stop = r.data().summary().path("stop_reason").asText();
                run.put("stop_reason", stop);
                if (stop.equals("diverged")) diverged++;
                runs.add(run);
            }
            m.put("runs", runs);
            m.put("diverged", diverged);
            Map<String, Object> metrics = new LinkedHashMap<>();
            List<Long> seeds = new ArrayList<>(byConfig.get(i).keySet());
            for (String name : names) {
                List<Double> v = new ArrayList<>();
                for (Map<String, Double> run : byConfig.get(i).values()) v.add(run.get(name));
                if (v.stream().allMatch(x -> x == null)) continue;
                metrics.put(name, stats(seeds, v));
            }
            m.put("metrics", metrics);
            configurations.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("format_version", 1);
        out.put("command", command);
        out.put("configurations", configurations);
        out.put("t_tests", tTests(all, byConfig, names));
        out.put("best", best(all, configurations));
        return out;
    }

    /** For every pair of configurations (a before b) and metric: the paired t-test of a − b over the shared seeds. */
    static List<Map<String, Object>> tTests(List<ConfigurationRuns> all, List<Map<Long, Map<String, Double>>> byConfig,
                                            Set<String> names) {
        List<Map<String, Object>> out = new ArrayList<>();
        TTest t = new TTest();
        for (String name : names) {
            for (int a = 0; a < all.size(); a++) {
                for (int b = a + 1; b < all.size(); b++) {
                    List<Long> seeds = new ArrayList<>();
                    List<double[]> pairs = new ArrayList<>();
                    for (Map.Entry<Long, Map<String, Double>> e : byConfig.get(a).entrySet()) {
                        Map<String, Double> other = byConfig.get(b).get(e.getKey());
                        Double x = e.getValue().get(name);
                        Double y = other == null ? null : other.get(name);
                        if (x == null || y == null || !Double.isFinite(x) || !Double.isFinite(y)) continue;
                        seeds.add(e.getKey());
                        pairs.add(new double[] {x, y});
                    }
                    if (pairs.isEmpty()) continue;
                    double[] x = pairs.stream().mapToDouble(p -> p[0]).toArray();
                    double[] y = pairs.stream().mapToDouble(p -> p[1]).toArray();
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("metric", name);
                    m.put("a", all.get(a).configuration().label());
                    m.put("b", all.get(b).configuration().label());
                    m.put("n", x.length);
                    m.put("seeds", seeds);
                    double diff = 0;
                    for (int i = 0; i < x.length; i++) diff += (x[i] - y[i]) / x.length;
                    m.put("mean_difference", diff);
                    if (x.length < 2) {
                        m.put("t", null);
                        m.put("p_value", null);
                        m.put("note", "fewer than 2 shared seeds");
                    } else if (constantDifference(x, y)) {
                        // no variance: t is 0/0 or infinite, and a p-value of 0 would claim more than the data says
                        m.put("t", null);
                        m.put("p_value", null);
                        m.put("note", Arrays.equals(x, y) ? "identical values for every seed"
                                : "the same difference for every seed: no variance to test");
                    } else {
                        m.put("t", t.pairedT(x, y));
                        m.put("p_value", t.pairedTTest(x, y));
                    }
                    out.add(m);
                }
            }
        }
        return out;
    }

    private static boolean constantDifference(double[] x, double[] y) {
        for (int i = 1; i < x.length; i++) if (x[i] - y[i] != x[0] - y[0]) return false;
        return true;
    }

    /** The configuration with the lowest mean validation loss (all must have it), else the lowest mean training loss. */
    static Map<String, Object> best(List<ConfigurationRuns> all, List<Map<String, Object>> configurations) {
        String by = null;
        for (String v : VALIDATION_LOSSES) {
            if (configurations.stream().allMatch(c -> mean(c, v) != null)) {
                by = v;
                break;
            }
        }
        boolean validation = by != null;
        if (!validation) by = TRAIN_LOSS;
        int best = -1;
        for (int i = 0; i < configurations.size(); i++) {
            Double m = mean(configurations.get(i), by);
            if (m != null && (best < 0 || m < mean(configurations.get(best), by))) best = i;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("by", by);
        out.put("fallback", validation ? null : "no validation set in every configuration: chosen by training loss");
        if (best < 0) {
            out.put("label", null);
            return out;
        }
        Map<String, Object> c = configurations.get(best);
        out.put("label", c.get("label"));
        out.put("config", c.get("config"));
        out.put("grid", c.get("grid"));
        out.put("mean", mean(c, by));
        out.put("std", ((Map<?, ?>) ((Map<?, ?>) c.get("metrics")).get(by)).get("std"));
        List<Object> ranking = new ArrayList<>();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < configurations.size(); i++) if (mean(configurations.get(i), by) != null) order.add(i);
        String key = by;
        order.sort((p, q) -> Double.compare(mean(configurations.get(p), key), mean(configurations.get(q), key)));
        for (int i : order) ranking.add(configurations.get(i).get("label"));
        out.put("ranking", ranking);
        return out;
    }

    static Double mean(Map<String, Object> configuration, String metric) {
        Object s = ((Map<?, ?>) configuration.get("metrics")).get(metric);
        return s == null ? null : (Double) ((Map<?, ?>) s).get("mean");
    }

    /** compare.json's {@code timing}: wall-clock statistics per configuration and the whole command's seconds. */
    public static Map<String, Object> timing(List<ConfigurationRuns> all, double totalSeconds) {
        List<Map<String, Object>> per = new ArrayList<>();
        for (ConfigurationRuns c : all) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("label", c.configuration().label());
            List<Long> seeds = c.runs().stream().map(Run::seed).toList();
            for (String k : TIMING) {
                m.put(k, stats(seeds, c.runs().stream().map(r -> RunData.num(r.data().summary(), k)).toList()));
            }
            per.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("total_seconds", totalSeconds);
        out.put("configurations", per);
        return out;
    }
}
