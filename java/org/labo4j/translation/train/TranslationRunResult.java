package org.labo4j.translation.train;

import java.nio.file.Path;
import java.util.List;

import org.labo4j.train.TrainingPosition;

/**
 * What a call to {@link TranslationTraining#run} produced.
 *
 * @param runDirectory where the checkpoint, metrics, charts, hypotheses and summary are
 * @param completed whether all configured epochs are done (false after a stop request or a step/epoch limit)
 * @param position where the run stands; resume from here with {@code resume = true}
 * @param history every finished epoch of the run, including those of earlier invocations
 * @param test the test-set evaluation of the final weights, or {@code null} when not {@code completed}
 * @param averagedTest the test-set evaluation of the average of the last epochs' weights, or {@code null}
 *     when none was run (the run is not completed, or it kept fewer than two epochs' weights)
 * @param lossDescription the loss's {@code toString()}
 * @param parameterCount trainable scalars of the model
 */
public record TranslationRunResult(Path runDirectory, boolean completed, TrainingPosition position,
        List<TranslationEpochMetrics> history, TestEvaluation test, TestEvaluation averagedTest,
        String lossDescription, long parameterCount) {

    /** The last finished epoch, or {@code null} if none finished. */
    public TranslationEpochMetrics lastEpoch() {
        return history.isEmpty() ? null : history.get(history.size() - 1);
    }

    /** Mean share of step time spent in the loss over the finished epochs (NaN before the first). */
    public double lossShare() {
        double step = 0;
        double loss = 0;
        for (TranslationEpochMetrics m : history) {
            step += m.stepMillis();
            loss += m.lossMillis();
        }
        return step > 0 ? loss / step : Double.NaN;
    }

    /** Mean wall time of an epoch, evaluation included (NaN before the first). */
    public double secondsPerEpoch() {
        return history.stream().mapToDouble(TranslationEpochMetrics::epochSeconds).average().orElse(Double.NaN);
    }
}
