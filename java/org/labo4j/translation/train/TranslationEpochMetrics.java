package org.labo4j.translation.train;

/**
 * One row of a translation run's metrics.csv: what an epoch achieved and what it cost.
 *
 * @param epoch 1-based
 * @param lr learning rate of the epoch's last step
 * @param trainLoss mean training objective per target token (the configured loss, dropout on)
 * @param trainTokenAccuracy share of target tokens the model ranked first while training on them
 * @param validationNll mean cross-entropy per validation target token (NaN without validation pairs)
 * @param validationBleu greedy-decoding BLEU of the validation set (NaN when not measured)
 * @param tokensPerSecond target tokens over the time of steps plus batch preparation
 * @param stepMillis mean wall time of one training step, batch preparation excluded
 * @param lossMillis mean wall time of the loss alone, forward and backward, within a step
 * @param dataMillis mean wall time of preparing one batch
 * @param evaluationSeconds validation loss and BLEU
 * @param epochSeconds training plus evaluation
 */
public record TranslationEpochMetrics(int epoch, double lr, double trainLoss, double trainTokenAccuracy,
        double validationNll, double validationBleu, double tokensPerSecond, double stepMillis, double lossMillis,
        double dataMillis, double evaluationSeconds, double epochSeconds) {

    /** Share of step time spent in the loss, forward and backward. */
    public double lossShare() {
        return stepMillis > 0 ? lossMillis / stepMillis : Double.NaN;
    }

    public double validationPerplexity() {
        return Math.exp(validationNll);
    }
}
