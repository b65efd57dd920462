package dev.steepest.spark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Before {@code auto} counts task slots it waits for executors to register as Spark's scheduler backend says
 * ({@code SchedulerBackend.isReady}: {@code spark.scheduler.minRegisteredResourcesRatio}, bounded by
 * {@code spark.scheduler.maxRegisteredResourcesWaitingTime}); here on a stand-in for the backend's readiness.
 */
class ExecutorRegistrationWaitTest {
    @Test
    void aReadyBackendIsNotWaitedForAndTheLogSaysNothing() {
        assertEquals("", StepSources.awaitReady(() -> true, 10_000, "0.8"));
    }

    @Test
    void slotsAreCountedOnlyOnceTheBackendIsReadyAndTheLogSaysHowLongItWaited() {
        AtomicInteger polls = new AtomicInteger();
        String waited = StepSources.awaitReady(() -> polls.incrementAndGet() > 4, 10_000, "0.8");
        assertEquals(5, polls.get());
        assertTrue(waited.matches(" \\(after \\d+\\.\\d s waiting for executors to register, "
                + "spark\\.scheduler\\.minRegisteredResourcesRatio = 0\\.8\\)"), waited);
    }

    @Test
    void theWaitEndsAtTheMaximumWaitingTimeAndSaysSo() {
        long t0 = System.nanoTime();
        String waited = StepSources.awaitReady(() -> false, 300, null);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(seconds >= 0.3 && seconds < 5, "waited " + seconds + " s");
        assertTrue(waited.endsWith("; gave up at spark.scheduler.maxRegisteredResourcesWaitingTime)"), waited);
    }
}
