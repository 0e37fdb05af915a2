package org.labo4j.vision.data;

import java.util.Arrays;

import org.labo4j.util.SeededRandom;

/** A validation set carved out of a training set by a seeded random permutation. */
public record TrainValidationSplit(ImageDataset train, ImageDataset validation) {

    /**
     * Holds out {@code validationSize} images chosen by {@code seed}; the rest, in their original order,
     * stay for training. The same seed and dataset always give the same split.
     */
    public static TrainValidationSplit carve(ImageDataset full, int validationSize, long seed) {
        if (validationSize < 0 || validationSize >= full.size()) {
            throw new IllegalArgumentException("validationSize must be in [0, " + full.size() + "), got "
                    + validationSize);
        }
        int[] permutation = new SeededRandom(SeededRandom.derive(seed, 0x5711L)).permutation(full.size());
        int[] validationIndices = Arrays.copyOfRange(permutation, 0, validationSize);
        int[] trainIndices = Arrays.copyOfRange(permutation, validationSize, full.size());
        // Sorted so that the split depends only on which images were drawn, and memory is read in order.
        Arrays.sort(validationIndices);
        Arrays.sort(trainIndices);
        return new TrainValidationSplit(
                full.subset(full.name() + "-train", trainIndices),
                full.subset(full.name() + "-validation", validationIndices));
    }
}
