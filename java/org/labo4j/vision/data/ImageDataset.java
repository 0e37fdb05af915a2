package org.labo4j.vision.data;

import java.util.Arrays;

/**
 * Single-channel uint8 images with one class label each, held in memory as one row-major byte array
 * ({@code size * height * width} bytes; 47 MB for the Fashion-MNIST training set).
 */
public final class ImageDataset {
    private final String name;
    private final int height;
    private final int width;
    private final int numClasses;
    private final byte[] pixels;
    private final byte[] labels;

    /**
     * @param pixels row-major {@code [size, height, width]} grey values 0..255 (not copied)
     * @param labels one class index per image, each in {@code [0, numClasses)} (not copied)
     */
    public ImageDataset(String name, int height, int width, int numClasses, byte[] pixels, byte[] labels) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException(name + ": image size must be positive, got " + height + "x" + width);
        }
        if (numClasses < 2) {
            throw new IllegalArgumentException(name + ": numClasses must be at least 2, got " + numClasses);
        }
        if ((long) labels.length * height * width != pixels.length) {
            throw new IllegalArgumentException(name + ": " + pixels.length + " pixel bytes do not hold "
                    + labels.length + " images of " + height + "x" + width);
        }
        for (int i = 0; i < labels.length; i++) {
            int label = labels[i] & 0xff;
            if (label >= numClasses) {
                throw new IllegalArgumentException(
                        name + ": label " + label + " of image " + i + " is outside [0, " + numClasses + ")");
            }
        }
        this.name = name;
        this.height = height;
        this.width = width;
        this.numClasses = numClasses;
        this.pixels = pixels;
        this.labels = labels;
    }

    public String name() {
        return name;
    }

    public int size() {
        return labels.length;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int pixelsPerImage() {
        return height * width;
    }

    public int numClasses() {
        return numClasses;
    }

    public int label(int index) {
        return labels[index] & 0xff;
    }

    /** Grey value 0..255 of one pixel. */
    public int pixel(int index, int row, int col) {
        return pixels[index * pixelsPerImage() + row * width + col] & 0xff;
    }

    /** Offset of image {@code index} in {@link #pixelBytes()}. */
    int pixelOffset(int index) {
        return index * pixelsPerImage();
    }

    /** The shared pixel array, for batch assembly without copies; callers must not modify it. */
    byte[] pixelBytes() {
        return pixels;
    }

    /** A copy of all labels as ints. */
    public int[] labels() {
        int[] out = new int[labels.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = labels[i] & 0xff;
        }
        return out;
    }

    /** Number of images of each class. */
    public int[] classCounts() {
        int[] counts = new int[numClasses];
        for (byte label : labels) {
            counts[label & 0xff]++;
        }
        return counts;
    }

    /** A new dataset holding copies of the given images, in the given order. */
    public ImageDataset subset(String subsetName, int[] indices) {
        int stride = pixelsPerImage();
        byte[] subPixels = new byte[indices.length * stride];
        byte[] subLabels = new byte[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(pixels, indices[i] * stride, subPixels, i * stride, stride);
            subLabels[i] = labels[indices[i]];
        }
        return new ImageDataset(subsetName, height, width, numClasses, subPixels, subLabels);
    }

    /** The first {@code count} images (or all, if fewer). */
    public ImageDataset head(int count) {
        int n = Math.min(count, size());
        int[] indices = new int[n];
        Arrays.setAll(indices, i -> i);
        return subset(name + "[:" + n + "]", indices);
    }

    @Override
    public String toString() {
        return name + " (" + size() + " images " + height + "x" + width + ", " + numClasses + " classes)";
    }
}
