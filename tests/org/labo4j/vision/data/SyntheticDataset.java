package org.labo4j.vision.data;

import java.io.IOException;
import java.nio.file.Path;

import org.labo4j.util.SeededRandom;

/**
 * A learnable stand-in for Fashion-MNIST in the same file layout, so training tests run without the
 * real dataset: class {@code k} is a bright 6x6 square at a class-specific position on dim noise.
 */
public final class SyntheticDataset {
    private SyntheticDataset() {
    }

    /** Writes gzip'd train ({@code trainCount} images) and test ({@code testCount}) IDX files into {@code dir}. */
    public static Path write(Path dir, int trainCount, int testCount, long seed) throws IOException {
        writeSplit(dir, IdxDatasetLoader.TRAIN_IMAGES, IdxDatasetLoader.TRAIN_LABELS, trainCount, seed);
        writeSplit(dir, IdxDatasetLoader.TEST_IMAGES, IdxDatasetLoader.TEST_LABELS, testCount, seed + 1);
        return dir;
    }

    private static void writeSplit(Path dir, String imagesName, String labelsName, int count, long seed)
            throws IOException {
        SeededRandom rng = new SeededRandom(seed);
        byte[] pixels = new byte[count * 28 * 28];
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            int label = i % 10;
            labels[i] = (byte) label;
            int top = 3 + (label / 5) * 12 + rng.nextInt(3);
            int left = 2 + (label % 5) * 5 + rng.nextInt(2);
            for (int p = 0; p < 28 * 28; p++) {
                pixels[i * 784 + p] = (byte) rng.nextInt(60);
            }
            for (int r = top; r < top + 6; r++) {
                for (int c = left; c < Math.min(28, left + 6); c++) {
                    pixels[i * 784 + r * 28 + c] = (byte) (180 + rng.nextInt(76));
                }
            }
        }
        IdxTestFiles.writeImages(dir.resolve(imagesName + ".gz"), count, 28, 28, pixels, true);
        IdxTestFiles.writeLabels(dir.resolve(labelsName + ".gz"), labels, true);
    }
}
