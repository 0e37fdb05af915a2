package org.labo4j.train;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The stop handling both training loops share: a flag another thread raises and the loop checks at
 * each step boundary, the optional step limit of a run, and a latch the loop releases when it returns,
 * which {@link StopOnShutdown} waits on before the JVM exits.
 */
public final class StopSignal {
    private volatile boolean requested;
    private final CountDownLatch finished = new CountDownLatch(1);

    /** Asks the loop to stop at its next check. Thread-safe. */
    public void requestStop() {
        requested = true;
    }

    /** Whether a stop has been asked for. */
    public boolean requested() {
        return requested;
    }

    /** Whether the loop should stop before its next step: it was asked to, or {@code maxSteps} (0: none) are done. */
    public boolean shouldStopBeforeStep(TrainingPosition position, long maxSteps) {
        return requested || (maxSteps > 0 && position.globalStep() >= maxSteps);
    }

    /** Marks the loop as returned (or thrown); call once, from a {@code finally} block. */
    public void finished() {
        finished.countDown();
    }

    /** Waits until the loop has returned (or thrown); true if it did within {@code timeout}. */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The line a loop logs when it stops early, naming the checkpoint it left ({@code null}: none written). */
    public static String stoppedAt(TrainingPosition position, Path checkpoint) {
        return "stopped at epoch " + (position.epoch() + 1) + " step " + position.stepInEpoch()
                + (checkpoint == null ? "" : "; checkpoint in " + checkpoint);
    }
}
