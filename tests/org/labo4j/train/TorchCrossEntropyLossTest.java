package org.labo4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

class TorchCrossEntropyLossTest {
    private static final float[] LOGITS = {1f, 2f, 0.5f, -1f, 0f, 3f};
    private static final long[] TARGETS = {0, 2};

    /** Row loss with uniform smoothing: (1 - a) (LSE - z_y) + a (LSE - mean z). */
    private static double expected(double alpha) {
        double total = 0;
        for (int r = 0; r < 2; r++) {
            double lse = 0;
            double mean = 0;
            for (int k = 0; k < 3; k++) {
                lse += Math.exp(LOGITS[r * 3 + k]);
                mean += LOGITS[r * 3 + k] / 3.0;
            }
            lse = Math.log(lse);
            total += (1 - alpha) * (lse - LOGITS[r * 3 + (int) TARGETS[r]]) + alpha * (lse - mean);
        }
        return total / 2;
    }

    @Test
    void plainAndSmoothedCrossEntropyMatchTheFormula() {
        try (Tensor logits = Tensor.create(LOGITS, 2, 3); Tensor targets = Tensor.create(TARGETS, 2)) {
            assertEquals(expected(0), new TorchCrossEntropyLoss(0).apply(logits, targets).item_double(), 1e-6);
            assertEquals(expected(0.1), new TorchCrossEntropyLoss(0.1).apply(logits, targets).item_double(), 1e-6);
        }
    }

    @Test
    void sequenceShapedInputIsFlattened() {
        try (Tensor logits = Tensor.create(LOGITS, 1, 2, 3); Tensor targets = Tensor.create(TARGETS, 1, 2)) {
            assertEquals(expected(0.2), new TorchCrossEntropyLoss(0.2).apply(logits, targets).item_double(), 1e-6);
        }
    }

    @Test
    void smoothingOutsideItsRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TorchCrossEntropyLoss(1.0));
        assertThrows(IllegalArgumentException.class, () -> new TorchCrossEntropyLoss(-0.1));
        assertEquals("torch-cross-entropy(label_smoothing=0.1)", new TorchCrossEntropyLoss(0.1).toString());
    }
}
