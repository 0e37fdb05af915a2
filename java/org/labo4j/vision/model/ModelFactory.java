package org.labo4j.vision.model;

import java.util.List;

/** Builds an image classifier by name, so configurations and command lines can choose one as a string. */
public final class ModelFactory {
    /** Dropout of {@link SmallCnn} before its hidden layer. */
    public static final double SMALL_CNN_DROPOUT = 0.3;

    private ModelFactory() {
    }

    public static List<String> names() {
        return List.of(SmallCnn.NAME, ResNet18.NAME);
    }

    /**
     * A freshly initialized model (libtorch's default initialization, drawn from the global torch
     * generator: seed it first for reproducible weights).
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static ImageClassifier create(String name, int inputChannels, int imageSize, int numClasses) {
        return switch (name) {
            case SmallCnn.NAME -> new SmallCnn(inputChannels, imageSize, numClasses, SMALL_CNN_DROPOUT);
            case ResNet18.NAME -> new ResNet18(inputChannels, numClasses);
            default -> throw new IllegalArgumentException("unknown model '" + name + "'; known: " + names());
        };
    }
}
