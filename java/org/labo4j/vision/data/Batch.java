package org.labo4j.vision.data;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * One mini-batch as libtorch tensors: normalized images {@code float32 [B, 1, H, W]} and class labels
 * {@code int64 [B]}. Closing releases both native tensors at once instead of waiting for the GC.
 */
public record Batch(Tensor images, Tensor labels, int size) implements AutoCloseable {
    /** This batch on {@code device} (the same tensors where they are already there). */
    public Batch to(Device device) {
        return new Batch(images.to(device, ScalarType.Float), labels.to(device, ScalarType.Long), size);
    }

    @Override
    public void close() {
        images.close();
        labels.close();
    }
}
