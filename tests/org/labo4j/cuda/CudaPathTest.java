package org.labo4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.labo4j.LabelRegularizer;
import org.labo4j.LaboException;
import org.labo4j.Temperature;
import org.labo4j.nativeapi.LaboNative;

/**
 * The Java -> JavaCPP -> CUDA path. Without a GPU (CI) every entry point must answer "no CUDA device"
 * cleanly; with one, the CUDA kernel must match the CPU kernel (itself checked against the fp64
 * reference in org.labo4j.LabelRegularizerReferenceTest).
 */
class CudaPathTest {

    @Test
    void aDeviceNameEndsAtItsTerminatingNul() {
        try (org.bytedeco.javacpp.BytePointer buffer = new org.bytedeco.javacpp.BytePointer(16)) {
            buffer.put(new byte[] {'H', '2', '0', '0', 0, 'x', 'y', 0, 0, 0, 0, 0, 0, 0, 0, 0});
            assertEquals("H200", CudaDevices.untilNul(buffer));
            buffer.put(new byte[] {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p'});
            assertEquals("abcdefghijklmnop", CudaDevices.untilNul(buffer), "no NUL: the whole buffer");
        }
    }

    @Test
    void withoutADeviceEveryEntryPointReportsNoCudaDevice() {
        Assumptions.assumeTrue(CudaDevices.count() == 0, "a CUDA device is present: see the on-device test");
        final LaboException alloc = assertThrows(LaboException.class, () -> DeviceBuffer.allocate(0, 1024));
        assertEquals(LaboNative.LABO_STATUS_NO_CUDA_DEVICE, alloc.status());
        assertTrue(!alloc.getMessage().isBlank(), "a message says why");
        assertEquals(LaboNative.LABO_STATUS_NO_CUDA_DEVICE,
                assertThrows(LaboException.class, () -> CudaDevices.name(0)).status());
        assertEquals(LaboNative.LABO_STATUS_NO_CUDA_DEVICE,
                assertThrows(LaboException.class, () -> CudaDevices.synchronize(0)).status());
        assertEquals(LaboNative.LABO_STATUS_NO_CUDA_DEVICE,
                assertThrows(LaboException.class, () -> CudaDevices.takeTargetError(0)).status());
        // The loss entry point itself, with device pointers it can never dereference.
        try (LaboNative.LossConfig config = LabelRegularizer.labo().build().nativeConfig();
             LaboNative.LossArgs args = new LaboNative.LossArgs();
             org.bytedeco.javacpp.FloatPointer loss = new org.bytedeco.javacpp.FloatPointer(1);
             org.bytedeco.javacpp.FloatPointer logits = new org.bytedeco.javacpp.FloatPointer(4);
             org.bytedeco.javacpp.LongPointer targets = new org.bytedeco.javacpp.LongPointer(2)) {
            args.device_type(LaboNative.LABO_DEVICE_CUDA).rows(2).vocab(2).logits_row_stride(2)
                    .logits(logits).targets(targets).loss(loss);
            assertEquals(LaboNative.LABO_STATUS_NO_CUDA_DEVICE, LaboNative.labo_loss_forward_backward(config, args));
            assertTrue(!LaboNative.labo_last_error().getString().isBlank());
        }
    }

    /** target_errors must be a labo_target_errors; the CPU, which always reports, accepts either mode. */
    @Test
    void targetErrorsModeIsChecked() {
        try (LaboNative.LossConfig config = LabelRegularizer.crossEntropy().build().nativeConfig();
             LaboNative.LossArgs args = new LaboNative.LossArgs();
             org.bytedeco.javacpp.FloatPointer loss = new org.bytedeco.javacpp.FloatPointer(1);
             org.bytedeco.javacpp.FloatPointer logits = new org.bytedeco.javacpp.FloatPointer(0f, 1f, 2f, 3f);
             org.bytedeco.javacpp.LongPointer targets = new org.bytedeco.javacpp.LongPointer(1L, 5L)) {
            args.rows(2).vocab(2).logits_row_stride(2).logits(logits).targets(targets).loss(loss).target_errors(7);
            assertEquals(LaboNative.LABO_STATUS_INVALID_ARGUMENT, LaboNative.labo_loss_forward_backward(config, args));
            final String message = LaboNative.labo_last_error().getString();
            assertTrue(message.contains("target_errors = 7"), message);
            // On the CPU a bad target is reported at once in both modes.
            args.target_errors(LaboNative.LABO_TARGET_ERRORS_DEFERRED);
            assertEquals(LaboNative.LABO_STATUS_INVALID_ARGUMENT, LaboNative.labo_loss_forward_backward(config, args));
            assertTrue(LaboNative.labo_last_error().getString().contains("targets[1] = 5"),
                    LaboNative.labo_last_error().getString());
            targets.put(1, 0L);
            assertEquals(LaboNative.LABO_STATUS_OK, LaboNative.labo_loss_forward_backward(config, args));
        }
    }

    @Test
    void onADeviceTheKernelMatchesTheCpuKernel() {
        Assumptions.assumeTrue(CudaDevices.count() > 0, "no CUDA device on this machine");
        final Random rnd = new Random();
        final int rows = 64;
        for (int vocab : new int[] {2, 10, 1000, 32000, 50257}) {
            final float[] z = new float[rows * vocab];
            final long[] y = new long[rows];
            for (int i = 0; i < z.length; i++) {
                z[i] = (float) (3 * rnd.nextGaussian());
            }
            for (int i = 0; i < rows; i++) {
                y[i] = i == 5 ? LabelRegularizer.DEFAULT_IGNORE_INDEX : rnd.nextInt(vocab);
            }
            final LabelRegularizer labo = LabelRegularizer.labo().alpha(0.1).temperature(Temperature.budget(0.5)).build();
            final LabelRegularizer.Builder cpuBuilder = labo.toBuilder();
            final org.bytedeco.pytorch.Tensor cpuLogits = org.bytedeco.pytorch.global.torch
                    .from_blob(new org.bytedeco.javacpp.FloatPointer(z), new long[] {rows, vocab}).clone();
            final org.bytedeco.pytorch.Tensor cpuTargets = org.bytedeco.pytorch.global.torch
                    .from_blob(new org.bytedeco.javacpp.LongPointer(y), new long[] {rows},
                            new org.bytedeco.pytorch.TensorOptions(org.bytedeco.pytorch.global.torch.ScalarType.Long)).clone();
            final double cpuLoss = cpuBuilder.build().forwardBackward(cpuLogits, cpuTargets).lossValue();
            try (DeviceBuffer dz = DeviceBuffer.of(0, z); DeviceBuffer dy = DeviceBuffer.of(0, y);
                 DeviceBuffer dg = DeviceBuffer.allocate(0, 4L * z.length); DeviceBuffer dl = DeviceBuffer.allocate(0, 4)) {
                final float gpuLoss = CudaLoss.forwardBackward(labo, dz, LaboNative.LABO_DTYPE_FLOAT32, rows, vocab, dy, dg, dl)[0];
                assertEquals(cpuLoss, gpuLoss, 1e-5 * Math.abs(cpuLoss), "V=" + vocab);
            }
        }
    }
}
