package org.labo4j.train;

import java.io.IOException;
import java.io.PrintStream;
import java.util.function.Consumer;

/**
 * The training-curve charts a run redraws after each epoch. Charts are a convenience: one that cannot
 * be drawn is a warning on the log, never a reason to lose the epoch or stop the run.
 */
public final class EpochCharts {
    /** Draws the charts from what the run has recorded so far. */
    @FunctionalInterface
    public interface Drawing {
        void draw() throws IOException;
    }

    private EpochCharts() {
    }

    /** An epoch listener that runs {@code drawing} and logs its failures to {@code log}. */
    public static <M> Consumer<M> redrawAfterEachEpoch(Drawing drawing, PrintStream log) {
        return epoch -> {
            try {
                drawing.draw();
            } catch (IOException | RuntimeException e) {
                log.println("warning: could not draw training curves: " + e);
            }
        };
    }
}
