package org.labo4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

/**
 * The order of the hooks the shared epoch loop calls, on a task without a model: each call is
 * recorded as a line ("begin 0/0", "epoch 1", "step 1/2", "finish 1", "save 2/0 boundary"), so a
 * schedule, a resume mid-epoch and each way of stopping early can be compared with the exact
 * sequence a trainer relies on.
 */
class EpochLoopTest {
    private static final int STEPS = 3;

    /** Records every hook; stops the loop after {@code stopAfterStep} global steps when positive. */
    private static final class RecordingLoop extends EpochLoop<Integer> {
        final List<String> calls = new ArrayList<>();
        final ByteArrayOutputStream logBytes;
        long stopAfterStep;
        boolean interruptEvaluation;

        RecordingLoop(int epochs, long maxSteps, int stopAfterEpochs) {
            this(epochs, maxSteps, stopAfterEpochs, new ByteArrayOutputStream());
        }

        private RecordingLoop(int epochs, long maxSteps, int stopAfterEpochs, ByteArrayOutputStream logBytes) {
            super(epochs, maxSteps, stopAfterEpochs, new PrintStream(logBytes, true, StandardCharsets.UTF_8));
            this.logBytes = logBytes;
        }

        @Override
        protected void begin(TrainingPosition start) {
            calls.add("begin " + start.epoch() + "/" + start.stepInEpoch());
        }

        @Override
        protected int stepsPerEpoch() {
            return STEPS;
        }

        @Override
        protected void beginEpoch(int epoch) {
            calls.add("epoch " + epoch);
        }

        @Override
        protected TrainingPosition step(TrainingPosition position) {
            calls.add("step " + position.epoch() + "/" + position.stepInEpoch());
            TrainingPosition next = position.afterStep(1.0, 1, 1, 0, 0, 0);
            if (stopAfterStep > 0 && next.globalStep() == stopAfterStep) {
                stopSignal().requestStop();
            }
            return next;
        }

        @Override
        protected Integer finishEpoch(TrainingPosition position, BooleanSupplier stopRequested) {
            if (interruptEvaluation) {
                stopSignal().requestStop();
                if (stopRequested.getAsBoolean()) {
                    calls.add("finish interrupted " + position.epoch());
                    return null;
                }
            }
            calls.add("finish " + position.epoch());
            return position.epoch();
        }

        @Override
        protected void save(TrainingPosition position, boolean epochBoundary) {
            calls.add("save " + position.epoch() + "/" + position.stepInEpoch() + (epochBoundary ? " boundary" : ""));
        }

        @Override
        protected Path checkpointFile() {
            return Path.of("checkpoint.pt");
        }

        String log() {
            return logBytes.toString(StandardCharsets.UTF_8);
        }
    }

    private static List<String> epoch(int e, boolean withBeginEpoch) {
        List<String> calls = new ArrayList<>();
        if (withBeginEpoch) {
            calls.add("epoch " + e);
        }
        for (int s = 0; s < STEPS; s++) {
            calls.add("step " + e + "/" + s);
        }
        calls.add("finish " + e);
        calls.add("save " + (e + 1) + "/0 boundary");
        return calls;
    }

    @Test
    void runsEveryEpochWithItsOrderHookStepsEvaluationAndBoundaryCheckpoint() throws Exception {
        RecordingLoop loop = new RecordingLoop(2, 0, 0);
        List<Integer> listened = new ArrayList<>();
        EpochLoop.Outcome<Integer> outcome = loop.onEpoch(listened::add).run(TrainingPosition.start());

        List<String> expected = new ArrayList<>(List.of("begin 0/0"));
        expected.addAll(epoch(0, true));
        expected.addAll(epoch(1, true));
        assertEquals(expected, loop.calls);
        assertTrue(outcome.completed());
        assertEquals(List.of(0, 1), outcome.epochs());
        assertEquals(List.of(0, 1), listened);
        assertEquals(new TrainingPosition(2, 0, 6, 0, 0, 0, 0, 0, 0), outcome.position());
        assertTrue(loop.stopSignal().awaitFinished(java.time.Duration.ZERO), "finished is signalled on return");
    }

    @Test
    void aResumeMidEpochDerivesThatEpochsOrderBeforeItsRemainingSteps() throws Exception {
        TrainingPosition midEpoch = TrainingPosition.start().nextEpoch().afterStep(1, 1, 1, 0, 0, 0);
        RecordingLoop loop = new RecordingLoop(2, 0, 0);
        EpochLoop.Outcome<Integer> outcome = loop.run(midEpoch);

        assertEquals(List.of("begin 1/1", "epoch 1", "step 1/1", "step 1/2", "finish 1", "save 2/0 boundary"),
                loop.calls);
        assertTrue(outcome.completed());
        assertEquals(List.of(1), outcome.epochs());
    }

    @Test
    void aResumeAfterTheLastStepOfAnEpochGoesStraightToItsEvaluation() throws Exception {
        TrainingPosition trained = TrainingPosition.start();
        for (int s = 0; s < STEPS; s++) {
            trained = trained.afterStep(1, 1, 1, 0, 0, 0);
        }
        RecordingLoop loop = new RecordingLoop(1, 0, 0);
        loop.run(trained);

        assertEquals(List.of("begin 0/3", "epoch 0", "finish 0", "save 1/0 boundary"), loop.calls);
    }

    @Test
    void maxStepsStopsBeforeTheStepWithAMidEpochCheckpoint() throws Exception {
        RecordingLoop loop = new RecordingLoop(3, 4, 0);
        EpochLoop.Outcome<Integer> outcome = loop.run(TrainingPosition.start());

        List<String> expected = new ArrayList<>(List.of("begin 0/0"));
        expected.addAll(epoch(0, true));
        expected.addAll(List.of("epoch 1", "step 1/0", "save 1/1"));
        assertEquals(expected, loop.calls);
        assertFalse(outcome.completed());
        assertEquals(4, outcome.position().globalStep());
        assertTrue(loop.log().contains("stopped at epoch 2 step 1; checkpoint in checkpoint.pt"), loop.log());
    }

    @Test
    void aStopRequestDuringAStepEndsTheCallAfterThatStep() throws Exception {
        RecordingLoop loop = new RecordingLoop(2, 0, 0);
        loop.stopAfterStep = 2;
        EpochLoop.Outcome<Integer> outcome = loop.run(TrainingPosition.start());

        assertEquals(List.of("begin 0/0", "epoch 0", "step 0/0", "step 0/1", "save 0/2"), loop.calls);
        assertFalse(outcome.completed());
        assertEquals(List.of(), outcome.epochs());
    }

    @Test
    void aStopDuringEvaluationKeepsTheUnevaluatedPosition() throws Exception {
        RecordingLoop loop = new RecordingLoop(2, 0, 0);
        loop.interruptEvaluation = true;
        EpochLoop.Outcome<Integer> outcome = loop.run(TrainingPosition.start());

        assertEquals(List.of("begin 0/0", "epoch 0", "step 0/0", "step 0/1", "step 0/2", "finish interrupted 0",
                "save 0/3"), loop.calls);
        assertFalse(outcome.completed());
        assertEquals(3, outcome.position().stepInEpoch(), "resuming re-runs the evaluation, not the steps");
    }

    @Test
    void stopAfterEpochsReturnsAtAnEpochBoundaryButNotAfterTheLastEpoch() throws Exception {
        RecordingLoop limited = new RecordingLoop(3, 0, 1);
        EpochLoop.Outcome<Integer> first = limited.run(TrainingPosition.start());
        List<String> expected = new ArrayList<>(List.of("begin 0/0"));
        expected.addAll(epoch(0, true));
        assertEquals(expected, limited.calls);
        assertFalse(first.completed());
        assertEquals(new TrainingPosition(1, 0, 3, 0, 0, 0, 0, 0, 0), first.position());

        RecordingLoop last = new RecordingLoop(3, 0, 1);
        EpochLoop.Outcome<Integer> end = last.run(new TrainingPosition(2, 0, 6, 0, 0, 0, 0, 0, 0));
        assertTrue(end.completed(), "the limit does not turn the final epoch into an early stop");
    }
}
