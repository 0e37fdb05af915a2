package org.labo4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/** Ignored rows, reductions, in-place gradients, extreme logits, strided rows and non-finite input. */
class EdgeCaseTest {
    private final LabelRegularizer labo = LabelRegularizer.labo().alpha(0.2).temperature(Temperature.budget(0.5)).build();

    @Test
    void allRowsIgnoredGiveZeroLossAndGradient() {
        final Tensor z = TestTensors.floats(TestTensors.randomLogits(new Random(), 4, 7, 1), 4, 7);
        final long ig = LabelRegularizer.DEFAULT_IGNORE_INDEX;
        final LossOutput out = labo.forwardBackward(z, TestTensors.longs(new long[] {ig, ig, ig, ig}, 4));
        assertEquals(0.0, out.lossValue());
        for (double g : TestTensors.toDoubles(out.grad())) {
            assertEquals(0.0, g);
        }
    }

    @Test
    void customIgnoreIndexInsideTheVocabulary() {
        final Random rnd = TestTensors.freshRandom("ignore index 0");
        final LabelRegularizer padZero = labo.toBuilder().ignoreIndex(0).build();
        final float[] z = TestTensors.randomLogits(rnd, 3, 6, 1);
        final LossOutput out = padZero.forwardBackward(TestTensors.floats(z, 3, 6), TestTensors.longs(new long[] {0, 2, 0}, 3));
        final LossOutput single = labo.forwardBackward(TestTensors.floats(java.util.Arrays.copyOfRange(z, 6, 12), 1, 6),
                TestTensors.longs(new long[] {2}, 1));
        assertEquals(single.lossValue(), out.lossValue(), 1e-6, "mean over the one row that counts");
    }

    @Test
    void reductionsAgree() {
        final Random rnd = TestTensors.freshRandom("reductions");
        final int rows = 12, vocab = 33;
        final float[] z = TestTensors.randomLogits(rnd, rows, vocab, 2);
        final long[] y = TestTensors.randomTargets(rnd, rows, vocab);
        y[3] = LabelRegularizer.DEFAULT_IGNORE_INDEX;
        final Tensor yt = TestTensors.longs(y, rows);
        final double[] perRow = TestTensors.toDoubles(labo.withReduction(Reduction.NONE).forwardBackward(TestTensors.floats(z, rows, vocab), yt).loss());
        final LossOutput sum = labo.withReduction(Reduction.SUM).forwardBackward(TestTensors.floats(z, rows, vocab), yt);
        final LossOutput mean = labo.forwardBackward(TestTensors.floats(z, rows, vocab), yt);
        double total = 0;
        for (double v : perRow) {
            total += v;
        }
        assertEquals(0.0, perRow[3]);
        assertEquals(total, sum.lossValue(), 1e-5 * Math.abs(total));
        assertEquals(total / (rows - 1), mean.lossValue(), 1e-5 * Math.abs(total));
        final double[] gs = TestTensors.toDoubles(sum.grad());
        final double[] gm = TestTensors.toDoubles(mean.grad());
        for (int i = 0; i < gs.length; i++) {
            assertEquals(gs[i] / (rows - 1), gm[i], 1e-7);
        }
    }

    @Test
    void inPlaceGradientEqualsSeparateGradient() {
        for (ScalarType dtype : new ScalarType[] {ScalarType.Float, ScalarType.BFloat16, ScalarType.Half}) {
            final Random rnd = TestTensors.freshRandom("in place " + dtype);
            final float[] z = TestTensors.randomLogits(rnd, 9, 1031, 3);
            final Tensor y = TestTensors.longs(TestTensors.randomTargets(rnd, 9, 1031), 9);
            final LossOutput separate = labo.forwardBackward(TestTensors.floats(z, 9, 1031).to(dtype), y);
            final Tensor logits = TestTensors.floats(z, 9, 1031).to(dtype);
            final LossOutput inPlace = labo.forwardBackward(logits, y, true, false);
            assertTrue(inPlace.grad().is_same(logits), "gradient written over the logits");
            assertEquals(separate.lossValue(), inPlace.lossValue());
            // Both paths compute every exponential once and cache it (the gradient row or a scratch
            // row): bit-for-bit equal.
            assertEquals(0.0, TestTensors.relativeError(TestTensors.toDoubles(logits), TestTensors.toDoubles(separate.grad())));
        }
    }

    @Test
    void givenGradientBufferIsFilledAndChecked() {
        final Random rnd = TestTensors.freshRandom("gradOut");
        final float[] z = TestTensors.randomLogits(rnd, 5, 64, 2);
        final Tensor y = TestTensors.longs(TestTensors.randomTargets(rnd, 5, 64), 5);
        final Tensor gradOut = TestTensors.floats(new float[5 * 64], 5, 64);
        final LossOutput given = labo.forwardBackward(TestTensors.floats(z, 5, 64), y, gradOut, false);
        final LossOutput fresh = labo.forwardBackward(TestTensors.floats(z, 5, 64), y);
        assertTrue(given.grad().is_same(gradOut));
        assertEquals(0.0, TestTensors.relativeError(TestTensors.toDoubles(gradOut), TestTensors.toDoubles(fresh.grad())));
        final Tensor logits = TestTensors.floats(z, 5, 64);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> labo.forwardBackward(logits, y, TestTensors.floats(new float[4 * 64], 4, 64), false));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> labo.forwardBackward(logits, y, gradOut.to(ScalarType.BFloat16), false));
        final Tensor shared = TestTensors.floats(new float[6 * 64], 6, 64);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> labo.forwardBackward(shared.narrow(0, 0, 5), y, shared.narrow(0, 1, 5), false));
    }

    @Test
    void hugeLogitsStayFinite() {
        final Random rnd = TestTensors.freshRandom("logits of 1e4");
        final int rows = 6, vocab = 500;
        final float[] z = TestTensors.randomLogits(rnd, rows, vocab, 1e4);
        z[0] = 1e4f;
        z[vocab + 7] = -1e4f;
        final long[] y = TestTensors.randomTargets(rnd, rows, vocab);
        final double[] zd = TestTensors.toDoubles(TestTensors.floats(z, rows, vocab));
        for (LabelRegularizer m : new LabelRegularizer[] {LabelRegularizer.labelSmoothing(0.1).build(), labo,
            LabelRegularizer.labo().temperature(Temperature.fixed(0.7)).build()}) {
            final LossOutput out = m.forwardBackward(TestTensors.floats(z, rows, vocab), TestTensors.longs(y, rows), false, true);
            assertTrue(Double.isFinite(out.lossValue()), m + " loss " + out.lossValue());
            final double[] temps = TestTensors.toDoubles(out.temperature());
            double expected = 0;
            final double[] expectedGrad = new double[rows * vocab];
            for (int i = 0; i < rows; i++) {
                final double t = m.temperature() instanceof Temperature.Budget ? temps[i]
                        : LabelRegularizerReferenceTest.referenceTemperature(m, TestTensors.row(zd, i, vocab), (int) y[i]);
                final Fp64Reference.Row ref = Fp64Reference.row(m.regularization(), m.alpha(), TestTensors.row(zd, i, vocab), (int) y[i], t);
                expected += ref.loss() / rows;
                for (int k = 0; k < vocab; k++) {
                    expectedGrad[i * vocab + k] = ref.grad()[k] / rows;
                }
            }
            assertTrue(TestTensors.relativeError(out.lossValue(), expected) < 1e-5, m + ": " + out.lossValue() + " vs " + expected);
            assertTrue(TestTensors.relativeError(TestTensors.toDoubles(out.grad()), expectedGrad) < 1e-5, m.toString());
        }
    }

    @Test
    void maskedLogitsUnderEveryMember() {
        // A constrained vocabulary: the first third of every row at -inf, the targets in the rest.
        final Random rnd = TestTensors.freshRandom("masked logits");
        final int rows = 5, vocab = 300, masked = vocab / 3;
        final float[] z = TestTensors.randomLogits(rnd, rows, vocab, 3.0);
        final long[] y = new long[rows];
        for (int i = 0; i < rows; i++) {
            java.util.Arrays.fill(z, i * vocab, i * vocab + masked, Float.NEGATIVE_INFINITY);
            y[i] = masked + rnd.nextInt(vocab - masked);
        }
        final double[] zd = TestTensors.toDoubles(TestTensors.floats(z, rows, vocab));
        final double kappa = 0.5;
        for (LabelRegularizer m : new LabelRegularizer[] {LabelRegularizer.crossEntropy().build(),
            LabelRegularizer.labo().alpha(0.2).temperature(Temperature.fixed(0.7)).build(),
            LabelRegularizer.labo().alpha(0.2).temperature(Temperature.budget(kappa)).build()}) {
            final LossOutput out = m.forwardBackward(TestTensors.floats(z, rows, vocab), TestTensors.longs(y, rows), false, true);
            final double[] temps = TestTensors.toDoubles(out.temperature());
            double expected = 0;
            final double[] expectedGrad = new double[rows * vocab];
            for (int i = 0; i < rows; i++) {
                final double[] zi = TestTensors.row(zd, i, vocab);
                double t = LabelRegularizerReferenceTest.referenceTemperature(m, zi, (int) y[i]);
                if (m.temperature() instanceof Temperature.Budget) {
                    // The solve's contract (METHOD.md): KL(r(T) || u) = eps at the kernel's T.
                    t = temps[i];
                    final double eps = kappa * Math.log(vocab - 1);
                    final double kl = Fp64Reference.klToUniformNonTarget(Fp64Reference.temperedNonTarget(zi, (int) y[i], t));
                    assertTrue(Math.abs(kl - eps) <= 2e-6 * Math.max(1, eps), "row " + i + ": KL " + kl + ", eps " + eps);
                }
                final Fp64Reference.Row ref = Fp64Reference.row(m.regularization(), m.alpha(), zi, (int) y[i], t);
                expected += ref.loss() / rows;
                for (int k = 0; k < vocab; k++) {
                    expectedGrad[i * vocab + k] = ref.grad()[k] / rows;
                }
            }
            assertTrue(TestTensors.relativeError(out.lossValue(), expected) < 1e-5, m + ": " + out.lossValue() + " vs " + expected);
            assertTrue(TestTensors.relativeError(TestTensors.toDoubles(out.grad()), expectedGrad) < 1e-5, m.toString());
        }
        // Label smoothing puts weight on the masked logits: an infinite loss, a finite gradient.
        final LossOutput ls = LabelRegularizer.labelSmoothing(0.1).build()
                .forwardBackward(TestTensors.floats(z, rows, vocab), TestTensors.longs(y, rows), false, true);
        assertEquals(Double.POSITIVE_INFINITY, ls.lossValue());
        for (double g : TestTensors.toDoubles(ls.grad())) {
            assertTrue(Double.isFinite(g));
        }
    }

    @Test
    void nonFiniteLogitsGiveANonFiniteLossNotACrash() {
        final float[] z = {0, Float.NaN, 1, 2, Float.POSITIVE_INFINITY, 0};
        final LossOutput out = labo.forwardBackward(TestTensors.floats(z, 2, 3), TestTensors.longs(new long[] {0, 1}, 2));
        assertFalse(Double.isFinite(out.lossValue()));
    }

    @Test
    void aNonFiniteLastLogitBesideTheTargetMakesOnlyItsRowNonFinite() {
        final Random rnd = TestTensors.freshRandom("non-finite last logit");
        final LabelRegularizer[] members = {LabelRegularizer.crossEntropy().build(),
                LabelRegularizer.labelSmoothing(0.1).build(),
                LabelRegularizer.labo().alpha(0.2).temperature(Temperature.fixed(2.0)).build(), labo};
        for (int vocab : new int[] {2, 10, 37}) {
            // Row 0: NaN in the last logit, row 1: +inf there, the target beside it; row 2 plain.
            final float[] z = TestTensors.randomLogits(rnd, 3, vocab, 2);
            z[vocab - 1] = Float.NaN;
            z[2 * vocab - 1] = Float.POSITIVE_INFINITY;
            final long[] y = {vocab - 2, vocab - 2, rnd.nextInt(vocab)};
            for (LabelRegularizer member : members) {
                final LabelRegularizer perRow = member.withReduction(Reduction.NONE);
                final double[] loss = TestTensors.toDoubles(
                        perRow.forwardBackward(TestTensors.floats(z, 3, vocab), TestTensors.longs(y, 3)).loss());
                final double plain = perRow.forwardBackward(
                        TestTensors.floats(java.util.Arrays.copyOfRange(z, 2 * vocab, 3 * vocab), 1, vocab),
                        TestTensors.longs(new long[] {y[2]}, 1)).lossValue();
                final String what = member + ", V = " + vocab;
                assertFalse(Double.isFinite(loss[0]), "NaN row, " + what);
                assertFalse(Double.isFinite(loss[1]), "+inf row, " + what);
                assertEquals(plain, loss[2], 1e-6 * Math.max(1, Math.abs(plain)), "plain row, " + what);
            }
        }
    }

    @Test
    void evenlyStridedRowsOfAView() {
        final Random rnd = TestTensors.freshRandom("strided rows");
        final Tensor wide = TestTensors.floats(TestTensors.randomLogits(rnd, 8, 50, 2), 8, 50);
        final Tensor view = wide.narrow(1, 10, 30);  // rows of 30 at stride 50
        final Tensor y = TestTensors.longs(TestTensors.randomTargets(rnd, 8, 30), 8);
        final LossOutput fromView = labo.forwardBackward(view, y);
        final LossOutput fromCopy = labo.forwardBackward(view.contiguous(), y);
        assertEquals(fromCopy.lossValue(), fromView.lossValue());
        assertEquals(0.0, TestTensors.relativeError(TestTensors.toDoubles(fromView.grad()), TestTensors.toDoubles(fromCopy.grad())));
    }

    @Test
    void threeDimensionalInputEqualsFlattened() {
        final Random rnd = TestTensors.freshRandom("[B,S,V]");
        final float[] z = TestTensors.randomLogits(rnd, 12, 20, 2);
        final long[] y = TestTensors.randomTargets(rnd, 12, 20);
        final LossOutput flat = labo.withReduction(Reduction.NONE).forwardBackward(TestTensors.floats(z, 12, 20), TestTensors.longs(y, 12));
        final LossOutput bsv = labo.withReduction(Reduction.NONE).forwardBackward(TestTensors.floats(z, 3, 4, 20), TestTensors.longs(y, 3, 4));
        assertEquals(2, bsv.loss().dim());
        assertEquals(3, bsv.grad().dim());
        assertEquals(0.0, TestTensors.relativeError(TestTensors.toDoubles(bsv.loss()), TestTensors.toDoubles(flat.loss())));
        assertEquals(0.0, TestTensors.relativeError(TestTensors.toDoubles(bsv.grad()), TestTensors.toDoubles(flat.grad())));
    }
}
