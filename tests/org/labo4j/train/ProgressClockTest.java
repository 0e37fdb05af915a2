package org.labo4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Progress timing on a hand-driven clock: interval rates, evaluations excluded, recovery after a pause. */
class ProgressClockTest {
    private static final long SECOND = 1_000_000_000L;

    /** A clock that moves only when told to. */
    private static final class ManualTime {
        long nanos = 5 * SECOND;

        void advance(double seconds) {
            nanos += (long) (seconds * SECOND);
        }
    }

    @Test
    void linesComeOncePerIntervalAndReportThatIntervalsStepTime() {
        ManualTime time = new ManualTime();
        ProgressClock clock = new ProgressClock(10, 100, () -> time.nanos);
        time.advance(9.9);
        assertFalse(clock.lineDue(120));
        time.advance(0.1);
        assertTrue(clock.lineDue(120));
        assertFalse(clock.lineDue(120), "the interval restarts at a line");
        assertEquals(10.0, clock.intervalTrainingSeconds(), 1e-9);
        assertEquals(0.5, clock.secondsPerStep(), 1e-9);

        time.advance(12);
        assertTrue(clock.lineDue(180));
        assertEquals(12.0 / 60, clock.secondsPerStep(), 1e-9);
    }

    @Test
    void evaluationsAreLeftOutOfTheStepTimeAndAddedToTheTimeLeft() {
        ManualTime time = new ManualTime();
        ProgressClock clock = new ProgressClock(10, 0, () -> time.nanos);
        time.advance(4);
        clock.evaluationTook(3 * SECOND);
        time.advance(7);
        assertTrue(clock.lineDue(16));
        assertEquals(8.0, clock.intervalTrainingSeconds(), 1e-9);
        assertEquals(0.5, clock.secondsPerStep(), 1e-9);
        // 84 steps at 0.5 s plus two evaluations of 3 s.
        assertEquals(48.0, clock.secondsLeft(16, 100, 2), 1e-9);

        time.advance(10);
        assertTrue(clock.lineDue(36));
        assertEquals(10.0, clock.intervalTrainingSeconds(), 1e-9, "an evaluation counts in its own interval only");
    }

    @Test
    void aPausedIntervalDoesNotSlowTheNextLinesRate() {
        ManualTime time = new ManualTime();
        ProgressClock clock = new ProgressClock(10, 0, () -> time.nanos);
        time.advance(600);
        assertTrue(clock.lineDue(10));
        assertEquals(60.0, clock.secondsPerStep(), 1e-9);
        time.advance(10);
        assertTrue(clock.lineDue(30));
        assertEquals(0.5, clock.secondsPerStep(), 1e-9);
        assertEquals(35.0, clock.secondsLeft(30, 100, 0), 1e-9);
    }

    @Test
    void aResumedRunCountsOnlyItsOwnSteps() {
        ManualTime time = new ManualTime();
        ProgressClock clock = new ProgressClock(10, 5000, () -> time.nanos);
        time.advance(10);
        assertTrue(clock.lineDue(5020));
        assertEquals(0.5, clock.secondsPerStep(), 1e-9);
    }

    @Test
    void zeroIntervalMeansNoLines() {
        ManualTime time = new ManualTime();
        ProgressClock clock = new ProgressClock(0, 0, () -> time.nanos);
        time.advance(1000);
        assertFalse(clock.lineDue(10));
    }

    @Test
    void durationsReadAsSecondsMinutesOrHours() {
        assertEquals("42s", ProgressClock.duration(42.4));
        assertEquals("3m05s", ProgressClock.duration(185));
        assertEquals("2h07m", ProgressClock.duration(2 * 3600 + 7 * 60 + 30));
        assertEquals("?", ProgressClock.duration(Double.NaN));
    }
}
