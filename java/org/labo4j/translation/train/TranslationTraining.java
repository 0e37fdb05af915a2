package org.labo4j.translation.train;

import static org.bytedeco.pytorch.global.torch.manual_seed;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.bytedeco.pytorch.Optimizer;
import org.labo4j.LabelRegularizer;
import org.labo4j.Loss;
import org.labo4j.train.CpuThreads;
import org.labo4j.train.CutLoss;
import org.labo4j.train.EpochCharts;
import org.labo4j.train.EpochLoop;
import org.labo4j.train.RunDirectory;
import org.labo4j.train.StopOnShutdown;
import org.labo4j.train.TorchCrossEntropyLoss;
import org.labo4j.train.TrainingDevice;
import org.labo4j.train.TrainingPosition;
import org.labo4j.translation.batch.TokenBudgetBatches;
import org.labo4j.translation.data.SentencePair;
import org.labo4j.translation.model.TransformerConfig;
import org.labo4j.translation.model.TranslationTransformer;
import org.labo4j.translation.tokenize.BpeTokenizer;
import org.labo4j.translation.tokenize.BpeTokenizerFile;
import org.labo4j.util.AtomicFiles;
import org.labo4j.util.PropertiesText;

/**
 * One translation training run from a configuration and a loss, start to finish: reads the Multi30k
 * pair, learns the joint BPE vocabulary (or restores it and everything else from the run directory's
 * checkpoint), trains with per-epoch validation loss and BLEU, checkpoints and charts, then scores the
 * final weights on the test set with greedy decoding and beam search.
 *
 * <p>Run directory contents: {@code config.properties}, {@code bpe.txt}, {@code metrics.csv},
 * {@code checkpoint.pt}, {@code curves.png}, {@code epoch-weights/} (the last {@code averageLast} epochs'
 * weights), and once all epochs are done {@code test-greedy.hyp}, {@code test-beamK.hyp},
 * {@code final-metrics.json} and, for the average of the kept epochs' weights, {@code averaged/}.
 */
public final class TranslationTraining {
    public static final String CONFIG_FILE = RunDirectory.CONFIG_FILE;
    public static final String VOCABULARY_FILE = "bpe.txt";
    /** Where the test of the averaged weights writes its hypotheses and scores. */
    public static final String AVERAGED_DIRECTORY = "averaged";
    /** How long Ctrl-C waits for the current step (or evaluation group) and its checkpoint. */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(120);

    private TranslationTraining() {
    }

    /**
     * Trains as {@code requested} says with {@code loss}, which must ignore padding
     * ({@code ignore_index = SpecialTokens.PAD}), writing progress to {@code log}.
     *
     * @throws IllegalArgumentException for an invalid configuration, or one that differs from the
     *     checkpoint being resumed in an option that changes the trajectory
     * @throws IllegalStateException when starting a new run in a directory that already holds one
     * @throws IOException when data or run files cannot be read or written
     */
    @SuppressWarnings("try") // the shutdown hook is held for the training only
    public static TranslationRunResult run(TranslationTrainConfig requested, Loss loss, PrintStream log)
            throws IOException {
        TranslationTrainConfig config = requested.copy().validate();
        TrainingDevice device = TrainingDevice.parse(config.device).requireAvailable();
        Path runDirectory = config.runDir;
        Path checkpointFile = runDirectory.resolve(TranslationCheckpoint.FILE_NAME);
        TranslationMetricsCsv metricsCsv = new TranslationMetricsCsv(runDirectory.resolve(
                TranslationMetricsCsv.FILE_NAME));
        TranslationCheckpoint.Metadata saved = null;
        if (config.resume) {
            saved = TranslationCheckpoint.readMetadata(checkpointFile);
            RunDirectory.requireResumable(checkpointFile, config.trajectoryDifferences(saved.config()),
                    saved.lossDescription(), loss, log);
        } else {
            RunDirectory.requireFresh(runDirectory, checkpointFile, metricsCsv.file(), "directory");
        }

        CpuThreads.BLAS.apply(config.threads);
        manual_seed(config.seed);
        List<SentencePair> trainPairs = TranslationData.trainingPairs(config);
        BpeTokenizer tokenizer;
        if (saved != null) {
            tokenizer = saved.tokenizer();
        } else {
            long start = System.nanoTime();
            tokenizer = TranslationData.learnVocabulary(trainPairs, config.vocab);
            log.println(String.format(Locale.ROOT, "joint BPE vocabulary of %d ids learned on %d pairs in %.1f s",
                    tokenizer.vocabularySize(), trainPairs.size(), (System.nanoTime() - start) / 1e9));
        }
        TransformerConfig modelConfig = ModelSizes.of(config.model, tokenizer.vocabularySize(), config.dropout);
        TranslationData data = TranslationData.load(config, trainPairs, tokenizer, modelConfig.maxPositions());
        if (data.train().isEmpty()) {
            throw new IllegalArgumentException("no training pair fits the model's " + modelConfig.maxPositions()
                    + " positions");
        }

        TranslationTransformer model = new TranslationTransformer(modelConfig);
        model.to(device.device(), false);  // before the optimizer, which holds the parameters it updates
        Optimizer optimizer = AdamFactory.create(config, model.parameters());
        TrainingPosition start = TrainingPosition.start();
        if (saved != null) {
            start = TranslationCheckpoint.restore(checkpointFile, model, optimizer).position();
            metricsCsv.truncateAfter(start.epoch());
            RunDirectory.logResume(log, runDirectory, start);
        } else {
            RunDirectory.writeConfig(runDirectory,
                    PropertiesText.ascii(config.toProperties(), "labo4j translation training options"));
            BpeTokenizerFile.save(tokenizer, runDirectory.resolve(VOCABULARY_FILE));
        }
        TokenBudgetBatches batches = new TokenBudgetBatches(data.train(), config.maxTokens);
        log.println(String.format(Locale.ROOT,
                "%s -> %s, model %s (%,d parameters), vocabulary %d, loss %s [%s]; %d training pairs%s in %d "
                        + "batches of <= %d tokens, %d validation / %d test sentences, device %s, threads: %s",
                config.src, config.tgt, config.model, model.parameterCount(), tokenizer.vocabularySize(), loss,
                implementation(loss), data.train().size(),
                data.skippedTrain() > 0 ? " (" + data.skippedTrain() + " too long, left out)" : "",
                batches.batchCount(), config.maxTokens, data.validation().size(), data.test().size(),
                device, CpuThreads.describe()));

        ValidationEvaluator validation = data.validation().isEmpty() ? null
                : new ValidationEvaluator(data.validationEncoded(), data.validation(), tokenizer, config.maxTokens,
                        config.validBleu, config.decodeBatch);
        TranslationTrainer trainer = new TranslationTrainer(config, model, optimizer, new CutLoss(loss), batches,
                validation, tokenizer, runDirectory, log);
        String title = config.src + " \u2192 " + config.tgt + ", " + config.model + ", " + loss;
        if (config.plots) {
            trainer.onEpoch(EpochCharts.redrawAfterEachEpoch(
                    () -> TranslationReports.writeCurves(runDirectory, title, metricsCsv.readAll()), log));
        }

        EpochLoop.Outcome<TranslationEpochMetrics> outcome;
        try (StopOnShutdown hook = new StopOnShutdown(trainer.stopSignal(), SHUTDOWN_GRACE, log, "labo4j-translation-checkpoint-on-shutdown")) {
            outcome = trainer.run(start);
        }
        List<TranslationEpochMetrics> history = metricsCsv.readAll();
        TestEvaluation test = null;
        TestEvaluation averaged = null;
        if (outcome.completed()) {
            long testStart = System.nanoTime();
            test = TestEvaluation.run(model, tokenizer, data.test(), config, runDirectory);
            log.println(String.format(Locale.ROOT, "test (%d sentences, %.0f s): greedy %s%s",
                    test.sentences(), (System.nanoTime() - testStart) / 1e9, test.greedy().format(),
                    test.beam() == null ? "" : "; beam " + test.beamSize() + " " + test.beam().format()));
            List<Path> snapshots = EpochWeights.latest(runDirectory, config.averageLast);
            averaged = config.averageLast >= 2 && snapshots.size() >= 2
                    ? testAverage(model, tokenizer, data, config, snapshots, runDirectory, log) : null;
            TranslationReports.writeSummary(runDirectory, config, loss.toString(), implementation(loss),
                    model.parameterCount(), tokenizer.vocabularySize(), history, test, averaged, snapshots.size());
        }
        TranslationRunResult result = new TranslationRunResult(runDirectory, outcome.completed(), outcome.position(),
                history, test, averaged, loss.toString(), model.parameterCount());
        reportLossShare(history, outcome.position(), loss, log);
        return result;
    }

    /** Tests the average of the kept epochs' weights; its hypotheses and scores go to {@code averaged/}. */
    private static TestEvaluation testAverage(TranslationTransformer model, BpeTokenizer tokenizer,
            TranslationData data, TranslationTrainConfig config, List<Path> snapshots, Path runDirectory,
            PrintStream log) throws IOException {
        long start = System.nanoTime();
        // Built like the trained model: its initial weights are overwritten by the average.
        TranslationTransformer averaged = new TranslationTransformer(model.config());
        averaged.to(model.device(), false);
        EpochWeights.loadAverage(snapshots, averaged);
        Path directory = Files.createDirectories(runDirectory.resolve(AVERAGED_DIRECTORY));
        TestEvaluation test = TestEvaluation.run(averaged, tokenizer, data.test(), config, directory);
        String line = String.format(Locale.ROOT, "test, average of the last %d epochs' weights (%d sentences, "
                + "%.0f s): greedy %s%s", snapshots.size(), test.sentences(), (System.nanoTime() - start) / 1e9,
                test.greedy().format(),
                test.beam() == null ? "" : "; beam " + test.beamSize() + " " + test.beam().format());
        AtomicFiles.writeString(directory.resolve("test-bleu.txt"), line + "\n");
        log.println(line);
        return test;
    }

    /** The loss's share of step time over the finished epochs, or over the steps so far when none finished. */
    private static void reportLossShare(List<TranslationEpochMetrics> history, TrainingPosition position, Loss loss,
            PrintStream log) {
        double lossMillis;
        double stepMillis;
        String over;
        if (!history.isEmpty()) {
            lossMillis = history.stream().mapToDouble(TranslationEpochMetrics::lossMillis).average().orElseThrow();
            stepMillis = history.stream().mapToDouble(TranslationEpochMetrics::stepMillis).average().orElseThrow();
            over = "mean over " + history.size() + " epoch" + (history.size() == 1 ? "" : "s");
        } else if (position.stepInEpoch() > 0) {
            lossMillis = position.lossNanos() / 1e6 / position.stepInEpoch();
            stepMillis = position.stepNanos() / 1e6 / position.stepInEpoch();
            over = "mean over the " + position.stepInEpoch() + " steps of the unfinished epoch";
        } else {
            return;
        }
        log.println(String.format(Locale.ROOT, "loss share of step time: %.2f%% (%s loss, %.1f of %.1f ms per step, "
                + "%s)", 100 * lossMillis / stepMillis, implementation(loss), lossMillis, stepMillis, over));
    }

    /** "fused" for labo4j's kernel, "libtorch" for libtorch's cross_entropy. */
    static String implementation(Loss loss) {
        if (loss instanceof LabelRegularizer) {
            return "fused";
        }
        return loss instanceof TorchCrossEntropyLoss ? "libtorch" : loss.getClass().getSimpleName();
    }
}
