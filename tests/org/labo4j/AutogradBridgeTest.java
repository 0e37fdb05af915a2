package org.labo4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/** apply() inside libtorch's autograd leaves exactly the fused kernel's gradient times the upstream gradient. */
class AutogradBridgeTest {
    private final LabelRegularizer labo = LabelRegularizer.labo().alpha(0.1).temperature(Temperature.budget(0.4)).build();

    private static Tensor leaf(Random rnd, int rows, int vocab) {
        return TestTensors.floats(TestTensors.randomLogits(rnd, rows, vocab, 2.0), rows, vocab).set_requires_grad(true);
    }

    @Test
    void backwardEqualsRawGradient() {
        final Random rnd = TestTensors.freshRandom("autograd");
        final Tensor z = leaf(rnd, 33, 257);
        final Tensor y = TestTensors.longs(TestTensors.randomTargets(rnd, 33, 257), 33);
        final LossOutput raw = labo.forwardBackward(z.detach(), y);
        final Tensor loss = labo.apply(z, y);
        assertEquals(raw.lossValue(), loss.item_double(), 0.0);
        loss.backward();
        assertEquals(0, TestTensors.relativeError(TestTensors.toDoubles(z.grad()), TestTensors.toDoubles(raw.grad())), 0.0);
        assertEquals(0, AutogradBridge.pending(), "no hook left behind");
    }

    @Test
    void upstreamGradientScalesAndOtherTermsAdd() {
        final Random rnd = TestTensors.freshRandom("autograd upstream");
        final Tensor z = leaf(rnd, 8, 50);
        final Tensor y = TestTensors.longs(TestTensors.randomTargets(rnd, 8, 50), 8);
        final double[] g = TestTensors.toDoubles(labo.forwardBackward(z.detach(), y).grad());
        // total = 3 * loss + sum(z): d total / dz = 3 G + 1
        final Tensor total = labo.apply(z, y).mul(new Scalar(3.0)).add(z.sum());
        total.backward();
        final double[] got = TestTensors.toDoubles(z.grad());
        final double[] want = new double[g.length];
        for (int i = 0; i < g.length; i++) {
            want[i] = 3 * g[i] + 1;
        }
        assertTrue(TestTensors.relativeError(got, want) < 1e-6);
    }

    @Test
    void nonLeafLogitsAndThreeDimensionalInput() {
        final Random rnd = TestTensors.freshRandom("autograd non-leaf");
        final Tensor w = leaf(rnd, 6, 40);
        final Tensor z = w.mul(new Scalar(2.0)).reshape(2, 3, 40);  // non-leaf, [B, S, V]
        final Tensor y = TestTensors.longs(TestTensors.randomTargets(rnd, 6, 40), 2, 3);
        final double[] g = TestTensors.toDoubles(labo.forwardBackward(z.detach(), y).grad());
        labo.apply(z, y).backward();
        final double[] got = TestTensors.toDoubles(w.grad());
        final double[] want = new double[g.length];
        for (int i = 0; i < g.length; i++) {
            want[i] = 2 * g[i];
        }
        assertTrue(TestTensors.relativeError(got, want) < 1e-6);
    }

    @Test
    void perRowLossesTakePerRowUpstream() {
        final Random rnd = TestTensors.freshRandom("autograd per-row");
        final LabelRegularizer perRow = labo.withReduction(Reduction.NONE);
        final Tensor z = leaf(rnd, 5, 30);
        final Tensor y = TestTensors.longs(TestTensors.randomTargets(rnd, 5, 30), 5);
        final double[] g = TestTensors.toDoubles(perRow.forwardBackward(z.detach(), y).grad());
        final float[] weights = {1, 2, 0, -1, 0.5f};
        perRow.apply(z, y).mul(TestTensors.floats(weights, 5)).sum().backward();
        final double[] got = TestTensors.toDoubles(z.grad());
        final double[] want = new double[g.length];
        for (int i = 0; i < g.length; i++) {
            want[i] = weights[i / 30] * g[i];
        }
        assertTrue(TestTensors.relativeError(got, want) < 1e-6);
    }

    @Test
    void noGradientComputedWhenLogitsDoNotRequireIt() {
        final Random rnd = TestTensors.freshRandom("autograd eval");
        final Tensor z = TestTensors.floats(TestTensors.randomLogits(rnd, 4, 9, 1.0), 4, 9);
        final Tensor loss = labo.apply(z, TestTensors.longs(TestTensors.randomTargets(rnd, 4, 9), 4));
        assertTrue(!loss.requires_grad());
        assertEquals(0, AutogradBridge.pending());
    }
}
