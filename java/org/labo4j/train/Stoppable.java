package org.labo4j.train;

import java.time.Duration;

/** A training loop that can be asked, from another thread, to stop at its next step boundary. */
public interface Stoppable {
    /** Asks the loop to finish its current step, write a checkpoint of that position and return. */
    void requestStop();

    /** Waits until the loop has returned (after a stop or at its end); false if the timeout ran out first. */
    boolean awaitFinished(Duration timeout) throws InterruptedException;
}
