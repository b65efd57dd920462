package dev.steepest.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steepest.core.model.ParameterGroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Optimizers#sgd} against golden trajectories of {@code torch.optim.SGD} in float64, made by
 * {@code core/src/test/python/make_sgd_golden.py} (see the README beside it). Every step's parameters must agree
 * with PyTorch to {@code |a - b| <= 1e-10 * max(1, |b|)}. Java runs its own trajectory from the initial point
 * (it is never reset to PyTorch's), so any error accumulates as it would in training.
 */
class PyTorchSgdGoldenTest {

    private static final String RESOURCE = "/golden/sgd.json";
    private static final double TOL = 1e-10;
    private static final int MIN_STEPS = 120;

    private static JsonNode doc;
    private static final Map<String, double[]> MAX_ERR = new LinkedHashMap<>(); // name -> {max rel err, step}

    @BeforeAll
    static void load() {
        doc = readGolden();
    }

    private static JsonNode readGolden() {
        try (InputStream in = PyTorchSgdGoldenTest.class.getResourceAsStream(RESOURCE)) {
            assertNotNull(in, "missing test resource " + RESOURCE);
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<String> caseNames() {
        List<String> names = new ArrayList<>();
        for (JsonNode c : readGolden().get("cases")) names.add(c.get("name").asText());
        return names.stream();
    }

    private static JsonNode findCase(String name) {
        for (JsonNode c : doc.get("cases")) if (c.get("name").asText().equals(name)) return c;
        throw new AssertionError("no case " + name);
    }

    private static double[] vec(JsonNode arr) {
        double[] v = new double[arr.size()];
        for (int i = 0; i < v.length; i++) {
            assertTrue(arr.get(i).isNumber(), "not a number: " + arr.get(i));
            v[i] = arr.get(i).doubleValue();
        }
        return v;
    }

    /** f(x, y) = (1 - x)^2 + 100 (y - x^2)^2. */
    static double[] rosenbrockGradient(double[] p) {
        double x = p[0];
        double y = p[1];
        double r = y - x * x;
        return new double[] {-2.0 * (1.0 - x) - 400.0 * x * r, 200.0 * r};
    }

    @Test
    void goldenFileCoversTheSgdFamily() {
        assertFalse(doc.get("torch_version").asText().isEmpty(), "torch_version not recorded");
        assertEquals("float64", doc.get("dtype").asText());
        JsonNode cases = doc.get("cases");
        assertEquals(12, cases.size(), "6 configurations x {random, rosenbrock}");
        Set<String> configs = new HashSet<>();
        for (JsonNode c : cases) {
            assertTrue(c.get("steps").asInt() >= MIN_STEPS, c.get("name") + ": fewer than " + MIN_STEPS + " steps");
            assertEquals(c.get("steps").asInt(), c.get("trajectory").size(), c.get("name").asText());
            configs.add(c.get("problem").asText() + " mu=" + c.get("momentum").asDouble()
                    + " damp=" + c.get("dampening").asDouble() + " nesterov=" + c.get("nesterov").asBoolean()
                    + " wd=" + c.get("weight_decay").asDouble());
        }
        assertEquals(12, configs.size(), "configurations are not all distinct: " + configs);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("caseNames")
    void matchesTorchSgd(String name) {
        JsonNode c = findCase(name);
        double lr = c.get("lr").asDouble();
        double momentum = c.get("momentum").asDouble();
        double dampening = c.get("dampening").asDouble();
        boolean nesterov = c.get("nesterov").asBoolean();
        double weightDecay = c.get("weight_decay").asDouble();
        String problem = c.get("problem").asText();
        int steps = c.get("steps").asInt();

        double[] params = vec(c.get("initial"));
        int n = params.length;
        JsonNode trajectory = c.get("trajectory");
        JsonNode gradients = c.get("gradients");
        assertEquals(steps, trajectory.size());
        if (problem.equals("random")) {
            assertEquals(steps, gradients.size());
        } else {
            assertEquals("rosenbrock", problem);
            assertEquals(2, n);
        }

        GradientTransformation opt = Optimizers.sgd(LearningRateSchedule.constant(lr), momentum, dampening,
                nesterov, weightDecay, List.of(new ParameterGroup("all", 0, n, true)));
        OptState state = opt.init(params);

        double maxErr = 0.0;
        int maxErrStep = -1;
        String firstViolation = null;
        for (int t = 0; t < steps; t++) {
            double[] g = problem.equals("random") ? vec(gradients.get(t)) : rosenbrockGradient(params);
            assertEquals(n, g.length);
            GradientTransformation.Update u = opt.update(g, state, params);
            state = u.state();
            params = GradientTransformation.applyUpdates(params, u.updates());

            double[] expected = vec(trajectory.get(t));
            assertEquals(n, expected.length);
            for (int i = 0; i < n; i++) {
                double err = Math.abs(params[i] - expected[i]) / Math.max(1.0, Math.abs(expected[i]));
                if (!(err <= maxErr)) { // also catches NaN
                    maxErr = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err;
                    maxErrStep = t + 1;
                }
                if (firstViolation == null && !(err <= TOL)) {
                    firstViolation = String.format(Locale.ROOT,
                            "first violation at step %d, param %d: java=%.17g torch=%.17g rel.err=%.3e",
                            t + 1, i, params[i], expected[i], err);
                }
            }
        }
        MAX_ERR.put(name, new double[] {maxErr, maxErrStep});
        String summary = String.format(Locale.ROOT, "%s: max relative error %.3e (step %d of %d)",
                name, maxErr, maxErrStep, steps);
        assertTrue(maxErr <= TOL, summary + "; " + firstViolation);
    }

    @AfterAll
    static void printTable() {
        if (MAX_ERR.isEmpty()) return;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%nSGD vs torch %s (float64), tolerance %.0e relative%n",
                doc.get("torch_version").asText(), TOL));
        sb.append(String.format(Locale.ROOT, "%-38s %14s %8s%n", "case", "max rel err", "at step"));
        for (Map.Entry<String, double[]> e : MAX_ERR.entrySet()) {
            double err = e.getValue()[0];
            String at = err == 0.0 ? "exact" : Long.toString((long) e.getValue()[1]);
            sb.append(String.format(Locale.ROOT, "%-38s %14.3e %8s%n", e.getKey(), err, at));
        }
        System.out.print(sb);
    }
}
