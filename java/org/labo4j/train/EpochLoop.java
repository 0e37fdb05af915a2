package org.labo4j.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The epoch loop both trainers run; the task fills in the step, the end-of-epoch evaluation and what a
 * checkpoint holds. Steps run until the epoch ends, a stop is requested or {@code maxSteps} are done;
 * then the epoch's evaluation and metrics row, the checkpoint of the next epoch's start, and the
 * {@code stopAfterEpochs} limit. Every early way out leaves a checkpoint of the exact position, so a
 * resumed run continues the same schedule.
 *
 * @param <M> the task's metrics row of one epoch
 */
public abstract class EpochLoop<M> {
    /** How a call to {@link #run} ended. */
    public record Outcome<M>(TrainingPosition position, boolean completed, List<M> epochs) {
    }

    protected final PrintStream log;
    private final int epochs;
    private final long maxSteps;
    private final int stopAfterEpochs;
    private final StopSignal stop = new StopSignal();
    private Consumer<M> epochListener = m -> { };

    /**
     * @param epochs          the run's length
     * @param maxSteps        stop before this global step (0: no limit)
     * @param stopAfterEpochs return after this many finished epochs in this call (0: no limit)
     * @param log             receives progress lines (usually {@code System.err})
     */
    protected EpochLoop(int epochs, long maxSteps, int stopAfterEpochs, PrintStream log) {
        this.epochs = epochs;
        this.maxSteps = maxSteps;
        this.stopAfterEpochs = stopAfterEpochs;
        this.log = log;
    }

    /** Called with each finished epoch's metrics, after its metrics row and before its checkpoint. */
    public EpochLoop<M> onEpoch(Consumer<M> listener) {
        this.epochListener = listener;
        return this;
    }

    /**
     * The loop's stop signal: {@code requestStop()} from any thread makes it stop after the current step
     * (or evaluation batch), leaving a checkpoint; {@code awaitFinished} waits until {@link #run} has returned.
     */
    public StopSignal stopSignal() {
        return stop;
    }

    /** Trains from {@code start} until the configured epochs are done or a stop condition is met. */
    public Outcome<M> run(TrainingPosition start) throws IOException {
        try {
            return loop(start);
        } finally {
            stop.finished();
        }
    }

    /** Before the first step of this call: progress reporting, training mode. */
    protected abstract void begin(TrainingPosition start);

    /** The number of steps in every epoch. */
    protected abstract int stepsPerEpoch();

    /**
     * Before the first step of {@code epoch} in this call (also when a resumed run starts mid-epoch): where
     * a task derives the epoch's batch order. Does nothing unless overridden.
     */
    protected void beginEpoch(int epoch) {
    }

    /** One optimizer step at {@code position} (of an epoch whose order depends only on the seed and epoch). */
    protected abstract TrainingPosition step(TrainingPosition position) throws IOException;

    /**
     * The end of an epoch: evaluation, the metrics row (metrics.csv, progress line).
     *
     * @param stopRequested polled between evaluation batches
     * @return the row, or {@code null} if a stop request interrupted the evaluation
     */
    protected abstract M finishEpoch(TrainingPosition position, BooleanSupplier stopRequested) throws IOException;

    /**
     * Saves the state at {@code position}; {@code epochBoundary} when it is the start of an epoch
     * reached by finishing the previous one (a task may keep per-epoch files then).
     */
    protected abstract void save(TrainingPosition position, boolean epochBoundary) throws IOException;

    /** The checkpoint {@link #save} writes, named in the stop message, or {@code null} if none is written. */
    protected abstract Path checkpointFile();

    private Outcome<M> loop(TrainingPosition start) throws IOException {
        begin(start);
        List<M> finished = new ArrayList<>();
        TrainingPosition position = start;
        while (position.epoch() < epochs) {
            int steps = stepsPerEpoch();
            beginEpoch(position.epoch());
            while (position.stepInEpoch() < steps) {
                if (stop.shouldStopBeforeStep(position, maxSteps)) {
                    return stopAt(position, finished);
                }
                position = step(position);
            }
            M metrics = finishEpoch(position, stop::requested);
            if (metrics == null) {
                return stopAt(position, finished);
            }
            finished.add(metrics);
            epochListener.accept(metrics);
            position = position.nextEpoch();
            save(position, true);
            boolean sessionLimit = stopAfterEpochs > 0 && finished.size() >= stopAfterEpochs;
            if (position.epoch() < epochs && (sessionLimit || stop.requested())) {
                if (stop.requested()) {
                    logStop(position);  // a stop that arrived during the epoch's evaluation
                }
                return new Outcome<>(position, false, finished);
            }
        }
        return new Outcome<>(position, true, finished);
    }

    private Outcome<M> stopAt(TrainingPosition position, List<M> finished) throws IOException {
        save(position, false);
        logStop(position);
        return new Outcome<>(position, false, finished);
    }

    private void logStop(TrainingPosition position) {
        log.println(StopSignal.stoppedAt(position, checkpointFile()));
    }
}
