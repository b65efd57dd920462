package dev.steepest.spark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.spark.SparkTestSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's tables of optimizers and schedules against their declarations ({@link OptimizerKind},
 * {@link ScheduleKind}): every one declared has its row, with its declared algorithm / rate, and the options the row
 * lists are the declared keys, with the declared defaults.
 */
class ReadmeTablesTest {
    private static List<String> lines;

    @BeforeAll
    static void read() throws IOException {
        lines = Files.readAllLines(SparkTestSupport.repoRoot().resolve("README.md"));
    }

    /** The rows of the table whose header starts with {@code header}: its cells, trimmed. */
    private static List<List<String>> table(String header) {
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(header)) {
                start = i;
                break;
            }
        }
        assertTrue(start >= 0, "README has no table " + header);
        List<List<String>> rows = new ArrayList<>();
        for (int i = start + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            List<String> cells = new ArrayList<>();
            for (String c : lines.get(i).substring(1, lines.get(i).lastIndexOf('|')).split("\\|")) cells.add(c.trim());
            rows.add(cells);
        }
        return rows;
    }

    /** The `quoted` words of a cell. */
    private static List<String> quoted(String cell) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("`([^`]*)`").matcher(cell);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    @Test
    void schedulesTable() {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (List<String> r : table("| `schedule.name` | rate at step t |")) {
            String name = quoted(r.get(0)).get(0);
            ScheduleKind kind = ScheduleKind.of(name);
            assertEquals(kind.doc(), r.get(1), "README's rate of " + name);
            rows.put(name, quoted(r.get(3)));
        }
        assertEquals(ScheduleKind.names(), List.copyOf(rows.keySet()), "README's schedules, in declaration order");
        for (ScheduleKind k : ScheduleKind.values()) {
            List<String> keys = k.takes().keySet().stream().map(s -> s.substring("schedule.".length())).toList();
            assertEquals(keys, rows.get(k.configName()), "README's keys of schedule " + k.configName());
        }
    }

    @Test
    void optimizersTable() {
        List<String> listed = new ArrayList<>();
        for (List<String> r : table("| `optimizer.name` | algorithm | options (defaults) |")) {
            List<OptimizerKind> kinds = quoted(r.get(0)).stream().map(OptimizerKind::of).toList();
            for (OptimizerKind k : kinds) {
                listed.add(k.configName());
                assertEquals(k.doc(), r.get(1), "README's algorithm of " + k.configName());
            }
            Map<String, String> options = options(r.get(2));
            for (OptimizerKind k : kinds) {
                List<String> declared = k.takes().keySet().stream().map(s -> s.substring("optimizer.".length())).toList();
                assertEquals(declared, List.copyOf(options.keySet()), "README's options of " + k.configName());
                options.forEach((key, value) -> {
                    if (value != null) {
                        assertEquals(format(k.takes().get("optimizer." + key)), value,
                                "README's default of optimizer." + key + " for " + k.configName());
                    }
                });
            }
        }
        // lbfgs has no options but its memory: the optimizer.history row of the config reference documents it
        List<String> declared = new ArrayList<>(OptimizerKind.names());
        declared.remove(OptimizerKind.LBFGS.configName());
        assertEquals(declared, listed, "README's optimizers, in declaration order");
        assertNotNull(OptimizerKind.LBFGS.takes().get("optimizer.history"));
    }

    /**
     * "beta1 0.9, eps 1e-8 (note), nesterov" -> {beta1: 0.9, eps: 1e-8, nesterov: null} (no value: it differs
     * between the row's names); "as adam, ..." starts from adam's declared options.
     */
    private static Map<String, String> options(String cell) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String item : cell.replaceAll("\\s*\\([^)]*\\)", "").split(",\\s*")) {
            String[] parts = item.trim().split("\\s+");
            if (parts[0].equals("as")) {
                OptimizerKind.of(parts[1]).takes().forEach((k, v) -> m.put(k.substring("optimizer.".length()), format(v)));
            } else {
                m.put(parts[0], parts.length > 1 ? parts[1] : null);
            }
        }
        return m;
    }

    /** A default as the README writes it: 0, 0.9, 1e-8, false. */
    private static String format(Object v) {
        if (v instanceof Boolean || v instanceof Long) return String.valueOf(v);
        double d = ((Number) v).doubleValue();
        if (d == Math.rint(d)) return Long.toString((long) d);
        String s = Double.toString(d);
        if (s.contains("E")) {
            String mantissa = s.substring(0, s.indexOf('E')).replaceAll("\\.0$", "");
            return mantissa + "e" + s.substring(s.indexOf('E') + 1);
        }
        return s;
    }
}
