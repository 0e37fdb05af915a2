package org.labo4j.vision.train;

/**
 * One row of metrics.csv: what an epoch achieved and what it cost.
 *
 * @param epoch 1-based
 * @param lr learning rate of the epoch's last step
 * @param trainLoss mean training objective (the configured loss, with dropout and augmentation active)
 * @param trainAccuracy top-1 accuracy on the training batches as they were trained on
 * @param validationNll mean negative log-likelihood on the validation set (NaN without validation)
 * @param validationAccuracy top-1 accuracy on the validation set (NaN without validation)
 * @param validationEce expected calibration error on the validation set, 15 bins (NaN without validation)
 * @param imagesPerSecond training throughput: images over the time of steps plus batch preparation
 *     (evaluation excluded)
 * @param stepMillis mean wall time of one training step, data preparation excluded
 * @param lossMillis mean wall time of the loss alone, forward and backward, within a step
 * @param dataMillis mean wall time of preparing one batch
 * @param epochSeconds wall time of the epoch including evaluation
 */
public record EpochMetrics(int epoch, double lr, double trainLoss, double trainAccuracy, double validationNll,
        double validationAccuracy, double validationEce, double imagesPerSecond, double stepMillis,
        double lossMillis, double dataMillis, double epochSeconds) {

    /** Share of step time spent in the loss, forward and backward. */
    public double lossShare() {
        return stepMillis > 0 ? lossMillis / stepMillis : Double.NaN;
    }
}
