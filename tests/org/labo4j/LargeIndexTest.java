package org.labo4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/**
 * N x V > 2^31 elements: rows past element 2^31 must be read and written where they are. With 32-bit
 * index arithmetic the last rows would alias earlier ones (or fault). bf16 and an in-place gradient
 * keep this to 4.3 GB.
 */
class LargeIndexTest {

    @Test
    void rowsBeyondTwoToTheThirtyOneAreAddressedCorrectly() {
        final long vocab = 32768;
        final long rows = 65600;  // rows * vocab = 2,149,580,800 > 2^31
        assertTrue(rows * vocab > (1L << 31));
        final Random rnd = TestTensors.freshRandom("64-bit indexing");
        // Only the last rows are checked, so only they are written: filling 4.3 GB costs more than the test.
        final Tensor logits = torch.empty(new long[] {rows, vocab}, new TensorOptions(ScalarType.BFloat16), new org.bytedeco.pytorch.MemoryFormatOptional());
        final int tail = 3;
        logits.narrow(0, rows - tail - 1, 1).zero_();
        final float[] z = TestTensors.randomLogits(rnd, tail, (int) vocab, 3.0);
        logits.narrow(0, rows - tail, tail).copy_(TestTensors.floats(z, tail, vocab).to(ScalarType.BFloat16));
        final long[] y = new long[(int) rows];
        for (int i = 0; i < rows; i++) {
            y[i] = rnd.nextInt((int) vocab);
        }

        final LabelRegularizer labo = LabelRegularizer.labo().alpha(0.1).temperature(Temperature.fixed(1.5))
                .reduction(Reduction.NONE).build();
        final LossOutput out = labo.forwardBackward(logits, TestTensors.longs(y, rows), true, false);

        final double[] losses = TestTensors.toDoubles(out.loss().narrow(0, rows - tail - 1, tail + 1));
        // A row of zeros: p and r uniform, loss = log V exactly.
        assertEquals(Math.log(vocab), losses[0], 1e-2 * Math.log(vocab));
        final double[] zd = TestTensors.toDoubles(TestTensors.floats(z, tail, vocab).to(ScalarType.BFloat16));
        final double[] grads = TestTensors.toDoubles(logits.narrow(0, rows - tail, tail));
        for (int i = 0; i < tail; i++) {
            final int target = (int) y[(int) (rows - tail + i)];
            final Fp64Reference.Row ref = Fp64Reference.row(Regularization.LABO, 0.1, TestTensors.row(zd, i, (int) vocab), target, 1.5);
            assertTrue(TestTensors.relativeError(losses[i + 1], ref.loss()) < 1e-2, "loss of tail row " + i);
            assertTrue(TestTensors.relativeError(TestTensors.row(grads, i, (int) vocab), ref.grad()) < 1e-2, "gradient of tail row " + i);
        }
    }
}
