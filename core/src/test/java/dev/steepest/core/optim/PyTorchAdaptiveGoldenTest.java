package dev.steepest.core.optim;

import static dev.steepest.core.optim.GoldenFiles.rosenbrockGradient;
import static dev.steepest.core.optim.GoldenFiles.vec;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steepest.core.model.ParameterGroup;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
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
 * {@link Adagrad}, {@link RmsProp}, {@link Adam} and {@link AdamW} against golden trajectories of the
 * corresponding {@code torch.optim} classes in float64, made by {@code core/src/test/python/make_adaptive_golden.py}
 * (see the README beside it). Every step's parameters must agree with PyTorch to
 * {@code |a - b| <= 1e-10 * max(1, |b|)}. Java runs its own trajectory from the initial point (it is never reset
 * to PyTorch's), so any error accumulates as it would in training.
 */
class PyTorchAdaptiveGoldenTest {

    private static final String RESOURCE = "/golden/adaptive.json";
    private static final double TOL = 1e-10;
    private static final int MIN_STEPS = 120;
    private static final int HALF = 60;

    private static JsonNode doc;
    private static final Map<String, double[]> MAX_ERR = new LinkedHashMap<>(); // name -> {max rel err, step}

    @BeforeAll
    static void load() {
        doc = GoldenFiles.load(RESOURCE);
    }

    static Stream<String> caseNames() {
        return GoldenFiles.caseNames(RESOURCE);
    }

    static Stream<String> randomCaseNames() {
        return caseNames().filter(n -> n.startsWith("random/"));
    }

    private static JsonNode findCase(String name) {
        return GoldenFiles.findCase(doc, name);
    }

    private static double num(JsonNode options, String key) {
        JsonNode v = options.get(key);
        assertNotNull(v, "missing option " + key);
        assertTrue(v.isNumber(), key + " is not a number: " + v);
        return v.doubleValue();
    }

    private static boolean bool(JsonNode options, String key) {
        JsonNode v = options.get(key);
        assertNotNull(v, "missing option " + key);
        assertTrue(v.isBoolean(), key + " is not a boolean: " + v);
        return v.booleanValue();
    }

    /** A fresh optimizer for a golden case, built through the public create(...) methods. */
    static GradientTransformation build(JsonNode c, int n) {
        LearningRateSchedule lr = LearningRateSchedule.constant(c.get("lr").asDouble());
        JsonNode o = c.get("options");
        List<ParameterGroup> groups = List.of(new ParameterGroup("all", 0, n, true)); // torch decays everything
        String opt = c.get("optimizer").asText();
        switch (opt) {
            case "adagrad":
                return Adagrad.create(lr, num(o, "lr_decay"), num(o, "initial_accumulator_value"), num(o, "eps"),
                        num(o, "weight_decay"), groups);
            case "rmsprop":
                return RmsProp.create(lr, num(o, "alpha"), num(o, "eps"), bool(o, "centered"), num(o, "momentum"),
                        num(o, "weight_decay"), groups);
            case "adam":
            case "adamw": {
                double[] betas = vec(o.get("betas"));
                assertEquals(2, betas.length);
                return opt.equals("adam")
                        ? Adam.create(lr, betas[0], betas[1], num(o, "eps"), bool(o, "amsgrad"),
                                num(o, "weight_decay"), groups)
                        : AdamW.create(lr, betas[0], betas[1], num(o, "eps"), bool(o, "amsgrad"),
                                num(o, "weight_decay"), groups);
            }
            default:
                throw new AssertionError("unknown optimizer " + opt);
        }
    }

    @Test
    void goldenFileCoversEveryOption() {
        assertFalse(doc.get("torch_version").asText().isEmpty(), "torch_version not recorded");
        assertEquals("float64", doc.get("dtype").asText());
        JsonNode cases = doc.get("cases");
        assertEquals(32, cases.size(), "16 configurations x {random, rosenbrock}");
        Set<String> configs = new HashSet<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode c : cases) {
            String name = c.get("name").asText();
            assertTrue(c.get("steps").asInt() >= MIN_STEPS, name + ": fewer than " + MIN_STEPS + " steps");
            assertEquals(c.get("steps").asInt(), c.get("trajectory").size(), name);
            String opt = c.get("optimizer").asText();
            JsonNode o = c.get("options");
            configs.add(c.get("problem").asText() + " " + opt + " " + o);
            if (o.has("lr_decay") && num(o, "lr_decay") > 0) seen.add(opt + " lr_decay");
            if (o.has("initial_accumulator_value") && num(o, "initial_accumulator_value") > 0) seen.add(opt + " acc");
            if (o.has("centered") && bool(o, "centered")) seen.add(opt + " centered" + (num(o, "momentum") > 0 ? "+m" : ""));
            if (o.has("momentum") && num(o, "momentum") > 0) seen.add(opt + " momentum");
            if (o.has("amsgrad") && bool(o, "amsgrad")) seen.add(opt + " amsgrad");
            if (o.has("betas") && vec(o.get("betas"))[0] != 0.9) seen.add(opt + " betas");
            if (num(o, "weight_decay") > 0) seen.add(opt + " wd");
            if (opt.equals("adagrad") && num(o, "eps") != 1e-10) seen.add(opt + " eps");
            if (!opt.equals("adagrad") && num(o, "eps") != 1e-8) seen.add(opt + " eps");
        }
        assertEquals(32, configs.size(), "configurations are not all distinct: " + configs);
        for (String want : List.of("adagrad lr_decay", "adagrad acc", "adagrad wd", "adagrad eps",
                "rmsprop centered", "rmsprop centered+m", "rmsprop momentum", "rmsprop wd",
                "adam amsgrad", "adam wd", "adam betas", "adam eps", "adamw wd", "adamw amsgrad")) {
            assertTrue(seen.contains(want), "no case covers " + want + "; covered: " + seen);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("caseNames")
    void matchesTorch(String name) {
        JsonNode c = findCase(name);
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

        GradientTransformation opt = build(c, n);
        OptState state = opt.init(params);

        GoldenFiles.TrajectoryError err = new GoldenFiles.TrajectoryError(TOL);
        for (int t = 0; t < steps; t++) {
            double[] g = problem.equals("random")
                    ? vec(gradients.get(t)) : rosenbrockGradient(params);
            assertEquals(n, g.length);
            GradientTransformation.Update u = opt.update(g, state, params);
            state = u.state();
            params = GradientTransformation.applyUpdates(params, u.updates());
            err.compare(t + 1, n, params, vec(trajectory.get(t)));
        }
        err.check(name, steps, MAX_ERR);
    }

    /**
     * 60 steps, keep the state; 60 more. Then a fresh optimizer continues from a serialized copy of the kept state
     * and parameters: the parameters must be bit-identical and the final states equal by content.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("randomCaseNames")
    void stateRoundTrips(String name) {
        JsonNode c = findCase(name);
        JsonNode gradients = c.get("gradients");
        assertTrue(gradients.size() >= 2 * HALF);
        double[] params = vec(c.get("initial"));
        int n = params.length;

        GradientTransformation first = build(c, n);
        OptState state = first.init(params);
        OptState kept = null;
        double[] keptParams = null;
        for (int t = 0; t < 2 * HALF; t++) {
            if (t == HALF) {
                kept = state;
                keptParams = params.clone();
            }
            double[] g = vec(gradients.get(t));
            double[] gCopy = g.clone();
            double[] pCopy = params.clone();
            GradientTransformation.Update u = first.update(g, state, params);
            assertArrayEquals(gCopy, g, "gradient was modified");
            assertArrayEquals(pCopy, params, "parameters were modified");
            assertNotSame(g, u.updates());
            state = u.state();
            params = GradientTransformation.applyUpdates(params, u.updates());
        }

        OptState restored = roundTrip(kept);
        assertNotSame(kept, restored);
        assertEquals(kept, restored, "state differs after serialization");
        assertEquals(kept.hashCode(), restored.hashCode());
        assertEquals(kept.toString(), restored.toString());

        GradientTransformation second = build(c, n); // a fresh instance
        OptState state2 = restored;
        double[] params2 = keptParams;
        for (int t = HALF; t < 2 * HALF; t++) {
            GradientTransformation.Update u = second.update(vec(gradients.get(t)), state2, params2);
            state2 = u.state();
            params2 = GradientTransformation.applyUpdates(params2, u.updates());
        }
        for (int i = 0; i < n; i++) {
            assertEquals(Double.doubleToRawLongBits(params[i]), Double.doubleToRawLongBits(params2[i]),
                    name + ": parameter " + i + " is not bit-identical after restart");
        }
        assertEquals(state, state2, "states differ after restart");
        assertEquals(state.hashCode(), state2.hashCode());
        assertEquals(state.toString(), state2.toString());
        assertNotEquals(kept, state, "state did not change in " + HALF + " steps");
        assertEquals(first.init(keptParams), second.init(keptParams), "fresh states differ");
    }

    private static OptState roundTrip(OptState s) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(s);
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                return (OptState) in.readObject();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void rejectsImpossibleHyperParameters() {
        LearningRateSchedule lr = LearningRateSchedule.constant(0.01);
        List<ParameterGroup> groups = List.of(new ParameterGroup("all", 0, 3, true));
        // eps < 0
        assertThrows(IllegalArgumentException.class, () -> Adam.create(lr, 0.9, 0.999, -1e-8, false, 0.0, groups));
        assertThrows(IllegalArgumentException.class, () -> Adagrad.create(lr, 0.0, 0.0, -1e-10, 0.0, groups));
        assertThrows(IllegalArgumentException.class, () -> RmsProp.create(lr, 0.99, -1e-8, false, 0.0, 0.0, groups));
        // beta outside [0, 1)
        assertThrows(IllegalArgumentException.class, () -> Adam.create(lr, 1.0, 0.999, 1e-8, false, 0.0, groups));
        assertThrows(IllegalArgumentException.class, () -> AdamW.create(lr, 0.9, -0.1, 1e-8, false, 0.01, groups));
        assertThrows(IllegalArgumentException.class, () -> new ScaleByAdam(Double.NaN, 0.999, 1e-8, false));
        // alpha outside [0, 1]
        assertThrows(IllegalArgumentException.class, () -> RmsProp.create(lr, 1.5, 1e-8, false, 0.0, 0.0, groups));
        assertThrows(IllegalArgumentException.class, () -> new ScaleByRms(-0.01, 1e-8, true));
        // negative lr_decay
        assertThrows(IllegalArgumentException.class, () -> Adagrad.create(lr, -0.01, 0.0, 1e-10, 0.0, groups));
        // and the boundaries that are allowed
        Adam.create(lr, 0.0, 0.0, 0.0, true, 0.0, groups);
        RmsProp.create(lr, 0.0, 0.0, true, 0.0, 0.0, groups);
        RmsProp.create(lr, 1.0, 0.0, false, 0.0, 0.0, groups);
        Adagrad.create(lr, 0.0, 0.0, 0.0, 0.0, groups);
    }

    @AfterAll
    static void printTable() {
        GoldenFiles.printTable("Adaptive optimizers", doc, TOL, 46, MAX_ERR);
    }
}
