package org.labo4j.vision.train;

import java.nio.file.Path;
import java.util.List;

import org.labo4j.train.TrainingPosition;
import org.labo4j.vision.data.Normalization;
import org.labo4j.vision.metrics.EvaluationResult;

/**
 * What a call to {@link VisionTraining#run} produced.
 *
 * @param runDirectory where metrics.csv, the checkpoint, charts and final-metrics.json are
 * @param completed whether all configured epochs are done (false after a stop request or a step/epoch limit)
 * @param position where the run stands; resume from here with {@code resume = true}
 * @param history every finished epoch of the run, including those of earlier invocations
 * @param test test-set metrics of the final weights, or {@code null} when not {@code completed}
 * @param lossDescription the loss's {@code toString()}
 * @param parameterCount trainable scalars of the model
 * @param normalization the input normalization the model was trained and evaluated with
 */
public record VisionRunResult(Path runDirectory, boolean completed, TrainingPosition position,
        List<EpochMetrics> history, EvaluationResult test, String lossDescription, long parameterCount,
        Normalization normalization) {

    /** The last finished epoch, or {@code null} if none finished. */
    public EpochMetrics lastEpoch() {
        return history.isEmpty() ? null : history.get(history.size() - 1);
    }
}
