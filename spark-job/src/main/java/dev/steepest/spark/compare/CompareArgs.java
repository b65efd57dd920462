package dev.steepest.spark.compare;

import dev.steepest.spark.InputError;
import dev.steepest.spark.report.CommandLine;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The arguments of {@code steepest compare} and the configurations they name: every {@code --config} file crossed
 * with every point of the {@code --grid} product, each run once per seed {@code train.seed = 1..N} (the same seeds
 * for every configuration, so that runs pair up for the t-tests).
 */
public record CompareArgs(List<String> configs, Map<String, List<String>> grid, int seeds, List<String> sets,
                          Path out, boolean overwrite, Double targetLoss) {
    public static final String USAGE = "steepest compare --config FILE [--config FILE]... [--grid key=v1,v2,...]... "
            + "--seeds N [--set key=value]... [--target-loss X] [--out DIR] [--overwrite] [--verbose]";

    /** One configuration: a config file and one grid point; {@code label} names it in tables and directories. */
    public record Configuration(String label, String config, Map<String, String> point) {
        /** The {@code --set} overrides of this configuration's run with {@code seed}, after the global ones. */
        public List<String> overrides(List<String> sets, long seed) {
            List<String> o = new ArrayList<>(sets);
            point.forEach((k, v) -> o.add(k + "=" + v));
            o.add("train.seed=" + seed);
            return o;
        }

        /** The directory name of this configuration under the output directory. */
        public String dirName() {
            return label.replace(' ', '_').replaceAll("[^A-Za-z0-9._=,+-]", "_");
        }
    }

    public static CompareArgs parse(String[] args) {
        CommandLine cli = CommandLine.parse(args, USAGE,
                Set.of("--config", "--grid", "--seeds", "--set", "--out", "--target-loss"),
                Set.of("--overwrite", "--verbose"));
        if (!cli.positional().isEmpty()) {
            throw new InputError("compare: unexpected argument '" + cli.positional().get(0) + "'; usage: " + USAGE);
        }
        List<String> configs = cli.values("--config");
        if (configs.isEmpty()) throw new InputError("compare: --config FILE is required; usage: " + USAGE);
        String s = cli.value("--seeds", null);
        if (s == null) throw new InputError("compare: --seeds N is required (N >= 1 runs per configuration)");
        int seeds;
        try {
            seeds = Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new InputError("compare: --seeds " + s + ": not a whole number");
        }
        if (seeds < 1) throw new InputError("compare: --seeds " + s + ": needs at least 1 seed");
        Map<String, List<String>> grid = new LinkedHashMap<>();
        for (String g : cli.values("--grid")) {
            int eq = g.indexOf('=');
            if (eq <= 0) throw new InputError("compare: --grid '" + g + "': expected key=v1,v2,...");
            String key = g.substring(0, eq).trim();
            List<String> values = splitValues(g.substring(eq + 1));
            if (values.isEmpty() || values.stream().anyMatch(String::isEmpty)) {
                throw new InputError("compare: --grid '" + g + "': expected key=v1,v2,... (an empty value)");
            }
            if (new LinkedHashSet<>(values).size() != values.size()) {
                throw new InputError("compare: --grid '" + g + "': a value is repeated");
            }
            if (key.equals("train.seed")) throw new InputError("compare: --grid train.seed: the seeds are --seeds N");
            if (grid.put(key, values) != null) throw new InputError("compare: --grid " + key + ": given twice");
        }
        List<String> sets = cli.values("--set");
        for (String o : sets) {
            if (o.trim().startsWith("train.seed=") || o.trim().startsWith("train.seed ")) {
                throw new InputError("compare: --set train.seed: the seeds are --seeds N (train.seed = 1..N)");
            }
            if (grid.containsKey(o.substring(0, Math.max(0, o.indexOf('='))).trim())) {
                throw new InputError("compare: --set " + o + ": the key is also a --grid key");
            }
        }
        Double target = cli.value("--target-loss", null) == null ? null
                : cli.number("compare", "--target-loss", Double.NaN);
        if (target != null && !Double.isFinite(target)) {
            throw new InputError("compare: --target-loss " + cli.value("--target-loss", null) + ": not a finite number");
        }
        String o = cli.value("--out", null);
        Path out = o != null ? Paths.get(o) : Paths.get("runs", "compare-" + java.time.LocalDateTime.now()
                .format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        return new CompareArgs(List.copyOf(configs), grid, seeds, List.copyOf(sets), out,
                cli.flags().contains("--overwrite"), target);
    }

    /** Values separated by commas outside brackets, so list values stay whole: {@code [256,128],[64]}. */
    static List<String> splitValues(String text) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        StringBuilder cur = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '[' || c == '{') depth++;
            if (c == ']' || c == '}') depth--;
            if (c == ',' && depth == 0) {
                out.add(cur.toString().trim());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString().trim());
        return out;
    }

    /** The seeds every configuration runs with: 1..N. */
    public List<Long> seedList() {
        List<Long> s = new ArrayList<>();
        for (long i = 1; i <= seeds; i++) s.add(i);
        return s;
    }

    /** Every config file crossed with every grid point, in command-line order (the last grid key varies fastest). */
    public List<Configuration> configurations() {
        List<Map<String, String>> points = new ArrayList<>(List.of(new LinkedHashMap<>()));
        for (Map.Entry<String, List<String>> g : grid.entrySet()) {
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> p : points) {
                for (String v : g.getValue()) {
                    Map<String, String> q = new LinkedHashMap<>(p);
                    q.put(g.getKey(), v);
                    next.add(q);
                }
            }
            points = next;
        }
        List<String> names = new ArrayList<>();
        for (String c : configs) {
            String n = Paths.get(c).getFileName().toString().replaceAll("\\.(conf|hocon|json|properties)$", "");
            names.add(n);
        }
        List<Configuration> out = new ArrayList<>();
        Set<String> used = new LinkedHashSet<>();
        for (int i = 0; i < configs.size(); i++) {
            String base = names.get(i);
            for (int k = 2; used.contains(base); k++) base = names.get(i) + "-" + k;
            used.add(base);
            for (Map<String, String> p : points) {
                StringBuilder label = new StringBuilder(base);
                p.forEach((k, v) -> label.append(' ').append(k).append('=').append(v));
                out.add(new Configuration(label.toString(), configs.get(i), Map.copyOf(p).isEmpty() ? Map.of()
                        : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(p))));
            }
        }
        return out;
    }
}
