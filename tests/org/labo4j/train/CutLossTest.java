package org.labo4j.train;

import static org.bytedeco.pytorch.global.torch.randint;
import static org.bytedeco.pytorch.global.torch.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.labo4j.LabelRegularizer;
import org.labo4j.LossOutput;
import org.labo4j.Temperature;

/**
 * One {@link CutLoss} serves every step of a run and writes the fused loss's gradient into a buffer
 * it reuses: batches of changing shape and dtype must each get exactly the gradient a fresh call
 * computes, with nothing left over from a larger earlier batch.
 */
class CutLossTest {
    private static final int VOCABULARY = 37;
    private static final long PAD = 0;

    @Test
    void reusedGradientBufferGivesEachBatchItsOwnGradient() {
        final LabelRegularizer loss = LabelRegularizer.labo().alpha(0.1).temperature(Temperature.budget(0.5))
                .ignoreIndex(PAD).build();
        final CutLoss cut = new CutLoss(loss);
        final long[][] shapes = {{3, 7}, {1, 4}, {2, 9}, {4, 8}};
        final ScalarType[] dtypes = {ScalarType.Float, ScalarType.Float, ScalarType.BFloat16, ScalarType.Float};
        for (int i = 0; i < shapes.length; i++) {
            final long b = shapes[i][0], t = shapes[i][1];
            final Tensor logits = randn(b, t, VOCABULARY).mul_(new Scalar(3.0)).to(dtypes[i]);
            final Tensor targets = randint(VOCABULARY, new long[] {b, t}, new TensorOptions(ScalarType.Long));
            targets.select(1, t - 1).fill_(new Scalar(PAD));  // padded last column
            final LossOutput fresh = loss.forwardBackward(logits, targets);
            final CutLoss.Result reused = cut.apply(logits, targets);
            assertEquals(fresh.lossValue(), reused.value(), 0.0, "loss of batch " + i);
            assertArrayEquals(new long[] {b, t, VOCABULARY}, reused.logitsGradient().sizes().vec().get(), "shape of batch " + i);
            assertEquals(dtypes[i], reused.logitsGradient().scalar_type().intern(), "dtype of batch " + i);
            assertArrayEquals(floats(fresh.grad()), floats(reused.logitsGradient()), "gradient of batch " + i);
        }
    }

    private static float[] floats(Tensor t) {
        final Tensor f = t.detach().to(ScalarType.Float).contiguous();
        final float[] values = new float[(int) f.numel()];
        f.data_ptr_float().get(values);
        return values;
    }
}
