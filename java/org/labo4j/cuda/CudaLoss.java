package org.labo4j.cuda;

import org.labo4j.LabelRegularizer;
import org.labo4j.Reduction;
import org.labo4j.LaboException;
import org.labo4j.nativeapi.LaboNative;
import org.labo4j.nativeapi.LaboNative.LossArgs;
import org.labo4j.nativeapi.LaboNative.LossConfig;

/**
 * The fused loss on raw CUDA device buffers (no libtorch): logits {@code [rows, vocab]} contiguous in
 * {@code dtype} (a {@code LaboNative.LABO_DTYPE_*}), int64 targets, an optional gradient buffer of the
 * logits' size (may be the logits buffer itself: in place), and a float32 loss buffer of one element
 * (MEAN, SUM) or {@code rows} elements (NONE). Runs on the legacy default stream and returns the loss
 * values copied to the host.
 */
public final class CudaLoss {
    private CudaLoss() {}

    public static float[] forwardBackward(LabelRegularizer regularizer, DeviceBuffer logits, int dtype, long rows, long vocab,
                                          DeviceBuffer targets, DeviceBuffer grad, DeviceBuffer loss) {
        final long elementBytes = dtype == LaboNative.LABO_DTYPE_FLOAT32 ? 4 : 2;
        final long lossCount = regularizer.reduction() == Reduction.NONE ? rows : 1;
        require(logits.bytes() >= rows * vocab * elementBytes, "logits", logits.bytes());
        require(targets.bytes() >= rows * 8, "targets", targets.bytes());
        require(loss.bytes() >= lossCount * 4, "loss", loss.bytes());
        if (grad != null) {
            require(grad.bytes() >= rows * vocab * elementBytes, "grad", grad.bytes());
        }
        try (LossConfig config = regularizer.nativeConfig(); LossArgs args = new LossArgs()) {
            args.device_type(LaboNative.LABO_DEVICE_CUDA).device_index(logits.device()).dtype(dtype)
                    .rows(rows).vocab(vocab).logits_row_stride(vocab)
                    .logits(logits.pointer())
                    .targets(new org.bytedeco.javacpp.LongPointer(targets.pointer()))
                    .loss(new org.bytedeco.javacpp.FloatPointer(loss.pointer()));
            if (grad != null) {
                args.grad(grad.pointer()).grad_row_stride(vocab);
            }
            LaboException.throwIfFailed(LaboNative.labo_loss_forward_backward(config, args));
        }
        return loss.toFloats((int) lossCount);
    }

    private static void require(boolean ok, String name, long bytes) {
        if (!ok) {
            throw new IllegalArgumentException(name + " buffer of " + bytes + " bytes is too small for the given shape");
        }
    }
}
