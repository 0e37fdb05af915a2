package org.labo4j.vision.data;

import org.bytedeco.pytorch.Tensor;
import org.labo4j.util.SeededRandom;

/** Copies chosen images of a dataset into batch tensors, normalizing and (optionally) augmenting them. */
public final class BatchAssembler {
    private final float[] normalized;
    private final RandomCropFlip augmentation;

    /** @param augmentation applied to every image, or {@code null} for none (evaluation) */
    public BatchAssembler(Normalization normalization, RandomCropFlip augmentation) {
        this.normalized = normalization.lookupTable();
        this.augmentation = augmentation;
    }

    public boolean augments() {
        return augmentation != null;
    }

    /**
     * Images {@code order[from..to)} of {@code dataset}. Augmentation draws come from a generator seeded
     * with {@code augmentationSeed}, so the same arguments give the same batch.
     */
    public Batch assemble(ImageDataset dataset, int[] order, int from, int to, long augmentationSeed) {
        int count = to - from;
        int h = dataset.height();
        int w = dataset.width();
        int stride = h * w;
        byte[] pixels = dataset.pixelBytes();
        float[] images = new float[count * stride];
        long[] labels = new long[count];
        byte[] augmented = augmentation == null ? null : new byte[stride];
        SeededRandom rng = augmentation == null ? null : new SeededRandom(augmentationSeed);
        for (int i = 0; i < count; i++) {
            int index = order[from + i];
            byte[] source = pixels;
            int offset = dataset.pixelOffset(index);
            if (augmentation != null) {
                augmentation.apply(pixels, offset, h, w, augmented, rng);
                source = augmented;
                offset = 0;
            }
            int base = i * stride;
            for (int p = 0; p < stride; p++) {
                images[base + p] = normalized[source[offset + p] & 0xff];
            }
            labels[i] = dataset.label(index);
        }
        return new Batch(Tensor.create(images, count, 1, h, w), Tensor.create(labels, count), count);
    }
}
