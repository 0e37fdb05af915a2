package org.labo4j.vision.data;

import org.bytedeco.pytorch.Tensor;

/**
 * One mini-batch as libtorch tensors: normalized images {@code float32 [B, 1, H, W]} and class labels
 * {@code int64 [B]}. Closing releases both native tensors at once instead of waiting for the GC.
 */
public record Batch(Tensor images, Tensor labels, int size) implements AutoCloseable {
    @Override
    public void close() {
        images.close();
        labels.close();
    }
}
