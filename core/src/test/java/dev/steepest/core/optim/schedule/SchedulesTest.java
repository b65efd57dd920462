package dev.steepest.core.optim.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steepest.core.optim.LearningRateSchedule;
import dev.steepest.core.optim.LinearWarmup;
import dev.steepest.core.optim.schedule.ReduceOnPlateau.Mode;
import dev.steepest.core.optim.schedule.ReduceOnPlateau.PlateauState;
import dev.steepest.core.optim.schedule.ReduceOnPlateau.ThresholdMode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Composition with warmup, behaviour at the edges, argument validation and serialization of the schedules. */
class SchedulesTest {

    private static final double INF = Double.POSITIVE_INFINITY;
    private static final double NAN = Double.NaN;

    /** One of each, with options that exercise their formulas. */
    static List<LearningRateSchedule> examples() {
        return List.of(
                new StepDecay(0.1, 7, 0.5),
                new MultiStepDecay(0.1, new long[] {10, 25, 60}, 0.1),
                new ExponentialDecay(0.1, 0.97),
                new InverseTimeDecay(0.1, 0.05),
                new PolynomialDecay(0.1, 80, 2.0, 1e-3),
                new CosineAnnealing(0.1, 50, 1e-3),
                new CosineWarmRestarts(0.1, 10, 2, 1e-4),
                new OneCycle(0.4, 150, 0.3, 25, 1e4, true, true));
    }

    private static void assertRate(double expected, double actual, String what) {
        assertEquals(expected, actual, 4 * Math.ulp(expected), what);
    }

    // ---------------------------------------------------------------- composition with LinearWarmup

    @Test
    void warmupThenCosine() {
        double start = 0.01;
        long w = 10;
        CosineAnnealing cosine = new CosineAnnealing(0.4, 100, 1e-3);
        LearningRateSchedule s = new LinearWarmup(start, w, cosine);
        double target = cosine.rate(w); // the ramp ends where the cosine is at step W, not at lr0
        assertTrue(target < 0.4);
        for (long t = 0; t < w; t++) {
            assertRate(start + (target - start) * t / w, s.rate(t), "warmup step " + t);
        }
        assertEquals(start, s.rate(0), 0.0);
        for (long t = w; t < 300; t++) {
            double cos = 1e-3 + (0.4 - 1e-3) * (1 + Math.cos(Math.PI * t / 100)) / 2;
            assertEquals(cosine.rate(t), s.rate(t), 0.0, "step " + t);
            assertEquals(cos, s.rate(t), 1e-13 * cos, "cosine step " + t); // 1 + cos cancels near the minimum
        }
        // continuous at the end of the warmup: one more equal increment lands on the cosine
        double inc = s.rate(1) - s.rate(0);
        assertEquals(s.rate(w), s.rate(w - 1) + inc, 1e-15);
    }

    @Test
    void everyScheduleComposesWithWarmup() {
        for (LearningRateSchedule after : examples()) {
            for (long w : new long[] {0, 1, 5, 37}) {
                LearningRateSchedule s = new LinearWarmup(1e-4, w, after);
                for (long t = 0; t < 200; t++) {
                    if (t < w) {
                        assertRate(1e-4 + (after.rate(w) - 1e-4) * t / w, s.rate(t), after + " W=" + w + " t=" + t);
                    } else {
                        assertEquals(after.rate(t), s.rate(t), 0.0, after + " W=" + w + " t=" + t);
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- closed forms and edges

    @Test
    void closedForms() {
        StepDecay step = new StepDecay(0.1, 7, 0.5);
        assertEquals(0.1, step.rate(6), 0.0);
        assertEquals(0.05, step.rate(7), 0.0);
        assertEquals(0.025, step.rate(20), 0.0);
        assertEquals(0.0125, step.rate(21), 0.0);

        MultiStepDecay multi = new MultiStepDecay(1.0, new long[] {10, 25, 60}, 0.1);
        assertEquals(1.0, multi.rate(9), 0.0);
        assertEquals(0.1, multi.rate(10), 0.0);
        assertEquals(0.1, multi.rate(24), 0.0);
        assertRate(0.01, multi.rate(25), "25");
        assertRate(0.001, multi.rate(1_000_000), "after the last milestone");
        assertEquals(2.0, new MultiStepDecay(2.0, new long[0], 0.1).rate(1000), 0.0, "no milestones");
        assertEquals(0.5, new MultiStepDecay(1.0, new long[] {0}, 0.5).rate(0), 0.0, "milestone 0 counts at 0");

        assertRate(0.1 * Math.pow(0.97, 100), new ExponentialDecay(0.1, 0.97).rate(100), "exp");
        assertEquals(0.1 / 6.0, new InverseTimeDecay(0.1, 0.05).rate(100), 1e-17);
        assertEquals(0.1, new InverseTimeDecay(0.1, 0.0).rate(12345), 0.0, "decay 0 is constant");
    }

    @Test
    void polynomialEndsAtItsEndRateExactly() {
        PolynomialDecay torchLike = new PolynomialDecay(0.1, 80, 2.0, 0.0);
        assertEquals(0.1, torchLike.rate(0), 0.0);
        assertRate(0.1 * 0.25, torchLike.rate(40), "half way, power 2");
        for (long t = 80; t < 500; t += 7) assertEquals(0.0, torchLike.rate(t), 0.0, "t=" + t);
        PolynomialDecay withEnd = new PolynomialDecay(0.1, 80, 1.0, 1e-3);
        assertRate(1e-3 + 0.099 / 2, withEnd.rate(40), "linear half way");
        for (long t = 80; t < 500; t += 7) assertEquals(1e-3, withEnd.rate(t), 0.0, "t=" + t);
        for (long t = 1; t <= 80; t++) assertTrue(withEnd.rate(t) < withEnd.rate(t - 1), "decreasing at " + t);
    }

    @Test
    void cosineContinuesPastTMaxLikeTorch() {
        CosineAnnealing c = new CosineAnnealing(0.2, 50, 1e-3);
        assertEquals(0.2, c.rate(0), 0.0);
        assertRate(1e-3, c.rate(50), "minimum at tMax");
        assertRate(0.2, c.rate(100), "back at lr0 at 2 tMax");
        assertRate(1e-3, c.rate(150), "minimum again at 3 tMax");
        for (long t = 0; t < 100; t++) {
            assertEquals(c.rate(t), c.rate(t + 100), 1e-12 * c.rate(t), "period 2 tMax at " + t);
        }
        for (long t = 50; t < 100; t++) assertTrue(c.rate(t + 1) > c.rate(t), "rising after tMax at " + t);
        assertEquals(0.0, new CosineAnnealing(0.2, 50, 0.0).rate(50), 0.0, "etaMin 0 is reached exactly");
    }

    @Test
    void warmRestartsCycles() {
        CosineWarmRestarts r = new CosineWarmRestarts(0.1, 10, 2, 1e-4);
        // cycles [0,10), [10,30), [30,70), [70,150), [150,310)
        for (long start : new long[] {0, 10, 30, 70, 150, 310}) {
            assertEquals(0.1, r.rate(start), 0.0, "restart at " + start);
        }
        assertRate(1e-4 + (0.1 - 1e-4) * (1 + Math.cos(Math.PI * 5 / 20)) / 2, r.rate(15), "T_cur 5 of 20");
        assertTrue(r.rate(69) > 1e-4 && r.rate(69) < r.rate(68), "falls towards etaMin, never reaching it");
        CosineWarmRestarts fixed = new CosineWarmRestarts(0.1, 10, 1, 0.0);
        for (long t = 0; t < 100; t++) assertEquals(fixed.rate(t % 10), fixed.rate(t), 0.0);
        // huge steps: no overflow, no endless loop
        for (long m : new long[] {2, 3, 1000, Long.MAX_VALUE}) {
            double v = new CosineWarmRestarts(0.1, 1, m, 0.0).rate(Long.MAX_VALUE);
            assertTrue(v >= 0.0 && v <= 0.1, "tMult=" + m + ": " + v);
        }
        assertTrue(new CosineWarmRestarts(0.1, 3, 1, 0.0).rate(Long.MAX_VALUE) <= 0.1);
    }

    @Test
    void oneCycleShapeAndEnd() {
        OneCycle two = new OneCycle(0.4, 150, 0.3, 25, 1e4, true, false);
        assertArrayEquals(new double[] {44.0, 149.0}, two.phaseEndSteps(), 0.0);
        assertEquals(0.016, two.initialLr(), 1e-18);
        assertEquals(1.6e-6, two.minLr(), 1e-21);
        assertRate(0.016, two.rate(0), "starts at maxLr / divFactor");
        assertRate(0.4, two.rate(44), "peak at pct * T - 1");
        assertEquals(two.minLr(), two.rate(149), 0.0, "ends at minLr");
        for (long t = 150; t < 400; t += 13) assertEquals(two.rate(149), two.rate(t), 0.0, "stays after the cycle");
        for (long t = 0; t < 44; t++) assertTrue(two.rate(t + 1) > two.rate(t), "rising at " + t);
        for (long t = 44; t < 149; t++) assertTrue(two.rate(t + 1) < two.rate(t), "falling at " + t);

        OneCycle three = new OneCycle(1.3, 150, 0.25, 10, 100, false, true);
        assertArrayEquals(new double[] {36.5, 73.0, 149.0}, three.phaseEndSteps(), 0.0);
        assertRate(0.13, three.rate(73), "back at initialLr at 2 pct T - 2");
        assertRate(0.13 + (1.3 - 0.13) * 36 / 36.5, three.rate(36), "linear ramp");
        assertRate(1.3 + (0.13 - 1.3) * (0.5 / 36.5), three.rate(37), "second phase starts at 36.5");
        assertEquals(new OneCycle(1.3, 150, 0.25, 10, 100, false, true), three);
        assertNotEquals(new OneCycle(1.3, 150, 0.25, 10, 100, true, true), three);
    }

    // ---------------------------------------------------------------- ReduceOnPlateau

    private static ReduceOnPlateau plateau(ThresholdMode tm, double threshold) {
        return new ReduceOnPlateau(1.0, Mode.MIN, 0.5, 2, threshold, tm, 1, 0.2);
    }

    private static PlateauState feed(ReduceOnPlateau p, double... metrics) {
        PlateauState s = p.initial();
        for (double m : metrics) s = p.observe(s, m);
        return s;
    }

    @Test
    void plateauReducesAfterPatienceThenCoolsDownAndFloorsAtMinLr() {
        ReduceOnPlateau p = plateau(ThresholdMode.REL, 0.0);
        assertEquals(new PlateauState(INF, 0, 0, 1.0, 0), p.initial());
        PlateauState s = feed(p, 1.0, 1.0, 1.0);
        assertEquals(new PlateauState(1.0, 2, 0, 1.0, 0), s, "two bad epochs tolerated (patience 2)");
        s = p.observe(s, 1.0);
        assertEquals(new PlateauState(1.0, 0, 1, 0.5, 1), s, "third bad epoch: reduce, start cooldown");
        assertEquals(0.5, p.lr(s), 0.0);
        s = p.observe(s, 1.0);
        assertEquals(new PlateauState(1.0, 0, 0, 0.5, 1), s, "bad epoch in cooldown is ignored");
        s = feed2(p, s, 1.0, 1.0, 1.0);
        assertEquals(0.25, p.lr(s), 0.0);
        s = feed2(p, s, 1.0, 1.0, 1.0, 1.0);
        assertEquals(0.2, p.lr(s), 1e-16, "floored at minLr");
        assertEquals(3, s.reductions());
        s = feed2(p, s, 1.0, 1.0, 1.0, 1.0);
        assertEquals(0.2, p.lr(s), 1e-16, "stays at minLr");
        assertEquals(3, s.reductions(), "no reduction counted at the floor");
        assertEquals(1, s.cooldownCounter(), "but the cooldown restarts, as in torch");
    }

    private static PlateauState feed2(ReduceOnPlateau p, PlateauState s, double... metrics) {
        for (double m : metrics) s = p.observe(s, m);
        return s;
    }

    @Test
    void plateauThresholds() {
        // rel 10%: 0.95 after 1.0 is not an improvement, 0.89 is
        ReduceOnPlateau rel = plateau(ThresholdMode.REL, 0.1);
        assertEquals(1, feed(rel, 1.0, 0.95).numBadEpochs());
        assertEquals(1.0, feed(rel, 1.0, 0.95).best(), 0.0);
        assertEquals(0.89, feed(rel, 1.0, 0.89).best(), 0.0);
        // abs 0.25 (exact in binary): exactly the threshold is not an improvement
        ReduceOnPlateau abs = plateau(ThresholdMode.ABS, 0.25);
        assertEquals(1, feed(abs, 2.0, 1.75).numBadEpochs());
        assertEquals(0, feed(abs, 2.0, 1.5).numBadEpochs());
        // NaN is never better
        assertEquals(2, feed(rel, 1.0, NAN, NAN).numBadEpochs());
        assertEquals(1.0, feed(rel, 1.0, NAN).best(), 0.0);
        // max mode
        ReduceOnPlateau max = new ReduceOnPlateau(1.0, Mode.MAX, 0.5, 0, 0.0, ThresholdMode.ABS, 0, 0.0);
        assertEquals(-INF, max.initial().best(), 0.0);
        PlateauState s = feed(max, 0.5, 0.7);
        assertEquals(0.7, s.best(), 0.0);
        assertEquals(1.0, max.lr(s), 0.0);
        assertEquals(0.5, max.lr(max.observe(s, 0.6)), 0.0, "patience 0: first bad epoch reduces");
    }

    @Test
    void plateauSkipsReductionsSmallerThanEps() {
        ReduceOnPlateau p = new ReduceOnPlateau(3e-8, Mode.MIN, 0.5, 0, 0.0, ThresholdMode.REL, 0, 0.0);
        PlateauState s = feed(p, 1.0, 1.0);
        assertEquals(1.5e-8, p.lr(s), 1e-24);
        s = feed2(p, s, 1.0, 1.0, 1.0);
        assertEquals(1.5e-8, p.lr(s), 1e-24, "7.5e-9 < eps: skipped");
        assertEquals(1, s.reductions());
    }

    @Test
    void scaledAppliesTheCurrentScaleToAnySchedule() {
        CosineAnnealing cosine = new CosineAnnealing(0.1, 50, 0.0);
        LearningRateSchedule s = ReduceOnPlateau.scaled(cosine, 0.25);
        for (long t = 0; t < 100; t++) assertEquals(0.25 * cosine.rate(t), s.rate(t), 0.0);
        assertEquals(0.0, ReduceOnPlateau.scaled(cosine, 0.0).rate(3), 0.0);
        assertThrows(IllegalArgumentException.class, () -> ReduceOnPlateau.scaled(cosine, -1));
        assertThrows(IllegalArgumentException.class, () -> ReduceOnPlateau.scaled(cosine, NAN));
        assertThrows(NullPointerException.class, () -> ReduceOnPlateau.scaled(null, 1));
    }

    // ---------------------------------------------------------------- validation

    private static void rejects(String what, Executable e) {
        assertThrows(IllegalArgumentException.class, e, what);
    }

    @Test
    void rateRejectsNegativeSteps() {
        for (LearningRateSchedule s : examples()) rejects(s.toString(), () -> s.rate(-1));
    }

    @Test
    void constructorsValidate() {
        for (double bad : new double[] {0.0, -0.1, NAN, INF}) {
            rejects("lr0 " + bad, () -> new StepDecay(bad, 7, 0.5));
            rejects("lr0 " + bad, () -> new MultiStepDecay(bad, new long[] {1}, 0.5));
            rejects("lr0 " + bad, () -> new ExponentialDecay(bad, 0.9));
            rejects("lr0 " + bad, () -> new InverseTimeDecay(bad, 0.1));
            rejects("lr0 " + bad, () -> new PolynomialDecay(bad, 10, 1, 0));
            rejects("lr0 " + bad, () -> new CosineAnnealing(bad, 10, 0));
            rejects("lr0 " + bad, () -> new CosineWarmRestarts(bad, 10, 1, 0));
            rejects("maxLr " + bad, () -> new OneCycle(bad, 150, 0.3, 25, 1e4, true, false));
            rejects("lr0 " + bad, () -> new ReduceOnPlateau(bad, Mode.MIN, 0.1, 10, 1e-4, ThresholdMode.REL, 0, 0));
            // gamma <= 0 (and NaN, infinite)
            rejects("gamma " + bad, () -> new StepDecay(0.1, 7, bad));
            rejects("gamma " + bad, () -> new MultiStepDecay(0.1, new long[] {1}, bad));
            rejects("gamma " + bad, () -> new ExponentialDecay(0.1, bad));
            rejects("power " + bad, () -> new PolynomialDecay(0.1, 10, bad, 0));
            rejects("divFactor " + bad, () -> new OneCycle(0.4, 150, 0.3, bad, 1e4, true, false));
            rejects("finalDivFactor " + bad, () -> new OneCycle(0.4, 150, 0.3, 25, bad, true, false));
        }
        // counts in steps
        rejects("stepSize 0", () -> new StepDecay(0.1, 0, 0.5));
        rejects("stepSize -1", () -> new StepDecay(0.1, -1, 0.5));
        rejects("totalSteps 0", () -> new PolynomialDecay(0.1, 0, 1, 0));
        rejects("tMax 0", () -> new CosineAnnealing(0.1, 0, 0));
        rejects("t0 0", () -> new CosineWarmRestarts(0.1, 0, 1, 0));
        rejects("tMult 0", () -> new CosineWarmRestarts(0.1, 10, 0, 0));
        rejects("totalSteps 0", () -> new OneCycle(0.4, 0, 0.3, 25, 1e4, true, false));
        // milestones
        rejects("decreasing", () -> new MultiStepDecay(0.1, new long[] {10, 5}, 0.1));
        rejects("repeated", () -> new MultiStepDecay(0.1, new long[] {10, 10}, 0.1));
        rejects("negative", () -> new MultiStepDecay(0.1, new long[] {-1, 5}, 0.1));
        assertThrows(NullPointerException.class, () -> new MultiStepDecay(0.1, null, 0.1));
        // floors: 0 <= floor <= lr0
        for (double bad : new double[] {-1e-3, 0.2, NAN, INF}) {
            rejects("endLr " + bad, () -> new PolynomialDecay(0.1, 10, 1, bad));
            rejects("etaMin " + bad, () -> new CosineAnnealing(0.1, 10, bad));
            rejects("etaMin " + bad, () -> new CosineWarmRestarts(0.1, 10, 1, bad));
            rejects("minLr " + bad, () -> new ReduceOnPlateau(0.1, Mode.MIN, 0.1, 10, 1e-4, ThresholdMode.REL, 0,
                    bad));
        }
        rejects("decay < 0", () -> new InverseTimeDecay(0.1, -0.01));
        rejects("decay NaN", () -> new InverseTimeDecay(0.1, NAN));
        // OneCycle: pctStart in (0, 1), and every phase at least one step long
        for (double bad : new double[] {0.0, 1.0, -0.1, 1.5, NAN}) {
            rejects("pctStart " + bad, () -> new OneCycle(0.4, 150, bad, 25, 1e4, true, false));
        }
        rejects("first phase empty", () -> new OneCycle(0.4, 10, 0.1, 25, 1e4, true, false)); // ends at 0
        rejects("one step", () -> new OneCycle(0.4, 1, 0.5, 25, 1e4, true, false));
        rejects("third phase empty", () -> new OneCycle(0.4, 10, 0.6, 25, 1e4, true, true)); // 10 > 9
        new OneCycle(0.4, 10, 0.6, 25, 1e4, true, false); // fine with two phases
        new OneCycle(0.4, 150, 0.5, 25, 1e4, true, true); // 74, 148, 149
        // ReduceOnPlateau
        for (double bad : new double[] {0.0, 1.0, -0.5, 1.5, NAN}) {
            rejects("factor " + bad, () -> new ReduceOnPlateau(0.1, Mode.MIN, bad, 10, 1e-4, ThresholdMode.REL, 0, 0));
        }
        rejects("patience", () -> new ReduceOnPlateau(0.1, Mode.MIN, 0.1, -1, 1e-4, ThresholdMode.REL, 0, 0));
        rejects("cooldown", () -> new ReduceOnPlateau(0.1, Mode.MIN, 0.1, 10, 1e-4, ThresholdMode.REL, -1, 0));
        rejects("threshold < 0", () -> new ReduceOnPlateau(0.1, Mode.MIN, 0.1, 10, -1e-4, ThresholdMode.REL, 0, 0));
        rejects("threshold NaN", () -> new ReduceOnPlateau(0.1, Mode.MIN, 0.1, 10, NAN, ThresholdMode.ABS, 0, 0));
        rejects("rel threshold >= 1", () -> new ReduceOnPlateau(0.1, Mode.MIN, 0.1, 10, 1.0, ThresholdMode.REL, 0, 0));
        new ReduceOnPlateau(0.1, Mode.MIN, 0.1, 10, 1.0, ThresholdMode.ABS, 0, 0); // an abs threshold may be >= 1
        assertThrows(NullPointerException.class,
                () -> new ReduceOnPlateau(0.1, null, 0.1, 10, 1e-4, ThresholdMode.REL, 0, 0));
        assertThrows(NullPointerException.class,
                () -> new ReduceOnPlateau(0.1, Mode.MIN, 0.1, 10, 1e-4, null, 0, 0));
        rejects("state scale 0", () -> new PlateauState(1.0, 0, 0, 0.0, 0));
        rejects("state negative counter", () -> new PlateauState(1.0, -1, 0, 1.0, 0));
    }

    // ---------------------------------------------------------------- immutability and serialization

    @Test
    void milestonesAreCopied() {
        long[] m = {10, 20};
        MultiStepDecay s = new MultiStepDecay(1.0, m, 0.5);
        m[0] = 0;
        assertEquals(1.0, s.rate(5), 0.0);
        s.milestones()[0] = 0;
        assertEquals(1.0, s.rate(5), 0.0);
        assertArrayEquals(new long[] {10, 20}, s.milestones());
    }

    @SuppressWarnings("unchecked")
    private static <T extends Serializable> T roundTrip(T o) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    @Test
    void serializableWithValueEquality() throws Exception {
        for (LearningRateSchedule s : examples()) {
            LearningRateSchedule copy = roundTrip(s);
            assertEquals(s, copy);
            assertEquals(s.hashCode(), copy.hashCode());
            assertEquals(s.toString(), copy.toString());
            for (long t = 0; t < 200; t++) assertEquals(s.rate(t), copy.rate(t), 0.0, s + " t=" + t);
            LearningRateSchedule warm = roundTrip(new LinearWarmup(0.0, 5, s));
            for (long t = 0; t < 20; t++) assertEquals(new LinearWarmup(0.0, 5, s).rate(t), warm.rate(t), 0.0);
        }
        ReduceOnPlateau p = new ReduceOnPlateau(0.1, Mode.MAX, 0.5, 3, 1e-2, ThresholdMode.ABS, 2, 1e-3);
        assertEquals(p, roundTrip(p));
        PlateauState st = feed(p, 0.1, 0.2, 0.2, 0.2, 0.2, 0.2);
        assertEquals(st, roundTrip(st));
        LearningRateSchedule scaled = roundTrip(ReduceOnPlateau.scaled(new StepDecay(0.1, 7, 0.5), 0.5));
        assertEquals(0.025, scaled.rate(7), 0.0);
        assertNotEquals(new StepDecay(0.1, 7, 0.5), new StepDecay(0.1, 8, 0.5));
        assertEquals(new MultiStepDecay(0.1, new long[] {1, 2}, 0.5), new MultiStepDecay(0.1, new long[] {1, 2}, 0.5));
    }
}
