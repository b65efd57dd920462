package dev.steepest.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the PyTorch golden tests ({@link PyTorchSgdGoldenTest}, {@link PyTorchAdaptiveGoldenTest} and
 * {@code schedule.PyTorchScheduleGoldenTest}) share: reading a golden JSON file made by
 * {@code core/src/test/python/make_*_golden.py}, its cases and number arrays, the per-step comparison of a trajectory
 * to {@code |java - torch| <= tol * max(1, |torch|)} and the table of the largest errors.
 */
public final class GoldenFiles {

    private GoldenFiles() {}

    /** A test resource (an absolute path such as {@code /golden/sgd.json}) parsed as JSON. */
    public static JsonNode load(String resource) {
        try (InputStream in = GoldenFiles.class.getResourceAsStream(resource)) {
            assertNotNull(in, "missing test resource " + resource);
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code name} of every case in the golden file {@code resource}, in file order. */
    public static Stream<String> caseNames(String resource) {
        List<String> names = new ArrayList<>();
        for (JsonNode c : load(resource).get("cases")) names.add(c.get("name").asText());
        return names.stream();
    }

    /** The case of {@code doc} called {@code name}. */
    public static JsonNode findCase(JsonNode doc, String name) {
        for (JsonNode c : doc.get("cases")) if (c.get("name").asText().equals(name)) return c;
        throw new AssertionError("no case " + name);
    }

    /** A JSON number; fails on anything else. */
    public static double number(JsonNode n) {
        assertTrue(n.isNumber(), "not a number: " + n);
        return n.doubleValue();
    }

    /** A JSON array of numbers; fails on anything else in it. */
    public static double[] vec(JsonNode arr) {
        double[] v = new double[arr.size()];
        for (int i = 0; i < v.length; i++) v[i] = number(arr.get(i));
        return v;
    }

    /** f(x, y) = (1 - x)^2 + 100 (y - x^2)^2. */
    public static double[] rosenbrockGradient(double[] p) {
        double x = p[0];
        double y = p[1];
        double r = y - x * x;
        return new double[] {-2.0 * (1.0 - x) - 400.0 * x * r, 200.0 * r};
    }

    /**
     * The relative error {@code |java - torch| / max(1, |torch|)} along one trajectory: feed it every step with
     * {@link #compare}, then {@link #check} it. A NaN error counts as infinite.
     */
    public static final class TrajectoryError {
        private final double tol;
        private double maxErr = 0.0;
        private int maxErrStep = -1;
        private String firstViolation = null;

        public TrajectoryError(double tol) {
            this.tol = tol;
        }

        /**
         * Compares Java's parameters after step {@code step} (1-based) with torch's; {@code expected} must have
         * {@code n} entries.
         */
        public void compare(int step, int n, double[] actual, double[] expected) {
            assertEquals(n, expected.length);
            for (int i = 0; i < n; i++) {
                double err = Math.abs(actual[i] - expected[i]) / Math.max(1.0, Math.abs(expected[i]));
                if (!(err <= maxErr)) { // also catches NaN
                    maxErr = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err;
                    maxErrStep = step;
                }
                if (firstViolation == null && !(err <= tol)) {
                    firstViolation = String.format(Locale.ROOT,
                            "first violation at step %d, param %d: java=%.17g torch=%.17g rel.err=%.3e",
                            step, i, actual[i], expected[i], err);
                }
            }
        }

        /**
         * Records {@code {max relative error, its step}} under {@code name} in {@code maxErrors} (for
         * {@link #printTable}; also when it then fails), then fails unless the maximum is within the tolerance,
         * naming the worst step and the first violation. Returns the recorded pair.
         */
        public double[] check(String name, int steps, Map<String, double[]> maxErrors) {
            double[] result = {maxErr, maxErrStep};
            maxErrors.put(name, result);
            String summary = String.format(Locale.ROOT, "%s: max relative error %.3e (step %d of %d)",
                    name, maxErr, maxErrStep, steps);
            assertTrue(maxErr <= tol, summary + "; " + firstViolation);
            return result;
        }
    }

    /**
     * Prints the {@code {max relative error, its step}} of every case, after a title
     * {@code "<subject> vs torch <torch_version> (float64), tolerance <tol> relative"}; nothing if there are none.
     */
    public static void printTable(String subject, JsonNode doc, double tol, int nameWidth,
            Map<String, double[]> maxErrors) {
        if (maxErrors.isEmpty()) return;
        String row = "%-" + nameWidth + "s %14s %8s%n";
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%n%s vs torch %s (float64), tolerance %.0e relative%n",
                subject, doc.get("torch_version").asText(), tol));
        sb.append(String.format(Locale.ROOT, row, "case", "max rel err", "at step"));
        for (Map.Entry<String, double[]> e : maxErrors.entrySet()) {
            double err = e.getValue()[0];
            String at = err == 0.0 ? "exact" : Long.toString((long) e.getValue()[1]);
            sb.append(String.format(Locale.ROOT, "%-" + nameWidth + "s %14.3e %8s%n", e.getKey(), err, at));
        }
        System.out.print(sb);
    }
}
