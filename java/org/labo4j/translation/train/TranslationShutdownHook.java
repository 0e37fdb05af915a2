package org.labo4j.translation.train;

import java.io.PrintStream;
import java.time.Duration;

/**
 * Turns Ctrl-C (SIGINT / SIGTERM, i.e. JVM shutdown) into a clean stop: the hook asks the trainer to
 * stop after its current step and waits, up to a grace period, for the checkpoint of that position.
 * If the grace period runs out, the previous checkpoint (replaced atomically) is still intact.
 */
final class TranslationShutdownHook implements AutoCloseable {
    private final Thread hook;

    TranslationShutdownHook(TranslationTrainer trainer, Duration grace, PrintStream log) {
        hook = new Thread(() -> {
            log.println("shutdown requested: finishing the current step and writing a checkpoint");
            trainer.requestStop();
            try {
                if (!trainer.awaitFinished(grace)) {
                    log.println("no checkpoint within " + grace.toSeconds() + " s; the previous one is kept");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "labo4j-translation-checkpoint-on-shutdown");
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
