package org.labo4j.vision.train;

import java.util.function.BooleanSupplier;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.labo4j.train.TrainingDevice;
import org.labo4j.vision.data.Batch;
import org.labo4j.vision.data.SequentialBatches;
import org.labo4j.vision.metrics.EvaluationAccumulator;
import org.labo4j.vision.metrics.EvaluationResult;
import org.labo4j.vision.model.ImageClassifier;

/** Runs a model over a dataset in inference mode (batch-norm running statistics, no dropout, no autograd). */
public final class Evaluator {
    private Evaluator() {
    }

    public static EvaluationResult evaluate(ImageClassifier model, SequentialBatches batches) {
        return evaluate(model, batches, () -> false);
    }

    /**
     * As {@link #evaluate(ImageClassifier, SequentialBatches)}, giving up between batches once
     * {@code abandon} says so (then returns {@code null}); the model's train/eval mode is restored.
     */
    @SuppressWarnings("try") // resources held for their scope only
    public static EvaluationResult evaluate(ImageClassifier model, SequentialBatches batches, BooleanSupplier abandon) {
        boolean wasTraining = model.is_training();
        model.eval();
        EvaluationAccumulator accumulator = new EvaluationAccumulator();
        Device device = TrainingDevice.of(model);
        try (NoGradGuard noGrad = new NoGradGuard()) {
            boolean complete = EvaluationPass.run(batches, abandon, (index, batch) -> {
                Batch onDevice = batch.to(device);
                accumulator.add(model.forward(onDevice.images()), onDevice.labels());
            });
            if (!complete) {
                return null;
            }
        } finally {
            model.train(wasTraining);
        }
        return accumulator.result();
    }
}
