package org.labo4j.vision.data;

import org.labo4j.util.SeededRandom;

/**
 * The standard small-image augmentation: pad with {@code padding} zero pixels on every side, take a
 * random crop of the original size, then mirror left-right with probability 1/2 (torchvision's
 * {@code RandomCrop(size, padding)} followed by {@code RandomHorizontalFlip()}). Works on raw grey
 * values, so the padding is black (0) before normalization, as in torchvision.
 */
public final class RandomCropFlip {
    private final int padding;
    private final boolean flip;

    public RandomCropFlip(int padding, boolean flip) {
        if (padding < 0) {
            throw new IllegalArgumentException("padding must be >= 0, got " + padding);
        }
        this.padding = padding;
        this.flip = flip;
    }

    /** Crop offset in {@code [-padding, padding]} on each axis plus a flip, from 3 draws of {@code rng}. */
    public void apply(byte[] source, int sourceOffset, int height, int width, byte[] target, SeededRandom rng) {
        int dy = rng.nextInt(2 * padding + 1) - padding;
        int dx = rng.nextInt(2 * padding + 1) - padding;
        boolean mirror = flip && rng.nextBoolean();
        for (int r = 0; r < height; r++) {
            int sr = r + dy;
            for (int c = 0; c < width; c++) {
                int sc = (mirror ? width - 1 - c : c) + dx;
                boolean inside = sr >= 0 && sr < height && sc >= 0 && sc < width;
                target[r * width + c] = inside ? source[sourceOffset + sr * width + sc] : 0;
            }
        }
    }

    public int padding() {
        return padding;
    }

    public boolean flips() {
        return flip;
    }
}
