package org.labo4j.vision.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorArrayRefOptional;
import org.labo4j.Loss;
import org.labo4j.train.CutLoss;
import org.labo4j.train.OptimizerSettings;
import org.labo4j.train.StopSignal;
import org.labo4j.train.TrainingPosition;
import org.labo4j.vision.data.Batch;
import org.labo4j.vision.data.SequentialBatches;
import org.labo4j.vision.data.ShuffledBatches;
import org.labo4j.vision.metrics.EvaluationResult;
import org.labo4j.vision.model.ImageClassifier;

/**
 * The classification training loop: steps over shuffled batches with a scheduled learning rate,
 * evaluates on the validation set after each epoch, appends the epoch to metrics.csv and writes a
 * checkpoint, and stops cleanly (with a checkpoint of the exact position) when asked to.
 *
 * <p>Each step cuts the autograd graph at the logits ({@link CutLoss}): the loss yields dL/dlogits,
 * and that gradient is then pushed through the model. The gradients are the same as with one backward
 * call, and the loss's own forward + backward time is measured apart from the model's.
 *
 * <p>Native memory: each step runs inside a JavaCPP {@link PointerScope} that frees every tensor and
 * native object created during the step, {@code Loss.apply} included. A loss that keeps native
 * objects from one call to the next must create them outside {@code apply} (e.g. in its
 * constructor) or detach them from the scope.
 */
public final class Trainer {
    private final VisionTrainConfig config;
    private final ImageClassifier model;
    private final Optimizer optimizer;
    private final CutLoss loss;
    private final ShuffledBatches trainBatches;
    private final SequentialBatches validationBatches;
    private final LearningRateSchedule schedule;
    private final Path runDirectory;
    private final PrintStream log;
    private Consumer<EpochMetrics> epochListener = m -> { };
    private final StopSignal stop = new StopSignal();

    /** How a call to {@link #run} ended. */
    public record Outcome(TrainingPosition position, boolean completed, List<EpochMetrics> epochs) {
    }

    /**
     * @param validationBatches evaluated after every epoch, or {@code null} for none
     * @param runDirectory where metrics.csv and the checkpoint go, or {@code null} to write nothing
     * @param log receives progress lines (usually {@code System.err})
     */
    public Trainer(VisionTrainConfig config, ImageClassifier model, Optimizer optimizer, Loss loss,
            ShuffledBatches trainBatches, SequentialBatches validationBatches, Path runDirectory, PrintStream log) {
        this.config = config.copy().validate();
        this.model = model;
        this.optimizer = optimizer;
        this.loss = new CutLoss(loss);
        this.trainBatches = trainBatches;
        this.validationBatches = validationBatches;
        this.schedule = LearningRateSchedule.of(this.config, trainBatches.stepsPerEpoch());
        this.runDirectory = runDirectory;
        this.log = log;
    }

    /** Called after each finished epoch, after its metrics row and before its checkpoint. */
    public Trainer onEpoch(Consumer<EpochMetrics> listener) {
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

    public LearningRateSchedule schedule() {
        return schedule;
    }

    /** Trains from {@code start} until the configured epochs are done or a stop condition is met. */
    public Outcome run(TrainingPosition start) throws IOException {
        try {
            return loop(start);
        } finally {
            stop.finished();
        }
    }

    private Outcome loop(TrainingPosition start) throws IOException {
        int stepsPerEpoch = trainBatches.stepsPerEpoch();
        ProgressReporter progress = new ProgressReporter(log, config.progressSeconds, schedule.totalSteps(),
                config.epochs, start.globalStep());
        List<EpochMetrics> finishedEpochs = new ArrayList<>();
        TrainingPosition position = start;
        model.train(true);
        while (position.epoch() < config.epochs) {
            while (position.stepInEpoch() < stepsPerEpoch) {
                if (stop.shouldStopBeforeStep(position, config.maxSteps)) {
                    return stopAt(position, finishedEpochs);
                }
                position = step(position);
                progress.onStep(position, stepsPerEpoch, schedule.at(position.globalStep() - 1),
                        trainBatches.batchSize());
            }
            long evaluationStart = System.nanoTime();
            EvaluationResult validation = null;
            if (validationBatches != null) {
                validation = Evaluator.evaluate(model, validationBatches, stop::requested);
                if (validation == null) {
                    return stopAt(position, finishedEpochs);
                }
            }
            long evaluationNanos = System.nanoTime() - evaluationStart;
            progress.evaluationTook(evaluationNanos);
            EpochMetrics metrics = epochMetrics(position, validation, evaluationNanos);
            finishedEpochs.add(metrics);
            if (runDirectory != null) {
                new MetricsCsv(runDirectory.resolve(MetricsCsv.FILE_NAME)).append(metrics);
            }
            progress.onEpoch(metrics, config.epochs);
            epochListener.accept(metrics);
            position = position.nextEpoch();
            saveCheckpoint(position);
            boolean sessionLimit = config.stopAfterEpochs > 0 && finishedEpochs.size() >= config.stopAfterEpochs;
            if (position.epoch() < config.epochs && (sessionLimit || stop.requested())) {
                if (stop.requested()) {
                    logStop(position);  // a stop that arrived during the epoch's evaluation
                }
                return new Outcome(position, false, finishedEpochs);
            }
        }
        return new Outcome(position, true, finishedEpochs);
    }

    private Outcome stopAt(TrainingPosition position, List<EpochMetrics> finishedEpochs) throws IOException {
        saveCheckpoint(position);
        logStop(position);
        return new Outcome(position, false, finishedEpochs);
    }

    private void logStop(TrainingPosition position) {
        log.println(StopSignal.stoppedAt(position, runDirectory == null ? null
                : runDirectory.resolve(Checkpoint.FILE_NAME)));
    }

    @SuppressWarnings("try") // resources held for their scope only
    private TrainingPosition step(TrainingPosition position) {
        long dataStart = System.nanoTime();
        try (PointerScope scope = new PointerScope()) {
            Batch batch = trainBatches.batch(position.epoch(), position.stepInEpoch());
            long stepStart = System.nanoTime();
            OptimizerSettings.setLearningRate(optimizer, schedule.at(position.globalStep()));
            optimizer.zero_grad();
            Tensor logits = model.forward(batch.images());
            CutLoss.Result lossResult = loss.apply(logits, batch.labels());
            double value = lossResult.value();
            Tensor logitsGradient = lossResult.logitsGradient();
            logits.backward(logitsGradient, new BoolOptional(), false, new TensorArrayRefOptional());
            optimizer.step();
            long stepEnd = System.nanoTime();
            if (!Double.isFinite(value)) {
                throw new IllegalStateException("non-finite training loss " + value + " at epoch "
                        + (position.epoch() + 1) + " step " + position.stepInEpoch()
                        + "; the last checkpoint holds the previous epoch");
            }
            long correct = logits.argmax(new LongOptional(1), false).eq(batch.labels()).sum().item_long();
            return position.afterStep(value, correct, batch.size(), stepEnd - stepStart, lossResult.nanos(),
                    stepStart - dataStart);
        }
    }

    private EpochMetrics epochMetrics(TrainingPosition p, EvaluationResult validation, long evaluationNanos) {
        double steps = Math.max(1, p.stepInEpoch());
        double trainSeconds = (p.stepNanos() + p.dataNanos()) / 1e9;
        return new EpochMetrics(p.epoch() + 1, schedule.at(p.globalStep() - 1),
                p.meanTrainLoss(), p.trainAccuracy(),
                validation == null ? Double.NaN : validation.nll(),
                validation == null ? Double.NaN : validation.accuracy(),
                validation == null ? Double.NaN : validation.ece(),
                p.trainItems() / trainSeconds, p.stepNanos() / 1e6 / steps, p.lossNanos() / 1e6 / steps,
                p.dataNanos() / 1e6 / steps, trainSeconds + evaluationNanos / 1e9);
    }

    private void saveCheckpoint(TrainingPosition position) throws IOException {
        if (runDirectory != null) {
            Checkpoint.save(runDirectory.resolve(Checkpoint.FILE_NAME), model, optimizer, position, config,
                    loss.toString());
        }
    }
}
