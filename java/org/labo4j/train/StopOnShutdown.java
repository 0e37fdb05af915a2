package org.labo4j.train;

import java.io.PrintStream;
import java.time.Duration;

/**
 * Turns Ctrl-C (SIGINT / SIGTERM, i.e. JVM shutdown) into a clean stop: the hook asks the trainer to
 * stop after its current step and waits, up to a grace period, for the checkpoint of that exact
 * position to be written. If the grace period runs out, the previous checkpoint (replaced atomically)
 * is still intact.
 */
public final class StopOnShutdown implements AutoCloseable {
    private final Thread hook;

    /** {@code name} names the hook's thread. */
    public StopOnShutdown(StopSignal signal, Duration grace, PrintStream log, String name) {
        hook = new Thread(() -> {
            log.println("shutdown requested: finishing the current step and writing a checkpoint");
            signal.requestStop();
            try {
                if (!signal.awaitFinished(grace)) {
                    log.println("no checkpoint within " + grace.toSeconds() + " s; the previous one is kept");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or has run; nothing to undo.
        }
    }
}
