package org.labo4j.translation.train;

import static org.bytedeco.pytorch.global.torch.clip_grad_norm_;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorArrayRefOptional;
import org.bytedeco.pytorch.TensorVector;
import org.labo4j.train.CutLoss;
import org.labo4j.train.EpochLoop;
import org.labo4j.train.OptimizerSettings;
import org.labo4j.train.TrainingPosition;
import org.labo4j.translation.batch.TokenBudgetBatches;
import org.labo4j.translation.batch.TranslationBatch;
import org.labo4j.translation.model.TranslationTransformer;
import org.labo4j.translation.tokenize.BpeTokenizer;
import org.labo4j.translation.tokenize.SpecialTokens;

/**
 * The translation training loop: steps over token-budget batches in a seeded order with the
 * inverse-square-root learning rate and gradient clipping, evaluates validation loss and BLEU after
 * each epoch, appends the epoch to metrics.csv, writes a checkpoint, and stops cleanly (with a
 * checkpoint of the exact position) when asked to.
 *
 * <p>Each step cuts the autograd graph at the logits ({@link CutLoss}), so the loss's share of the
 * step time is measured apart from the model's. Each step runs inside a JavaCPP {@link PointerScope}
 * that frees every native object created during it, the loss's included.
 */
public final class TranslationTrainer extends EpochLoop<TranslationEpochMetrics> {
    private final TranslationTrainConfig config;
    private final TranslationTransformer model;
    private final TensorVector parameters;
    private final Optimizer optimizer;
    private final CutLoss loss;
    private final TokenBudgetBatches batches;
    private final ValidationEvaluator validation;
    private final BpeTokenizer tokenizer;
    private final InverseSqrtSchedule schedule;
    private final Path runDirectory;
    private final String lossImplementation;
    private TranslationProgress progress;
    private int[] epochOrder;

    /**
     * @param validation evaluated after every epoch, or {@code null} for none
     * @param runDirectory where metrics.csv and the checkpoint go, or {@code null} to write nothing
     * @param log receives progress lines (usually {@code System.err})
     */
    TranslationTrainer(TranslationTrainConfig config, TranslationTransformer model, Optimizer optimizer,
            CutLoss loss, TokenBudgetBatches batches, ValidationEvaluator validation, BpeTokenizer tokenizer,
            Path runDirectory, PrintStream log) {
        super(config.epochs, config.maxSteps, config.stopAfterEpochs, log);
        this.config = config.copy().validate();
        this.model = model;
        this.parameters = model.parameters();
        this.optimizer = optimizer;
        this.loss = loss;
        this.batches = batches;
        this.validation = validation;
        this.tokenizer = tokenizer;
        this.schedule = new InverseSqrtSchedule(config.lr, config.warmupSteps);
        this.runDirectory = runDirectory;
        this.lossImplementation = TranslationTraining.implementation(loss.loss());
    }

    @Override
    protected void begin(TrainingPosition start) {
        progress = new TranslationProgress(log, config.progressSeconds, config.epochs, batches.batchCount(),
                start.globalStep());
        model.train(true);
    }

    @Override
    protected int stepsPerEpoch() {
        return batches.batchCount();
    }

    @Override
    protected void beginEpoch(int epoch) {
        epochOrder = batches.epochOrder(config.seed, epoch);
    }

    @Override
    protected TrainingPosition step(TrainingPosition position) {
        TrainingPosition next = trainStep(position, epochOrder[position.stepInEpoch()]);
        progress.onStep(next, next.trainItems() - position.trainItems(), schedule.at(next.globalStep() - 1));
        return next;
    }

    @Override
    protected TranslationEpochMetrics finishEpoch(TrainingPosition position, BooleanSupplier stopRequested)
            throws IOException {
        long evaluationStart = System.nanoTime();
        ValidationEvaluator.Result result = new ValidationEvaluator.Result(Double.NaN, Double.NaN);
        if (validation != null) {
            result = validation.evaluate(model, stopRequested);
            if (result == null) {
                return null;
            }
        }
        long evaluationNanos = System.nanoTime() - evaluationStart;
        progress.evaluationTook(evaluationNanos);
        TranslationEpochMetrics metrics = epochMetrics(position, result, evaluationNanos);
        if (runDirectory != null) {
            new TranslationMetricsCsv(runDirectory.resolve(TranslationMetricsCsv.FILE_NAME)).append(metrics);
        }
        progress.onEpoch(metrics, lossImplementation);
        return metrics;
    }

    @Override
    protected void save(TrainingPosition position, boolean epochBoundary) throws IOException {
        if (runDirectory == null) {
            return;
        }
        if (epochBoundary && config.averageLast > 0) {
            EpochWeights.save(runDirectory, position.epoch(), model, config.averageLast);
        }
        TranslationCheckpoint.save(checkpointFile(), model, optimizer, position, config, loss.toString(), tokenizer);
    }

    @Override
    protected Path checkpointFile() {
        return runDirectory == null ? null : runDirectory.resolve(TranslationCheckpoint.FILE_NAME);
    }

    @SuppressWarnings("try") // scope held for its block only
    private TrainingPosition trainStep(TrainingPosition position, int batchIndex) {
        long dataStart = System.nanoTime();
        try (PointerScope scope = new PointerScope()) {
            TranslationBatch batch = batches.batch(batchIndex).to(model.device());
            long stepStart = System.nanoTime();
            OptimizerSettings.setLearningRate(optimizer, schedule.at(position.globalStep()));
            optimizer.zero_grad();
            Tensor logits = model.forward(batch.source(), batch.targetInput());
            CutLoss.Result result = loss.apply(logits, batch.targetOutput());
            logits.backward(result.logitsGradient(), new BoolOptional(), false, new TensorArrayRefOptional());
            if (config.clipNorm > 0) {
                clip_grad_norm_(parameters, config.clipNorm);
            }
            optimizer.step();
            long stepEnd = System.nanoTime();
            if (!Double.isFinite(result.value())) {
                throw new IllegalStateException("non-finite training loss " + result.value() + " at epoch "
                        + (position.epoch() + 1) + " step " + position.stepInEpoch()
                        + "; the last checkpoint holds the previous epoch");
            }
            Tensor targets = batch.targetOutput();
            long correct = logits.argmax(new LongOptional(2), false).eq(targets)
                    .logical_and(targets.ne(new Scalar(SpecialTokens.PAD))).sum().item_long();
            return position.afterStep(result.value(), correct, batch.targetTokens(), stepEnd - stepStart,
                    result.nanos(), stepStart - dataStart);
        }
    }

    private TranslationEpochMetrics epochMetrics(TrainingPosition p, ValidationEvaluator.Result validation,
            long evaluationNanos) {
        double steps = Math.max(1, p.stepInEpoch());
        double trainSeconds = (p.stepNanos() + p.dataNanos()) / 1e9;
        return new TranslationEpochMetrics(p.epoch() + 1, schedule.at(p.globalStep() - 1), p.meanTrainLoss(),
                p.trainAccuracy(), validation.nll(), validation.bleu(), p.trainItems() / trainSeconds,
                p.stepNanos() / 1e6 / steps, p.lossNanos() / 1e6 / steps, p.dataNanos() / 1e6 / steps,
                evaluationNanos / 1e9, trainSeconds + evaluationNanos / 1e9);
    }
}
