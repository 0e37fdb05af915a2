package org.labo4j.vision.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

class EvaluationAccumulatorTest {
    /**
     * Row 1: logits (0, ln 3) give p = (1/4, 3/4); label 1: right, confidence 3/4, NLL -ln(3/4).
     * Row 2: logits (0, ln 3.5) give p = (2/9, 7/9); label 0: wrong, confidence 7/9, NLL -ln(2/9).
     */
    @Test
    void accuracyNllAndConfidenceByHand() {
        float[] logits = {0f, (float) Math.log(3), 0f, (float) Math.log(3.5)};
        EvaluationAccumulator accumulator = new EvaluationAccumulator();
        accumulator.add(logits, 2, new long[] {1, 0});
        EvaluationResult r = accumulator.result();
        assertEquals(2, r.count());
        assertEquals(0.5, r.accuracy(), 1e-12);
        assertEquals((-Math.log(0.75) - Math.log(2.0 / 9)) / 2, r.nll(), 1e-6);
        // 15 bins: 0.75 and 0.778 share bin 11, (11/15, 12/15] = (0.733, 0.8].
        assertEquals(Math.abs(0.5 - (0.75 + 7.0 / 9) / 2), r.ece(), 1e-6);
    }

    @Test
    void tensorInputGivesTheSameResult() {
        float[] logits = {2f, -1f, 0.5f, 0.1f, 0.2f, 3f};
        long[] labels = {0, 1};
        EvaluationAccumulator fromArrays = new EvaluationAccumulator();
        fromArrays.add(logits, 3, labels);
        EvaluationAccumulator fromTensors = new EvaluationAccumulator();
        try (Tensor l = Tensor.create(logits, 2, 3); Tensor y = Tensor.create(labels, 2)) {
            fromTensors.add(l, y);
        }
        assertEquals(fromArrays.result().nll(), fromTensors.result().nll(), 0);
        assertEquals(fromArrays.result().accuracy(), fromTensors.result().accuracy(), 0);
        assertEquals(fromArrays.result().ece(), fromTensors.result().ece(), 0);
    }

    @Test
    void growsPastItsInitialCapacity() {
        EvaluationAccumulator accumulator = new EvaluationAccumulator();
        for (int i = 0; i < 5000; i++) {
            accumulator.add(new float[] {1f, 0f}, 2, new long[] {i % 2});
        }
        assertEquals(5000, accumulator.result().count());
        assertEquals(0.5, accumulator.result().accuracy(), 1e-12);
    }
}
