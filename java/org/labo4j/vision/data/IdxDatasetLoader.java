package org.labo4j.vision.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Loads an image dataset from an IDX images file and an IDX labels file (MNIST, Fashion-MNIST, KMNIST
 * and other datasets in that layout), and the train / test pairs from a directory using the MNIST file
 * names ({@code train-images-idx3-ubyte}, ...), gzip'd ({@code .gz}) or not.
 */
public final class IdxDatasetLoader {
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    private IdxDatasetLoader() {
    }

    /** The training split ({@code train-*}) of the dataset in {@code directory}. */
    public static ImageDataset loadTrain(Path directory, int numClasses) throws IOException {
        return load(locate(directory, TRAIN_IMAGES), locate(directory, TRAIN_LABELS), "train", numClasses);
    }

    /** The test split ({@code t10k-*}) of the dataset in {@code directory}. */
    public static ImageDataset loadTest(Path directory, int numClasses) throws IOException {
        return load(locate(directory, TEST_IMAGES), locate(directory, TEST_LABELS), "test", numClasses);
    }

    /**
     * Loads images and labels and checks that they agree in count and that every label is a class index.
     *
     * @throws NoSuchFileException if a file is missing
     * @throws IdxFormatException if a file is malformed, or the two files disagree
     */
    public static ImageDataset load(Path imagesFile, Path labelsFile, String name, int numClasses) throws IOException {
        IdxReader.IdxArray images = IdxReader.readImages(imagesFile);
        IdxReader.IdxArray labels = IdxReader.readLabels(labelsFile);
        int imageCount = images.dimensions()[0];
        int labelCount = labels.dimensions()[0];
        if (imageCount != labelCount) {
            throw new IdxFormatException(imagesFile, imageCount + " images, but " + labelsFile + " holds "
                    + labelCount + " labels");
        }
        for (int i = 0; i < labelCount; i++) {
            int label = labels.values()[i] & 0xff;
            if (label >= numClasses) {
                throw new IdxFormatException(labelsFile,
                        "label " + label + " at position " + i + " is outside [0, " + numClasses + ")");
            }
        }
        return new ImageDataset(name, images.dimensions()[1], images.dimensions()[2], numClasses,
                images.values(), labels.values());
    }

    /** {@code directory/baseName.gz} if present, else {@code directory/baseName}. */
    static Path locate(Path directory, String baseName) throws NoSuchFileException {
        Path gzipped = directory.resolve(baseName + ".gz");
        if (Files.isRegularFile(gzipped)) {
            return gzipped;
        }
        Path plain = directory.resolve(baseName);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        throw new NoSuchFileException(gzipped.toString(), null,
                "neither " + gzipped.getFileName() + " nor " + plain.getFileName() + " exists in " + directory);
    }
}
