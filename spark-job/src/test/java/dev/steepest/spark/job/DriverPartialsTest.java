package dev.steepest.spark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * What {@code auto}'s {@code train.resident.max-step-bytes} rule counts: the partials the driver receives a resident
 * step, one per partition up to the tree threshold, one per group of ceil(sqrt(P)) partitions above it when the
 * layout can go by group (at least as many groups as task slots).
 */
class DriverPartialsTest {
    @Test
    void atOrBelowTheThresholdTheDriverReceivesOnePartialPerPartition() {
        assertEquals(2, StepSources.driverPartials(2, 32, 2));
        assertEquals(32, StepSources.driverPartials(32, 32, 2));
    }

    @Test
    void aboveTheThresholdItReceivesOnePartialPerGroupUnlessThereAreMoreSlotsThanGroups() {
        assertEquals(8, StepSources.driverPartials(64, 32, 2)); // groups of 8
        assertEquals(6, StepSources.driverPartials(36, 32, 6));
        assertEquals(32, StepSources.driverPartials(1000, 32, 16)); // fanIn 32: ceil(1000 / 32) groups
        assertEquals(36, StepSources.driverPartials(36, 32, 8)); // 6 groups, 8 slots: the layout goes by partition
    }
}
