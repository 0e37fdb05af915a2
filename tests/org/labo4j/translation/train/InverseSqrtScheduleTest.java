package org.labo4j.translation.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The schedule of "Attention is all you need" with a given peak. */
class InverseSqrtScheduleTest {
    @Test
    void risesLinearlyToThePeakThenDecaysWithTheInverseSquareRoot() {
        InverseSqrtSchedule schedule = new InverseSqrtSchedule(1e-3, 100);
        assertEquals(1e-5, schedule.at(0), 1e-18);
        assertEquals(5e-4, schedule.at(49), 1e-15);
        assertEquals(1e-3, schedule.at(99), 1e-15, "the peak at the last warm-up step");
        assertEquals(1e-3 * Math.sqrt(100.0 / 400), schedule.at(399), 1e-15);
        assertEquals(1e-3 / 10, schedule.at(9999), 1e-15);
        for (long s = 1; s < 1000; s++) {
            assertTrue(s < 100 ? schedule.at(s) > schedule.at(s - 1) : schedule.at(s) <= schedule.at(s - 1), "step " + s);
        }
    }

    /** With the peak at d^-0.5 * warmup^-0.5 it is the paper's formula. */
    @Test
    void matchesThePaperWithItsPeak() {
        int d = 512;
        int warmup = 4000;
        InverseSqrtSchedule schedule = new InverseSqrtSchedule(Math.pow(d, -0.5) * Math.pow(warmup, -0.5), warmup);
        for (long step : new long[] {0, 1, 999, 3999, 4000, 12345, 100000}) {
            double s = step + 1;
            double paper = Math.pow(d, -0.5) * Math.min(Math.pow(s, -0.5), s * Math.pow(warmup, -1.5));
            assertEquals(paper, schedule.at(step), 1e-12 * paper, "step " + step);
        }
    }

    @Test
    void rejectsImpossibleSettings() {
        assertThrows(IllegalArgumentException.class, () -> new InverseSqrtSchedule(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new InverseSqrtSchedule(1e-3, 0));
    }
}
