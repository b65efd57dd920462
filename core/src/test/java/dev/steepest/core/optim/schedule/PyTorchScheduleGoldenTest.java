package dev.steepest.core.optim.schedule;

import static dev.steepest.core.optim.GoldenFiles.number;
import static dev.steepest.core.optim.GoldenFiles.vec;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steepest.core.optim.GoldenFiles;
import dev.steepest.core.optim.LearningRateSchedule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every schedule against golden learning rates of {@code torch.optim.lr_scheduler} (float64), made by
 * {@code core/src/test/python/make_schedule_golden.py} (see the README beside it). For a step schedule,
 * {@code rate(t)} must equal the lr torch's optimizer used for its step {@code t}; for {@link ReduceOnPlateau}, the
 * lr after each observation must equal torch's, and the state ({@code best}, {@code numBadEpochs},
 * {@code cooldownCounter}) must equal torch's exactly. Tolerance: {@code |a - b| <= 1e-10 * |b|}, and exactly 0 when
 * torch's value is 0.
 */
class PyTorchScheduleGoldenTest {

    private static final String RESOURCE = "/golden/schedules.json";
    private static final double TOL = 1e-10;
    private static final int MIN_STEPS = 150;

    private static JsonNode doc;
    /** name -> {max rel err, step of it, torch's own recursive-vs-closed-form difference or NaN}. */
    private static final Map<String, double[]> MAX_ERR = new LinkedHashMap<>();

    @BeforeAll
    static void load() {
        doc = GoldenFiles.load(RESOURCE);
    }

    static Stream<String> stepCaseNames() {
        return names(false);
    }

    static Stream<String> plateauCaseNames() {
        return names(true);
    }

    private static Stream<String> names(boolean plateau) {
        List<String> names = new ArrayList<>();
        for (JsonNode c : GoldenFiles.load(RESOURCE).get("cases")) {
            if (c.get("schedule").asText().equals("ReduceOnPlateau") == plateau) names.add(c.get("name").asText());
        }
        return names.stream();
    }

    private static JsonNode findCase(String name) {
        return GoldenFiles.findCase(doc, name);
    }

    /** The schedule a golden case describes, built from its {@code params}. */
    static LearningRateSchedule build(String schedule, JsonNode p) {
        double lr0 = p.get("lr0").asDouble();
        return switch (schedule) {
            case "StepDecay" -> new StepDecay(lr0, p.get("stepSize").asLong(), p.get("gamma").asDouble());
            case "MultiStepDecay" -> {
                JsonNode ms = p.get("milestones");
                long[] milestones = new long[ms.size()];
                for (int i = 0; i < milestones.length; i++) milestones[i] = ms.get(i).asLong();
                yield new MultiStepDecay(lr0, milestones, p.get("gamma").asDouble());
            }
            case "ExponentialDecay" -> new ExponentialDecay(lr0, p.get("gamma").asDouble());
            case "InverseTimeDecay" -> new InverseTimeDecay(lr0, p.get("decay").asDouble());
            case "PolynomialDecay" -> new PolynomialDecay(lr0, p.get("totalSteps").asLong(),
                    p.get("power").asDouble(), p.get("endLr").asDouble());
            case "CosineAnnealing" -> new CosineAnnealing(lr0, p.get("tMax").asLong(), p.get("etaMin").asDouble());
            case "CosineWarmRestarts" -> new CosineWarmRestarts(lr0, p.get("t0").asLong(), p.get("tMult").asLong(),
                    p.get("etaMin").asDouble());
            case "OneCycle" -> new OneCycle(p.get("maxLr").asDouble(), p.get("totalSteps").asLong(),
                    p.get("pctStart").asDouble(), p.get("divFactor").asDouble(),
                    p.get("finalDivFactor").asDouble(), p.get("annealCos").asBoolean(),
                    p.get("threePhase").asBoolean());
            default -> throw new AssertionError("unknown schedule " + schedule);
        };
    }

    static ReduceOnPlateau buildPlateau(JsonNode p) {
        assertEquals(ReduceOnPlateau.EPS, p.get("eps").asDouble(), 0.0, "torch eps");
        return new ReduceOnPlateau(p.get("lr0").asDouble(),
                ReduceOnPlateau.Mode.valueOf(p.get("mode").asText().toUpperCase(Locale.ROOT)),
                p.get("factor").asDouble(), p.get("patience").asInt(), p.get("threshold").asDouble(),
                ReduceOnPlateau.ThresholdMode.valueOf(p.get("thresholdMode").asText().toUpperCase(Locale.ROOT)),
                p.get("cooldown").asInt(), p.get("minLr").asDouble());
    }

    /** {@code |a - b| / |b|}, or 0 / infinity when {@code b == 0} (then only an exact 0 passes); NaN is infinity. */
    static double relErr(double a, double b) {
        double err = b == 0.0 ? (a == 0.0 ? 0.0 : Double.POSITIVE_INFINITY) : Math.abs(a - b) / Math.abs(b);
        return Double.isNaN(err) ? Double.POSITIVE_INFINITY : err;
    }

    @Test
    void goldenFileCoversEverySchedule() {
        assertFalse(doc.get("torch_version").asText().isEmpty(), "torch_version not recorded");
        assertEquals("float64", doc.get("dtype").asText());
        Set<String> schedules = new TreeSet<>();
        Set<String> names = new TreeSet<>();
        Map<String, Integer> perSchedule = new HashMap<>();
        for (JsonNode c : doc.get("cases")) {
            String name = c.get("name").asText();
            assertTrue(names.add(name), "duplicate case " + name);
            String schedule = c.get("schedule").asText();
            schedules.add(schedule);
            perSchedule.merge(schedule, 1, Integer::sum);
            assertTrue(c.get("steps").asInt() >= MIN_STEPS, name + ": fewer than " + MIN_STEPS + " steps");
            assertEquals(c.get("steps").asInt(), c.get("lr").size(), name);
        }
        assertEquals(new TreeSet<>(List.of("StepDecay", "MultiStepDecay", "ExponentialDecay", "InverseTimeDecay",
                "PolynomialDecay", "CosineAnnealing", "CosineWarmRestarts", "OneCycle", "ReduceOnPlateau")),
                schedules);
        for (Map.Entry<String, Integer> e : perSchedule.entrySet()) {
            assertTrue(e.getValue() >= 2, e.getKey() + ": only one golden case");
        }
        // the options that change the math are all present
        for (String required : List.of("step/size7_gamma0.5", "multistep/10_25_60_gamma0.1",
                "exponential/gamma0.97", "inverse_time/decay0.05", "polynomial/T80_power1.0",
                "polynomial/T80_power2.0", "cosine/T50_eta0.0", "cosine/T50_eta0.001",
                "warm_restarts/T0_10_mult1_eta0.0001", "warm_restarts/T0_10_mult2_eta0.0001",
                "onecycle/cos_two_phase_pct0.3_div25_final10000", "onecycle/linear_two_phase_pct0.3_div25_final10000",
                "onecycle/cos_three_phase_pct0.3_div25_final10000",
                "onecycle/linear_three_phase_pct0.3_div25_final10000",
                "plateau/rel1e-2_patience3_cooldown2_minlr", "plateau/abs5e-3_patience3_cooldown2_factor0.7_minlr")) {
            assertTrue(names.contains(required), "missing case " + required);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stepCaseNames")
    void stepScheduleMatchesTorch(String name) {
        JsonNode c = findCase(name);
        LearningRateSchedule schedule = build(c.get("schedule").asText(), c.get("params"));
        JsonNode lr = c.get("lr");
        int steps = c.get("steps").asInt();
        assertEquals(steps, lr.size());

        if (c.has("phase_end_steps")) {
            double[] expected = vec(c.get("phase_end_steps"));
            assertArrayEquals(expected, ((OneCycle) schedule).phaseEndSteps(), 0.0, name + ": phase boundaries");
        }

        double maxErr = 0.0;
        int maxErrStep = -1;
        String firstViolation = null;
        for (int t = 0; t < steps; t++) {
            double expected = number(lr.get(t));
            double actual = schedule.rate(t);
            double err = relErr(actual, expected);
            if (err > maxErr) {
                maxErr = err;
                maxErrStep = t;
            }
            if (firstViolation == null && !(err <= TOL)) {
                firstViolation = String.format(Locale.ROOT, "first violation at step %d: java=%.17g torch=%.17g "
                        + "rel.err=%.3e", t, actual, expected, err);
            }
        }
        double torchClosed = c.has("closed_form_max_rel_diff") ? c.get("closed_form_max_rel_diff").asDouble()
                : Double.NaN;
        MAX_ERR.put(name, new double[] {maxErr, maxErrStep, torchClosed});
        assertTrue(maxErr <= TOL, String.format(Locale.ROOT, "%s (%s): max relative error %.3e at step %d; %s",
                name, schedule, maxErr, maxErrStep, firstViolation));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("plateauCaseNames")
    void reduceOnPlateauMatchesTorch(String name) {
        JsonNode c = findCase(name);
        ReduceOnPlateau plateau = buildPlateau(c.get("params"));
        JsonNode metrics = c.get("metrics");
        JsonNode lr = c.get("lr");
        int steps = c.get("steps").asInt();
        assertEquals(steps, metrics.size());
        assertEquals(steps, lr.size());

        ReduceOnPlateau.PlateauState s = plateau.initial();
        double maxErr = 0.0;
        int maxErrStep = -1;
        String firstViolation = null;
        for (int k = 0; k < steps; k++) {
            s = plateau.observe(s, number(metrics.get(k)));
            String at = name + " after observation " + k + " (" + s + ")";
            assertEquals(number(c.get("best").get(k)), s.best(), 0.0, at + ": best");
            assertEquals(c.get("num_bad_epochs").get(k).asInt(), s.numBadEpochs(), at + ": numBadEpochs");
            assertEquals(c.get("cooldown_counter").get(k).asInt(), s.cooldownCounter(), at + ": cooldownCounter");

            double expected = number(lr.get(k));
            double actual = plateau.lr(s);
            double err = relErr(actual, expected);
            if (err > maxErr) {
                maxErr = err;
                maxErrStep = k;
            }
            if (firstViolation == null && !(err <= TOL)) {
                firstViolation = String.format(Locale.ROOT, "first violation after observation %d: java=%.17g "
                        + "torch=%.17g rel.err=%.3e", k, actual, expected, err);
            }
            // the scaled helper gives the same rate for a constant base
            assertEquals(actual, ReduceOnPlateau.scaled(LearningRateSchedule.constant(plateau.lr0()), s.scale())
                    .rate(k), 0.0);
        }
        assertEquals(c.get("reductions").asInt(), s.reductions(), name + ": number of reductions");
        MAX_ERR.put(name, new double[] {maxErr, maxErrStep, Double.NaN});
        assertTrue(maxErr <= TOL, String.format(Locale.ROOT, "%s (%s): max relative error %.3e after observation "
                + "%d; %s", name, plateau, maxErr, maxErrStep, firstViolation));
    }

    @AfterAll
    static void printTable() {
        if (MAX_ERR.isEmpty()) return;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%nLearning-rate schedules vs torch %s (float64), tolerance %.0e "
                + "relative (exact where torch gives 0)%n", doc.get("torch_version").asText(), TOL));
        sb.append(String.format(Locale.ROOT, "%-58s %12s %8s %16s%n", "case", "max rel err", "at step",
                "torch rec-closed"));
        for (Map.Entry<String, double[]> e : MAX_ERR.entrySet()) {
            double err = e.getValue()[0];
            String at = err == 0.0 ? "exact" : Long.toString((long) e.getValue()[1]);
            double closed = e.getValue()[2];
            String torchDiff = Double.isNaN(closed) ? "-" : String.format(Locale.ROOT, "%.3e", closed);
            sb.append(String.format(Locale.ROOT, "%-58s %12.3e %8s %16s%n", e.getKey(), err, at, torchDiff));
        }
        System.out.print(sb);
    }
}
