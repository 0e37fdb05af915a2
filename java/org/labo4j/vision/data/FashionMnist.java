package org.labo4j.vision.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Fashion-MNIST: 60,000 training and 10,000 test images, 28x28 grey, 10 classes of clothing. */
public final class FashionMnist {
    /** Where Debian's {@code dataset-fashion-mnist} package installs the four gzip'd IDX files. */
    public static final Path DEFAULT_DIRECTORY = Path.of("/usr/share/datasets/fashion-mnist");

    public static final int NUM_CLASSES = 10;
    public static final int IMAGE_SIZE = 28;

    public static final List<String> CLASS_NAMES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /**
     * Mean and standard deviation of the 47,040,000 training pixels scaled to [0, 1] (population std).
     * Measured from the files; FashionMnistFilesTest recomputes them.
     */
    public static final Normalization TRAIN_NORMALIZATION = new Normalization(0.28604060, 0.35302424);

    private FashionMnist() {
    }

    public static ImageDataset loadTrain(Path directory) throws IOException {
        return IdxDatasetLoader.loadTrain(directory, NUM_CLASSES);
    }

    public static ImageDataset loadTest(Path directory) throws IOException {
        return IdxDatasetLoader.loadTest(directory, NUM_CLASSES);
    }
}
