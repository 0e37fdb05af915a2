package org.labo4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.cuda.CUDAStream;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.bytedeco.pytorch.global.torch_cuda;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Java API on libtorch CUDA tensors: the fused CUDA kernels, called on libtorch's current stream,
 * give what the CPU kernel gives on the same values, through every entry point (separate, in-place and
 * caller-given gradients, diagnostics, autograd), and refuse what they must.
 *
 * <p>Needs libtorch with CUDA and a device (on the GPU machine: {@code bench/gpu/run-torch-tests.sh});
 * with CPU libtorch only the binding check runs and the rest is skipped.
 */
class CudaTensorPathTest {
    private static final Device CUDA0 = new Device(DeviceType.CUDA, (byte) 0);

    private static void assumeCuda() {
        Assumptions.assumeTrue(torch.cuda_is_available() && Labo4j.cudaDeviceCount() > 0,
                "libtorch sees no CUDA device (CPU build of libtorch, or no GPU)");
    }

    private static LabelRegularizer[] members() {
        return new LabelRegularizer[] {
            LabelRegularizer.crossEntropy().build(),
            LabelRegularizer.labelSmoothing(0.1).build(),
            LabelRegularizer.labo().alpha(0.1).temperature(Temperature.fixed(2.0)).build(),
            LabelRegularizer.labo().alpha(0.1).temperature(Temperature.budget(0.5)).build(),
        };
    }

    /** Random logits (3 sd) in `dtype`, targets with every fifth row ignored. */
    private static Tensor[] problem(Random rnd, int rows, int vocab, ScalarType dtype) {
        final long[] y = TestTensors.randomTargets(rnd, rows, vocab);
        for (int i = 0; i < rows; i += 5) {
            y[i] = LabelRegularizer.DEFAULT_IGNORE_INDEX;
        }
        return new Tensor[] {
            TestTensors.floats(TestTensors.randomLogits(rnd, rows, vocab, 3.0), rows, vocab).to(dtype),
            TestTensors.longs(y, rows),
        };
    }

    /** Gradient tolerance (max-norm relative error) between two kernels writing the same dtype. */
    private static double gradientTolerance(ScalarType dtype) {
        return switch (dtype) {
            case Float -> 1e-5;
            case Half -> 2e-3;
            default -> 1e-2;  // bfloat16: one unit in the last place is 2^-8 of the value
        };
    }

    // What these tests read of a tensor (shape, strides, dtype, device, data pointer) must reach Java
    // intact: this runs everywhere, and on a GPU machine it is the first sign of a libtorch build that
    // the binding was not made for.
    @Test
    void tensorMetadataCrossesTheBindingIntact() {
        final Tensor base = torch.arange(new Scalar(24.0)).to(ScalarType.Float).reshape(2, 3, 4).transpose(1, 2);
        final Tensor[] views = torch.cuda_is_available() ? new Tensor[] {base, base.cuda()} : new Tensor[] {base};
        for (Tensor t : views) {
            assertEquals(ScalarType.Float, TensorChecks.dtype(t));
            assertArrayEquals(new long[] {2, 4, 3}, TensorChecks.sizes(t));
            assertArrayEquals(new long[] {12, 1, 4}, new long[] {t.stride(0), t.stride(1), t.stride(2)});
            final double[] values = TestTensors.toDoubles(t.cpu());
            for (int b = 0; b < 2; b++) {
                for (int j = 0; j < 4; j++) {
                    for (int i = 0; i < 3; i++) {
                        assertEquals(12 * b + 4 * i + j, values[12 * b + 3 * j + i], "element [" + b + "," + j + "," + i + "]");
                    }
                }
            }
        }
        if (views.length > 1) {
            assertTrue(views[1].is_cuda());
            assertEquals(0, views[1].device().index());
        }
    }

    @Test
    void everyMemberAndDtypeMatchesTheCpuPath() {
        assumeCuda();
        final Random rnd = TestTensors.freshRandom("CudaTensorPathTest.everyMemberAndDtypeMatchesTheCpuPath");
        for (ScalarType dtype : new ScalarType[] {ScalarType.Float, ScalarType.BFloat16, ScalarType.Half}) {
            for (int vocab : new int[] {2, 1000, 32000}) {
                final Tensor[] cpu = problem(rnd, 37, vocab, dtype);
                final Tensor logits = cpu[0].cuda();
                final Tensor targets = cpu[1].cuda();
                for (LabelRegularizer reg : members()) {
                    final String where = reg + ", " + dtype + ", V=" + vocab;
                    final LossOutput want = reg.forwardBackward(cpu[0], cpu[1], false, true);
                    final LossOutput got = reg.forwardBackward(logits, targets, false, true);
                    assertTrue(got.loss().is_cuda() && got.grad().is_cuda() && got.temperature().is_cuda(), where);
                    assertEquals(dtype, TensorChecks.dtype(got.grad()), where);
                    assertEquals(want.lossValue(), got.lossValue(), 1e-5 * Math.abs(want.lossValue()), where + ": loss");
                    final double g = TestTensors.relativeError(TestTensors.toDoubles(got.grad().cpu()),
                            TestTensors.toDoubles(want.grad()));
                    assertTrue(g <= gradientTolerance(dtype), where + ": gradient relative error " + g);
                    assertDiagnosticsAgree(where, want, got);
                }
            }
        }
    }

    private static void assertDiagnosticsAgree(String where, LossOutput want, LossOutput got) {
        final double[][] pairs = {
            TestTensors.toDoubles(want.temperature()), TestTensors.toDoubles(got.temperature().cpu()),
            TestTensors.toDoubles(want.entropy()), TestTensors.toDoubles(got.entropy().cpu()),
            TestTensors.toDoubles(want.pTarget()), TestTensors.toDoubles(got.pTarget().cpu()),
        };
        final String[] names = {"temperature", "entropy", "p_target"};
        for (int k = 0; k < names.length; k++) {
            final double[] a = pairs[2 * k];
            final double[] b = pairs[2 * k + 1];
            for (int i = 0; i < a.length; i++) {
                // NaN (ignored rows, CE's temperature) and +inf (LS's temperature) must match exactly.
                if (!Double.isFinite(a[i]) || !Double.isFinite(b[i])) {
                    assertEquals(a[i], b[i], where + ": " + names[k] + "[" + i + "]");
                } else {
                    assertEquals(a[i], b[i], 1e-4 * Math.max(1.0, Math.abs(a[i])), where + ": " + names[k] + "[" + i + "]");
                }
            }
        }
    }

    @Test
    void autogradInPlaceAndGivenGradientsAgreeOnTheDevice() {
        assumeCuda();
        final Random rnd = TestTensors.freshRandom("CudaTensorPathTest.autogradInPlaceAndGivenGradientsAgreeOnTheDevice");
        final Tensor[] cpu = problem(rnd, 24, 5000, ScalarType.Float);
        final Tensor targets = cpu[1].cuda();
        final LabelRegularizer labo = LabelRegularizer.labo().alpha(0.1).temperature(Temperature.budget(0.5)).build();
        final LossOutput separate = labo.forwardBackward(cpu[0].cuda(), targets);
        final double[] want = TestTensors.toDoubles(separate.grad().cpu());

        // Autograd: apply() + backward() on a leaf CUDA tensor.
        final Tensor leaf = cpu[0].cuda().requires_grad_(true);
        final Tensor loss = labo.apply(leaf, targets);
        assertTrue(loss.is_cuda());
        loss.backward();
        assertNotNull(leaf.grad());
        assertTrue(leaf.grad().is_cuda());
        assertEquals(separate.lossValue(), loss.item_double(), 1e-6 * Math.abs(separate.lossValue()));
        assertTrue(TestTensors.relativeError(TestTensors.toDoubles(leaf.grad().cpu()), want) <= 1e-6, "autograd gradient");

        // In place: the logits become the gradient.
        final Tensor inPlace = cpu[0].cuda();
        labo.forwardBackward(inPlace, targets, true, false);
        assertTrue(TestTensors.relativeError(TestTensors.toDoubles(inPlace.cpu()), want) <= 1e-6, "in-place gradient");

        // A caller-given CUDA buffer.
        final Tensor given = torch.empty_like(separate.grad());
        labo.forwardBackward(cpu[0].cuda(), targets, given, false);
        assertTrue(TestTensors.relativeError(TestTensors.toDoubles(given.cpu()), want) <= 1e-6, "given gradient");
    }

    @Test
    void callsRunOnLibtorchsCurrentStream() {
        assumeCuda();
        final CUDAStream side = torch_cuda.getStreamFromPool(false, (byte) 0);
        final CUDAStream before = torch_cuda.getCurrentCUDAStream((byte) 0);
        torch_cuda.setCurrentCUDAStream(side);
        try {
            assertEquals(side.stream().address(), FusedLossCall.CudaStreams.current(0).address());
            assertNotEquals(0L, side.stream().address(), "a pool stream is not the legacy default stream");
            // Work queued on the side stream, then the loss on its output: only stream order makes
            // the kernel read the finished logits, and nothing synchronises before the read back.
            final Random rnd = TestTensors.freshRandom("CudaTensorPathTest.callsRunOnLibtorchsCurrentStream");
            final Tensor[] cpu = problem(rnd, 512, 32000, ScalarType.Float);
            final Tensor targets = cpu[1].cuda();
            final LabelRegularizer ls = LabelRegularizer.labelSmoothing(0.1).build();
            final double want = ls.forwardBackward(cpu[0], cpu[1]).lossValue();
            for (int round = 0; round < 5; round++) {
                final Tensor logits = cpu[0].cuda().mul(new Scalar(1.0)).add(new Scalar(0.0));
                final double got = ls.forwardBackward(logits, targets).loss().to(ScalarType.Double).cpu().item_double();
                assertEquals(want, got, 1e-5 * Math.abs(want), "round " + round);
            }
        } finally {
            torch_cuda.setCurrentCUDAStream(before);
        }
    }

    @Test
    void badInputsOnTheDeviceAreRefused() {
        assumeCuda();
        final Random rnd = TestTensors.freshRandom("CudaTensorPathTest.badInputsOnTheDeviceAreRefused");
        final Tensor[] cpu = problem(rnd, 16, 100, ScalarType.Float);
        final LabelRegularizer labo = LabelRegularizer.labo().build();
        final Tensor logits = cpu[0].cuda();

        final IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class,
                () -> labo.forwardBackward(logits, cpu[1]));
        assertTrue(mixed.getMessage().contains("targets device"), mixed.getMessage());
        final IllegalArgumentException gradOnHost = assertThrows(IllegalArgumentException.class,
                () -> labo.forwardBackward(logits, cpu[1].cuda(), torch.empty_like(cpu[0]), false));
        assertTrue(gradOnHost.getMessage().contains("gradOut device"), gradOnHost.getMessage());

        // A target out of range: refused with its row and value, the in-place logits left as they were.
        final long[] y = new long[16];
        y[9] = 100;
        final Tensor badTargets = TestTensors.longs(y, 16).cuda();
        final Tensor inPlace = logits.clone();
        final IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> labo.forwardBackward(inPlace, badTargets, true, false));
        assertTrue(bad.getMessage().contains("targets[9]"), bad.getMessage());
        assertTrue(inPlace.equal(logits), "in-place logits untouched");
    }
}
