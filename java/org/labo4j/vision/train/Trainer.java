package org.labo4j.vision.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorArrayRefOptional;
import org.labo4j.Loss;
import org.labo4j.train.CutLoss;
import org.labo4j.train.EpochLoop;
import org.labo4j.train.OptimizerSettings;
import org.labo4j.train.TrainingDevice;
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
public final class Trainer extends EpochLoop<EpochMetrics> {
    private final VisionTrainConfig config;
    private final ImageClassifier model;
    private final Optimizer optimizer;
    private final CutLoss loss;
    private final ShuffledBatches trainBatches;
    private final SequentialBatches validationBatches;
    private final LearningRateSchedule schedule;
    private final Path runDirectory;
    private ProgressReporter progress;

    /**
     * @param validationBatches evaluated after every epoch, or {@code null} for none
     * @param runDirectory where metrics.csv and the checkpoint go, or {@code null} to write nothing
     * @param log receives progress lines (usually {@code System.err})
     */
    public Trainer(VisionTrainConfig config, ImageClassifier model, Optimizer optimizer, Loss loss,
            ShuffledBatches trainBatches, SequentialBatches validationBatches, Path runDirectory, PrintStream log) {
        super(config.epochs, config.maxSteps, config.stopAfterEpochs, log);
        this.config = config.copy().validate();
        this.model = model;
        this.optimizer = optimizer;
        this.loss = new CutLoss(loss);
        this.trainBatches = trainBatches;
        this.validationBatches = validationBatches;
        this.schedule = LearningRateSchedule.of(this.config, trainBatches.stepsPerEpoch());
        this.runDirectory = runDirectory;
    }

    public LearningRateSchedule schedule() {
        return schedule;
    }

    @Override
    protected void begin(TrainingPosition start) {
        progress = new ProgressReporter(log, config.progressSeconds, schedule.totalSteps(), config.epochs,
                start.globalStep());
        model.train(true);
    }

    @Override
    protected int stepsPerEpoch() {
        return trainBatches.stepsPerEpoch();
    }

    @Override
    protected TrainingPosition step(TrainingPosition position) {
        TrainingPosition next = trainStep(position);
        progress.onStep(next, trainBatches.stepsPerEpoch(), schedule.at(next.globalStep() - 1),
                trainBatches.batchSize());
        return next;
    }

    @Override
    protected EpochMetrics finishEpoch(TrainingPosition position, BooleanSupplier stopRequested) throws IOException {
        long evaluationStart = System.nanoTime();
        EvaluationResult validation = null;
        if (validationBatches != null) {
            validation = Evaluator.evaluate(model, validationBatches, stopRequested);
            if (validation == null) {
                return null;
            }
        }
        long evaluationNanos = System.nanoTime() - evaluationStart;
        progress.evaluationTook(evaluationNanos);
        EpochMetrics metrics = epochMetrics(position, validation, evaluationNanos);
        if (runDirectory != null) {
            new MetricsCsv(runDirectory.resolve(MetricsCsv.FILE_NAME)).append(metrics);
        }
        progress.onEpoch(metrics, config.epochs);
        return metrics;
    }

    @Override
    protected void save(TrainingPosition position, boolean epochBoundary) throws IOException {
        if (runDirectory != null) {
            Checkpoint.save(checkpointFile(), model, optimizer, position, config, loss.toString());
        }
    }

    @Override
    protected Path checkpointFile() {
        return runDirectory == null ? null : runDirectory.resolve(Checkpoint.FILE_NAME);
    }

    @SuppressWarnings("try") // resources held for their scope only
    private TrainingPosition trainStep(TrainingPosition position) {
        long dataStart = System.nanoTime();
        try (PointerScope scope = new PointerScope()) {
            Batch batch = trainBatches.batch(position.epoch(), position.stepInEpoch()).to(TrainingDevice.of(model));
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
}
