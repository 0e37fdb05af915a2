package org.labo4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** The identities of METHOD.md, and the gradient against finite differences with r frozen. */
class MethodIdentitiesTest {

    @RepeatedTest(3)
    void budgetZeroIsLabelSmoothingWithRescaledAlpha() {
        final Random rnd = TestTensors.freshRandom("kappa=0 == LS");
        final int rows = 19, vocab = 777;
        final float[] z = TestTensors.randomLogits(rnd, rows, vocab, 2.5);
        final Tensor y = TestTensors.longs(TestTensors.randomTargets(rnd, rows, vocab), rows);
        final double alpha = 0.2;
        // (1-a) e_y + a u = (1-a') e_y + a' u_{-y}  with  a' = a (V-1)/V
        final double alphaPrime = alpha * (vocab - 1) / vocab;
        final LossOutput ls = LabelRegularizer.labelSmoothing(alpha).build().forwardBackward(TestTensors.floats(z, rows, vocab), y);
        final LossOutput labo = LabelRegularizer.labo().alpha(alphaPrime).temperature(Temperature.budget(0)).build()
                .forwardBackward(TestTensors.floats(z, rows, vocab), y);
        assertTrue(TestTensors.relativeError(labo.lossValue(), ls.lossValue()) < 1e-5);
        assertTrue(TestTensors.relativeError(TestTensors.toDoubles(labo.grad()), TestTensors.toDoubles(ls.grad())) < 1e-5);
    }

    @RepeatedTest(3)
    void temperatureOneIsTheRenormalisedPrediction() {
        final Random rnd = TestTensors.freshRandom("T=1 == renormalised p");
        final int rows = 11, vocab = 300;
        final float[] z = TestTensors.randomLogits(rnd, rows, vocab, 3.0);
        final long[] y = TestTensors.randomTargets(rnd, rows, vocab);
        final double alpha = 0.3;
        final LossOutput out = LabelRegularizer.labo().alpha(alpha).temperature(Temperature.fixed(1.0)).build()
                .forwardBackward(TestTensors.floats(z, rows, vocab), TestTensors.longs(y, rows), false, true);
        final double[] grad = TestTensors.toDoubles(out.grad());
        final double[] entropy = TestTensors.toDoubles(out.entropy());
        final double[] zd = TestTensors.toDoubles(TestTensors.floats(z, rows, vocab));
        for (int i = 0; i < rows; i++) {
            // r = p with the target removed and the rest renormalised: grad = p - (1-a) e_y - a p_{-y} / (1 - p_y)
            final double[] p = Fp64Reference.softmax(TestTensors.row(zd, i, vocab));
            final int t = (int) y[i];
            final double[] r = new double[vocab];
            for (int k = 0; k < vocab; k++) {
                r[k] = k == t ? 0 : p[k] / (1 - p[t]);
            }
            final double[] want = new double[vocab];
            for (int k = 0; k < vocab; k++) {
                want[k] = (p[k] - (k == t ? 1 - alpha : 0) - alpha * r[k]) / rows;
            }
            assertTrue(TestTensors.relativeError(TestTensors.row(grad, i, vocab), want) < 1e-5, "row " + i);
            assertEquals(Fp64Reference.entropy(r), entropy[i], 1e-5 * Math.log(vocab), "row " + i + " entropy");
        }
    }

    @RepeatedTest(3)
    void budgetRowsMeetTheirDivergence() {
        final Random rnd = TestTensors.freshRandom("budget KL = eps");
        final int rows = 40, vocab = 5000;
        final double kappa = 0.05 + 0.9 * rnd.nextDouble();
        final float[] z = TestTensors.randomLogits(rnd, rows, vocab, 0.5 + 4 * rnd.nextDouble());
        final long[] y = TestTensors.randomTargets(rnd, rows, vocab);
        final LossOutput out = LabelRegularizer.labo().temperature(Temperature.budget(kappa)).build()
                .forward(TestTensors.floats(z, rows, vocab), TestTensors.longs(y, rows), true);
        final double[] temps = TestTensors.toDoubles(out.temperature());
        final double[] entropy = TestTensors.toDoubles(out.entropy());
        final double[] zd = TestTensors.toDoubles(TestTensors.floats(z, rows, vocab));
        final double eps = kappa * Math.log(vocab - 1);
        for (int i = 0; i < rows; i++) {
            final double[] r = Fp64Reference.temperedNonTarget(TestTensors.row(zd, i, vocab), (int) y[i], temps[i]);
            // The kernel solves to |KL - eps| <= 1e-6 max(1, eps) in its own fp32 sums; the fp64 check
            // at the reported (float) temperature allows for that rounding.
            assertEquals(eps, Fp64Reference.klToUniformNonTarget(r), 2e-5 * Math.max(1, eps), "row " + i + " kappa " + kappa);
            assertEquals(Math.log(vocab - 1) - eps, entropy[i], 2e-5 * Math.max(1, eps), "row " + i + " entropy");
        }
    }

    /**
     * Rows whose tempered divergence is far from its small-beta (Gaussian) shape: Student-t logits,
     * one logit far above the rest, a few dozen strong candidates over a flat bulk (as a language
     * model's rows look). The safeguarded solve must still meet KL = eps on every row.
     */
    @RepeatedTest(3)
    void budgetRowsMeetTheirDivergenceOnHeavyTailedLogits() {
        final Random rnd = TestTensors.freshRandom("budget KL = eps, heavy tails");
        final int rows = 30, vocab = 4000;
        final float[] z = new float[rows * vocab];
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < vocab; k++) {
                final double g = rnd.nextGaussian();
                z[i * vocab + k] = (float) switch (i % 3) {
                    case 0 -> 2 * g / Math.sqrt((square(rnd.nextGaussian()) + square(rnd.nextGaussian()) + square(rnd.nextGaussian())) / 3);
                    case 1 -> k == 17 ? 25 + g : g;
                    default -> k < 20 ? 8 + 2 * g : -2 + 1.5 * g;
                };
            }
        }
        final long[] y = TestTensors.randomTargets(rnd, rows, vocab);
        final double[] zd = TestTensors.toDoubles(TestTensors.floats(z, rows, vocab));
        for (double kappa : new double[] {0.05 + 0.2 * rnd.nextDouble(), 0.4 + 0.2 * rnd.nextDouble(), 0.75 + 0.2 * rnd.nextDouble()}) {
            final LossOutput out = LabelRegularizer.labo().temperature(Temperature.budget(kappa)).build()
                    .forward(TestTensors.floats(z, rows, vocab), TestTensors.longs(y, rows), true);
            final double[] temps = TestTensors.toDoubles(out.temperature());
            final double eps = kappa * Math.log(vocab - 1);
            for (int i = 0; i < rows; i++) {
                final double[] r = Fp64Reference.temperedNonTarget(TestTensors.row(zd, i, vocab), (int) y[i], temps[i]);
                assertEquals(eps, Fp64Reference.klToUniformNonTarget(r), 2e-5 * Math.max(1, eps), "row " + i + " kappa " + kappa);
            }
        }
    }

    private static double square(double x) {
        return x * x;
    }

    @Test
    void budgetOneIsOneHotOnTheStrongestNonTarget() {
        final float[] z = {0.5f, 3.0f, 1.0f, 3.0f, -2.0f};  // target 0; strongest non-targets 1 and 3 (a tie)
        final LossOutput out = LabelRegularizer.labo().alpha(0.4).temperature(Temperature.budget(1.0)).build()
                .forwardBackward(TestTensors.floats(z, 1, 5), TestTensors.longs(new long[] {0}, 1));
        final double[] p = Fp64Reference.softmax(new double[] {0.5, 3.0, 1.0, 3.0, -2.0});
        final double[] want = {p[0] - 0.6, p[1] - 0.2, p[2], p[3] - 0.2, p[4]};
        assertTrue(TestTensors.relativeError(TestTensors.toDoubles(out.grad()), want) < 1e-5);
    }

    @RepeatedTest(2)
    void gradientMatchesFiniteDifferencesWithFrozenSmoothing() {
        final Random rnd = TestTensors.freshRandom("finite differences");
        final int vocab = 40;
        final float[] z = TestTensors.randomLogits(rnd, 1, vocab, 2.0);
        final int y = rnd.nextInt(vocab);
        final LabelRegularizer[] members = {
            LabelRegularizer.crossEntropy().build(),
            LabelRegularizer.labelSmoothing(0.15).build(),
            LabelRegularizer.labo().alpha(0.25).temperature(Temperature.fixed(1.7)).build(),
            LabelRegularizer.labo().alpha(0.25).temperature(Temperature.budget(0.35)).build(),
        };
        final double[] zd = TestTensors.toDoubles(TestTensors.floats(z, 1, vocab));
        for (LabelRegularizer m : members) {
            final LossOutput out = m.forwardBackward(TestTensors.floats(z, 1, vocab), TestTensors.longs(new long[] {y}, 1), false, true);
            final double t = TestTensors.toDoubles(out.temperature())[0];
            // q frozen at the kernel's own temperature: the stop-gradient of METHOD.md section 4
            final Fp64Reference.Row ref = Fp64Reference.row(m.regularization(), m.alpha(), zd, y, t);
            final double[] q = new double[vocab];
            for (int k = 0; k < vocab; k++) {
                q[k] = (k == y ? 1 - (m.regularization() == Regularization.CROSS_ENTROPY ? 0 : m.alpha()) : 0)
                        + (ref.r() == null ? 0 : m.alpha() * ref.r()[k]);
            }
            final double h = 1e-5;
            final double[] fd = new double[vocab];
            for (int k = 0; k < vocab; k++) {
                final double[] plus = zd.clone();
                final double[] minus = zd.clone();
                plus[k] += h;
                minus[k] -= h;
                fd[k] = (Fp64Reference.lossWithFrozenTarget(plus, q) - Fp64Reference.lossWithFrozenTarget(minus, q)) / (2 * h);
            }
            final double err = TestTensors.relativeError(TestTensors.toDoubles(out.grad()), fd);
            assertTrue(err < 1e-5, () -> m + ": gradient vs finite differences " + err);
        }
    }
}
