package org.labo4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.bytedeco.pytorch.CrossEntropyLossOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Cross-entropy and label smoothing against libtorch's own cross_entropy (forward and autograd backward). */
class LibtorchAgreementTest {

    @ParameterizedTest(name = "alpha={0} N={1} V={2}")
    @CsvSource({"0.0, 64, 10", "0.1, 64, 10", "0.1, 17, 3001", "0.3, 5, 2", "0.0, 9, 32000"})
    void matchesTorchCrossEntropy(double alpha, int rows, int vocab) {
        final Random rnd = TestTensors.freshRandom("libtorch CE alpha=" + alpha);
        final float[] z = TestTensors.randomLogits(rnd, rows, vocab, 4.0);
        final Tensor y = TestTensors.longs(TestTensors.randomTargets(rnd, rows, vocab), rows);

        final Tensor zTorch = TestTensors.floats(z, rows, vocab).set_requires_grad(true);
        final CrossEntropyLossOptions options = new CrossEntropyLossOptions();
        options.label_smoothing().put(alpha);
        final Tensor torchLoss = torch.cross_entropy(zTorch, y, options);
        torchLoss.backward();

        final LabelRegularizer ours = alpha == 0 ? LabelRegularizer.crossEntropy().build()
                : LabelRegularizer.labelSmoothing(alpha).build();
        final LossOutput out = ours.forwardBackward(TestTensors.floats(z, rows, vocab), y);

        final double lossError = TestTensors.relativeError(out.lossValue(), torchLoss.item_double());
        final double gradError = TestTensors.relativeError(TestTensors.toDoubles(out.grad()), TestTensors.toDoubles(zTorch.grad()));
        assertTrue(lossError < 1e-5, () -> "loss relative error " + lossError);
        assertTrue(gradError < 1e-5, () -> "gradient relative error " + gradError);
    }
}
