package org.labo4j.vision.train;

import static org.bytedeco.pytorch.global.torch.manual_seed;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.bytedeco.pytorch.Optimizer;
import org.labo4j.Loss;
import org.labo4j.train.CpuThreads;
import org.labo4j.train.EpochCharts;
import org.labo4j.train.EpochLoop;
import org.labo4j.train.FinalMetrics;
import org.labo4j.train.RunDirectory;
import org.labo4j.train.StopOnShutdown;
import org.labo4j.train.TrainingDevice;
import org.labo4j.train.TrainingPosition;
import org.labo4j.util.PropertiesText;
import org.labo4j.vision.data.BatchAssembler;
import org.labo4j.vision.data.IdxDatasetLoader;
import org.labo4j.vision.data.ImageDataset;
import org.labo4j.vision.data.Normalization;
import org.labo4j.vision.data.RandomCropFlip;
import org.labo4j.vision.data.SequentialBatches;
import org.labo4j.vision.data.ShuffledBatches;
import org.labo4j.vision.data.TrainValidationSplit;
import org.labo4j.vision.metrics.EvaluationResult;
import org.labo4j.vision.model.ImageClassifier;
import org.labo4j.vision.model.ModelFactory;

/**
 * One vision training run from a configuration and a loss, start to finish: loads the data, builds
 * model and optimizer (or restores them from the run directory's checkpoint), trains with per-epoch
 * validation, checkpoints and charts, then evaluates the final weights on the test set.
 *
 * <p>Run directory contents: {@code config.properties}, {@code metrics.csv}, {@code checkpoint.pt},
 * {@code curves.png}, and once all epochs are done {@code final-metrics.json},
 * {@code reliability-test.csv} and {@code reliability-test.png}.
 */
public final class VisionTraining {
    public static final String CONFIG_FILE = RunDirectory.CONFIG_FILE;
    /** Classes of the MNIST-layout datasets this entry point reads (Fashion-MNIST, MNIST, KMNIST). */
    public static final int NUM_CLASSES = 10;
    /** How long Ctrl-C waits for the current step and its checkpoint (a ResNet-18 step on CPU takes seconds). */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(120);

    private VisionTraining() {
    }

    public static VisionRunResult run(VisionTrainConfig config, Loss loss) throws IOException {
        return run(config, loss, System.err);
    }

    /**
     * Trains as {@code requested} says with {@code loss}, writing progress to {@code log}.
     *
     * @throws IllegalArgumentException for an invalid configuration, or one that differs from the
     *     checkpoint being resumed in an option that changes the trajectory
     * @throws IllegalStateException when starting a new run in a directory that already holds one
     * @throws IOException when data or run files cannot be read or written
     */
    @SuppressWarnings("try") // resources held for their scope only
    public static VisionRunResult run(VisionTrainConfig requested, Loss loss, PrintStream log) throws IOException {
        VisionTrainConfig config = requested.copy().validate();
        TrainingDevice device = TrainingDevice.parse(config.device).requireAvailable();
        Path runDirectory = config.runDir;
        Path checkpointFile = runDirectory.resolve(Checkpoint.FILE_NAME);
        MetricsCsv metricsCsv = new MetricsCsv(runDirectory.resolve(MetricsCsv.FILE_NAME));
        if (config.resume) {
            Checkpoint.Metadata saved = Checkpoint.readMetadata(checkpointFile);
            RunDirectory.requireResumable(checkpointFile, config.trajectoryDifferences(saved.config()),
                    saved.lossDescription(), loss, log);
        } else {
            RunDirectory.requireFresh(runDirectory, checkpointFile, metricsCsv.file(), "runDir");
        }

        CpuThreads.OPENMP.apply(config.threads);
        manual_seed(config.seed);

        ImageDataset full = IdxDatasetLoader.loadTrain(config.dataDir, NUM_CLASSES);
        if (full.height() != full.width()) {
            throw new IllegalArgumentException(config.dataDir + ": images are " + full.height() + "x" + full.width()
                    + "; the models expect square images");
        }
        // Statistics of the whole training file, as published for the dataset (Fashion-MNIST: 0.2860 / 0.3530).
        Normalization normalization = Normalization.measure(full);
        ImageDataset train = full;
        ImageDataset validation = null;
        if (config.validationSize > 0) {
            TrainValidationSplit split = TrainValidationSplit.carve(full, config.validationSize, config.splitSeed);
            train = split.train();
            validation = split.validation();
        }
        if (config.trainSubset > 0) {
            train = train.head(config.trainSubset);
        }

        ImageClassifier model = ModelFactory.create(config.model, 1, full.height(), NUM_CLASSES, config.dropout);
        model.to(device.device(), false);  // before the optimizer, which holds the parameters it updates
        Optimizer optimizer = OptimizerFactory.create(config, model.parameters());
        TrainingPosition start = TrainingPosition.start();
        if (config.resume) {
            start = Checkpoint.restore(checkpointFile, model, optimizer).position();
            metricsCsv.truncateAfter(start.epoch());
            RunDirectory.logResume(log, runDirectory, start);
        } else {
            RunDirectory.writeConfig(runDirectory,
                    PropertiesText.of(config.toProperties(), "labo4j vision training options"));
        }
        log.println(String.format("%s (%,d parameters), loss %s, %d training / %d validation images, device %s, threads: %s",
                model.architecture(), model.parameterCount(), loss, train.size(),
                validation == null ? 0 : validation.size(), device, CpuThreads.describe()));

        BatchAssembler assembler = new BatchAssembler(normalization,
                config.augment ? new RandomCropFlip(config.augmentPadding, true) : null);
        ShuffledBatches trainBatches = new ShuffledBatches(train, config.batchSize, config.seed, assembler);
        SequentialBatches validationBatches = validation == null ? null
                : new SequentialBatches(validation, config.evalBatchSize, normalization);
        Trainer trainer = new Trainer(config, model, optimizer, loss, trainBatches, validationBatches, runDirectory,
                log);
        String title = model.architecture() + ", " + loss;
        if (config.plots) {
            trainer.onEpoch(EpochCharts.redrawAfterEachEpoch(
                    () -> RunReports.writeCurves(runDirectory, title, metricsCsv.readAll()), log));
        }

        EpochLoop.Outcome<EpochMetrics> outcome;
        try (StopOnShutdown hook = new StopOnShutdown(trainer.stopSignal(), SHUTDOWN_GRACE, log, "labo4j-vision-checkpoint-on-shutdown")) {
            outcome = trainer.run(start);
        }
        List<EpochMetrics> history = metricsCsv.readAll();
        EvaluationResult test = null;
        if (outcome.completed()) {
            ImageDataset testSet = IdxDatasetLoader.loadTest(config.dataDir, NUM_CLASSES);
            test = Evaluator.evaluate(model, new SequentialBatches(testSet, config.evalBatchSize, normalization));
            RunReports.writeSummary(runDirectory, config, loss.toString(), model.parameterCount(), history, test);
            RunReports.writeReliability(runDirectory, title + ", test set", test.reliability(), config.plots);
            log.println(String.format("test: accuracy %.2f%%  nll %.4f  ece %.4f  (%s)", 100 * test.accuracy(),
                    test.nll(), test.ece(), runDirectory.resolve(FinalMetrics.FILE_NAME)));
        }
        return new VisionRunResult(runDirectory, outcome.completed(), outcome.position(), history, test,
                loss.toString(), model.parameterCount(), normalization);
    }
}
