package org.labo4j.vision.metrics;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.labo4j.train.TrainingDevice;

/**
 * Collects per-image predictions batch by batch and summarises them as accuracy, NLL and calibration.
 * Softmax and log-likelihoods are computed here in double precision from the float logits, so the
 * numbers do not depend on which loss trained the model.
 */
public final class EvaluationAccumulator {
    private final int numBins;
    private double[] confidences = new double[1024];
    private boolean[] correct = new boolean[1024];
    private int count;
    private int hits;
    private double nllSum;

    public EvaluationAccumulator() {
        this(ReliabilityDiagram.DEFAULT_BINS);
    }

    public EvaluationAccumulator(int numBins) {
        this.numBins = numBins;
    }

    /** Adds a batch of logits {@code float32 [B, V]} with int64 labels {@code [B]}. */
    public void add(Tensor logits, Tensor labels) {
        if (logits.dim() != 2 || labels.dim() != 1 || logits.size(0) != labels.size(0)) {
            throw new IllegalArgumentException("expected logits [B, V] and labels [B], got "
                    + Arrays.toString(logits.shape()) + " and " + Arrays.toString(labels.shape()));
        }
        int rows = (int) logits.size(0);
        int classes = (int) logits.size(1);
        try (Device cpu = TrainingDevice.CPU.device();
                Tensor floatLogits = logits.to(cpu, ScalarType.Float).contiguous();
                Tensor longLabels = labels.to(cpu, ScalarType.Long).contiguous()) {
            float[] values = new float[rows * classes];
            long[] targets = new long[rows];
            ((FloatBuffer) floatLogits.createBuffer()).get(values);
            ((LongBuffer) longLabels.createBuffer()).get(targets);
            add(values, classes, targets);
        }
    }

    /** Adds {@code targets.length} rows of row-major logits with {@code classes} columns each. */
    public void add(float[] logits, int classes, long[] targets) {
        for (int r = 0; r < targets.length; r++) {
            int base = r * classes;
            int target = (int) targets[r];
            if (target < 0 || target >= classes) {
                throw new IllegalArgumentException("label " + targets[r] + " is outside [0, " + classes + ")");
            }
            int argmax = 0;
            double max = logits[base];
            for (int k = 1; k < classes; k++) {
                if (logits[base + k] > max) {
                    max = logits[base + k];
                    argmax = k;
                }
            }
            double sumExp = 0;
            for (int k = 0; k < classes; k++) {
                sumExp += Math.exp(logits[base + k] - max);
            }
            double logSumExp = max + Math.log(sumExp);
            record(1.0 / sumExp, argmax == target, logSumExp - logits[base + target]);
        }
    }

    private void record(double confidence, boolean right, double nll) {
        if (count == confidences.length) {
            confidences = Arrays.copyOf(confidences, count * 2);
            correct = Arrays.copyOf(correct, count * 2);
        }
        confidences[count] = confidence;
        correct[count] = right;
        count++;
        if (right) {
            hits++;
        }
        nllSum += nll;
    }

    public int count() {
        return count;
    }

    public EvaluationResult result() {
        ReliabilityDiagram diagram = ReliabilityDiagram.of(confidences, correct, count, numBins);
        return new EvaluationResult(count, count == 0 ? 0 : (double) hits / count, count == 0 ? 0 : nllSum / count,
                diagram.expectedCalibrationError(), diagram);
    }
}
