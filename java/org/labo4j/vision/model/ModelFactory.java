package org.labo4j.vision.model;

import java.util.List;

/** Builds an image classifier by name, so configurations and command lines can choose one as a string. */
public final class ModelFactory {
    /** Default dropout of {@link SmallCnn} before its hidden layer. */
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
        return create(name, inputChannels, imageSize, numClasses, SMALL_CNN_DROPOUT);
    }

    /**
     * As {@link #create(String, int, int, int)}, with {@code dropout} for {@link SmallCnn} ({@link ResNet18}
     * has no dropout).
     *
     * @throws IllegalArgumentException for an unknown name or a dropout outside [0, 1)
     */
    public static ImageClassifier create(String name, int inputChannels, int imageSize, int numClasses, double dropout) {
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        return switch (name) {
            case SmallCnn.NAME -> new SmallCnn(inputChannels, imageSize, numClasses, dropout);
            case ResNet18.NAME -> new ResNet18(inputChannels, numClasses);
            default -> throw new IllegalArgumentException("unknown model '" + name + "'; known: " + names());
        };
    }
}
