package dev.steepest.core.optim;

import static dev.steepest.core.optim.GoldenFiles.rosenbrockGradient;
import static dev.steepest.core.optim.GoldenFiles.vec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steepest.core.model.ParameterGroup;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
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
        doc = GoldenFiles.load(RESOURCE);
    }

    static Stream<String> caseNames() {
        return GoldenFiles.caseNames(RESOURCE);
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
        JsonNode c = GoldenFiles.findCase(doc, name);
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

        GoldenFiles.TrajectoryError err = new GoldenFiles.TrajectoryError(TOL);
        for (int t = 0; t < steps; t++) {
            double[] g = problem.equals("random") ? vec(gradients.get(t)) : rosenbrockGradient(params);
            assertEquals(n, g.length);
            GradientTransformation.Update u = opt.update(g, state, params);
            state = u.state();
            params = GradientTransformation.applyUpdates(params, u.updates());
            err.compare(t + 1, n, params, vec(trajectory.get(t)));
        }
        err.check(name, steps, MAX_ERR);
    }

    @AfterAll
    static void printTable() {
        GoldenFiles.printTable("SGD", doc, TOL, 38, MAX_ERR);
    }
}
