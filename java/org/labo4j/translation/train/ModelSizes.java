package org.labo4j.translation.train;

import java.util.List;

import org.labo4j.translation.model.TransformerConfig;

/**
 * The Transformer sizes a run can ask for by name, all with a joint vocabulary, shared and tied
 * embeddings and positions up to {@value #MAX_POSITIONS}.
 */
public final class ModelSizes {
    /** Longer than any Multi30k sentence in subwords (the longest is about 90 at 8,000 ids). */
    static final int MAX_POSITIONS = 256;

    private ModelSizes() {
    }

    public static List<String> names() {
        return List.of("tiny", "small", "base");
    }

    /**
     * @param name {@code tiny} (d 64, 2 + 2 layers: tests and smoke runs), {@code small} (d 256,
     *     3 + 3 layers: the CPU default, {@link TransformerConfig#small}) or {@code base} (d 512,
     *     6 + 6 layers, as in "Attention is all you need")
     */
    public static TransformerConfig of(String name, int vocabulary, double dropout) {
        TransformerConfig small = TransformerConfig.small(vocabulary);
        TransformerConfig sized = switch (name) {
            case "tiny" -> small.withSizes(64, 4, 256, 2, 2);
            case "small" -> small;
            case "base" -> small.withSizes(512, 8, 2048, 6, 6);
            default -> throw new IllegalArgumentException("model " + name + " must be one of " + names());
        };
        return new TransformerConfig(vocabulary, vocabulary, sized.modelDimension(), sized.heads(),
                sized.feedForward(), sized.encoderLayers(), sized.decoderLayers(), dropout, true, true,
                MAX_POSITIONS);
    }
}
