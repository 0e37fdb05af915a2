package org.labo4j.vision.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Confidence calibration of a classifier, binned as in Guo et al., "On Calibration of Modern Neural
 * Networks" (ICML 2017): predictions are grouped by confidence (the top softmax probability) into
 * {@code M} equal-width bins {@code ((m-1)/M, m/M]}, and each bin's accuracy is compared with its
 * mean confidence. The expected calibration error is {@code ECE = sum_m |B_m|/n * |acc(B_m) - conf(B_m)|}.
 */
public final class ReliabilityDiagram {
    /** The bin count used by Guo et al. and by this project's reports. */
    public static final int DEFAULT_BINS = 15;

    /** One confidence interval {@code (lower, upper]}; accuracy and confidence are 0 when it is empty. */
    public record Bin(double lower, double upper, int count, double accuracy, double meanConfidence) {
        public double gap() {
            return count == 0 ? 0 : Math.abs(accuracy - meanConfidence);
        }
    }

    private final List<Bin> bins;
    private final int total;

    private ReliabilityDiagram(List<Bin> bins, int total) {
        this.bins = Collections.unmodifiableList(bins);
        this.total = total;
    }

    /**
     * @param confidences top-class probability of each prediction, in [0, 1]
     * @param correct whether each prediction was right
     */
    public static ReliabilityDiagram of(double[] confidences, boolean[] correct, int numBins) {
        return of(confidences, correct, confidences.length, numBins);
    }

    /** As {@link #of(double[], boolean[], int)}, over the first {@code count} entries. */
    public static ReliabilityDiagram of(double[] confidences, boolean[] correct, int count, int numBins) {
        if (numBins < 1) {
            throw new IllegalArgumentException("numBins must be positive, got " + numBins);
        }
        if (count > confidences.length || count > correct.length) {
            throw new IllegalArgumentException("count " + count + " exceeds the arrays (" + confidences.length
                    + " confidences, " + correct.length + " flags)");
        }
        int[] counts = new int[numBins];
        int[] hits = new int[numBins];
        double[] confidenceSums = new double[numBins];
        for (int i = 0; i < count; i++) {
            double c = confidences[i];
            if (!(c >= 0 && c <= 1)) {
                throw new IllegalArgumentException("confidence " + c + " at position " + i + " is outside [0, 1]");
            }
            int bin = binOf(c, numBins);
            counts[bin]++;
            confidenceSums[bin] += c;
            if (correct[i]) {
                hits[bin]++;
            }
        }
        List<Bin> bins = new ArrayList<>(numBins);
        for (int m = 0; m < numBins; m++) {
            int n = counts[m];
            bins.add(new Bin((double) m / numBins, (double) (m + 1) / numBins, n,
                    n == 0 ? 0 : (double) hits[m] / n, n == 0 ? 0 : confidenceSums[m] / n));
        }
        return new ReliabilityDiagram(bins, count);
    }

    /**
     * Bin {@code m} (0-based) holds confidences in {@code (m/M, (m+1)/M]}; confidence 0 joins the first bin.
     * The guess {@code ceil(c*M) - 1} is corrected against the edges {@code m/M} as doubles, so that a
     * confidence on an edge (0.3 with 10 bins, where {@code 0.3*10 = 3.0000000000000004}) lands in the
     * bin it closes.
     */
    static int binOf(double confidence, int numBins) {
        int m = (int) Math.ceil(confidence * numBins) - 1;
        if (m > 0 && confidence <= (double) m / numBins) {
            m--;
        } else if (m < numBins - 1 && confidence > (double) (m + 1) / numBins) {
            m++;
        }
        return Math.max(0, Math.min(numBins - 1, m));
    }

    public List<Bin> bins() {
        return bins;
    }

    public int total() {
        return total;
    }

    /** ECE: the count-weighted mean gap between accuracy and confidence (0 when there are no predictions). */
    public double expectedCalibrationError() {
        if (total == 0) {
            return 0;
        }
        double sum = 0;
        for (Bin bin : bins) {
            sum += (double) bin.count() / total * bin.gap();
        }
        return sum;
    }

    /** MCE: the largest gap over non-empty bins. */
    public double maximumCalibrationError() {
        double max = 0;
        for (Bin bin : bins) {
            max = Math.max(max, bin.gap());
        }
        return max;
    }
}
