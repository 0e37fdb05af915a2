package org.labo4j.vision.metrics;

/**
 * Classification quality on one dataset.
 *
 * @param count number of images evaluated
 * @param accuracy fraction of top-1 predictions equal to the label
 * @param nll mean negative log-likelihood of the true class (natural log)
 * @param ece expected calibration error over {@link ReliabilityDiagram#DEFAULT_BINS} bins
 * @param reliability the binned data behind {@code ece}
 */
public record EvaluationResult(int count, double accuracy, double nll, double ece, ReliabilityDiagram reliability) {
}
