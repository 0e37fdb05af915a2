package org.labo4j.vision.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {
    private static final double EPS = 1e-12;

    @Test
    void warmupRisesLinearlyToTheBaseRate() {
        LearningRateSchedule s = new LearningRateSchedule(ScheduleKind.COSINE, 0.1, 4, 20, 0, 1, 1);
        assertEquals(0.025, s.at(0), EPS);
        assertEquals(0.05, s.at(1), EPS);
        assertEquals(0.1, s.at(3), EPS);
        assertEquals(0.1, s.at(4), EPS);
    }

    @Test
    void cosineFallsToTheFloorAtTheLastStep() {
        LearningRateSchedule s = new LearningRateSchedule(ScheduleKind.COSINE, 0.1, 0, 11, 0.1, 1, 1);
        assertEquals(0.1, s.at(0), EPS);
        // Halfway through the decay: the mean of base and floor.
        assertEquals((0.1 + 0.01) / 2, s.at(5), EPS);
        assertEquals(0.01, s.at(10), EPS);
    }

    @Test
    void stepScheduleDecaysEveryPeriod() {
        LearningRateSchedule s = new LearningRateSchedule(ScheduleKind.STEP, 1.0, 0, 100, 0, 10, 0.5);
        assertEquals(1.0, s.at(9), EPS);
        assertEquals(0.5, s.at(10), EPS);
        assertEquals(0.25, s.at(29), EPS);
    }

    @Test
    void configurationMapsEpochsToSteps() {
        VisionTrainConfig c = new VisionTrainConfig();
        c.epochs = 3;
        c.warmupEpochs = 0.5;
        c.lr = 0.2;
        c.schedule = ScheduleKind.CONSTANT;
        LearningRateSchedule s = LearningRateSchedule.of(c, 10);
        assertEquals(30, s.totalSteps());
        assertEquals(0.2 / 5, s.at(0), EPS);
        assertEquals(0.2, s.at(29), EPS);
    }
}
