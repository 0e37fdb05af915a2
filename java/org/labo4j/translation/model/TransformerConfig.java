package org.labo4j.translation.model;

import java.util.Properties;

import org.labo4j.translation.tokenize.SpecialTokens;

/**
 * The sizes and options of a {@link TranslationTransformer}.
 *
 * @param sourceVocabulary  number of source token ids
 * @param targetVocabulary  number of target token ids
 * @param modelDimension    width of every residual stream ({@code d_model})
 * @param heads             attention heads; must divide {@code modelDimension}
 * @param feedForward       hidden width of the position-wise feed-forward blocks
 * @param encoderLayers     encoder blocks
 * @param decoderLayers     decoder blocks
 * @param dropout           dropout on embeddings, attention weights, residual branches and the
 *                          feed-forward hidden layer (training mode only)
 * @param shareEmbeddings   one embedding table for source and target (needs a joint vocabulary)
 * @param tieOutput         the output projection is the target embedding table, transposed
 * @param maxPositions      longest sequence the sinusoidal position table covers
 */
public record TransformerConfig(int sourceVocabulary, int targetVocabulary, int modelDimension, int heads,
        int feedForward, int encoderLayers, int decoderLayers, double dropout, boolean shareEmbeddings,
        boolean tieOutput, int maxPositions) {
    /** Token id that marks padding in sources and targets. */
    public static final int PAD = SpecialTokens.PAD;

    public TransformerConfig {
        positive("sourceVocabulary", sourceVocabulary);
        positive("targetVocabulary", targetVocabulary);
        positive("modelDimension", modelDimension);
        positive("heads", heads);
        positive("feedForward", feedForward);
        positive("encoderLayers", encoderLayers);
        positive("decoderLayers", decoderLayers);
        positive("maxPositions", maxPositions);
        if (modelDimension % heads != 0) {
            throw new IllegalArgumentException("heads = " + heads + " must divide modelDimension = " + modelDimension);
        }
        if (modelDimension % 2 != 0) {
            throw new IllegalArgumentException("sinusoidal positions need an even modelDimension, got " + modelDimension);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        if (shareEmbeddings && sourceVocabulary != targetVocabulary) {
            throw new IllegalArgumentException("shared embeddings need one vocabulary, got " + sourceVocabulary
                    + " source and " + targetVocabulary + " target ids");
        }
    }

    /**
     * The default: d_model 256, 4 heads, feed-forward 1024, 3 + 3 layers, dropout 0.1, shared and tied
     * embeddings for a joint vocabulary (about 7.5M parameters at 8000 ids), positions up to 256.
     */
    public static TransformerConfig small(int jointVocabulary) {
        return new TransformerConfig(jointVocabulary, jointVocabulary, 256, 4, 1024, 3, 3, 0.1, true, true, 256);
    }

    public TransformerConfig withDropout(double value) {
        return new TransformerConfig(sourceVocabulary, targetVocabulary, modelDimension, heads, feedForward,
                encoderLayers, decoderLayers, value, shareEmbeddings, tieOutput, maxPositions);
    }

    public TransformerConfig withSizes(int dModel, int headCount, int ffn, int encoder, int decoder) {
        return new TransformerConfig(sourceVocabulary, targetVocabulary, dModel, headCount, ffn, encoder, decoder,
                dropout, shareEmbeddings, tieOutput, maxPositions);
    }

    /** The configuration as properties under {@code prefix}, e.g. for checkpoint metadata. */
    public Properties toProperties(String prefix) {
        Properties p = new Properties();
        p.setProperty(prefix + "sourceVocabulary", Integer.toString(sourceVocabulary));
        p.setProperty(prefix + "targetVocabulary", Integer.toString(targetVocabulary));
        p.setProperty(prefix + "modelDimension", Integer.toString(modelDimension));
        p.setProperty(prefix + "heads", Integer.toString(heads));
        p.setProperty(prefix + "feedForward", Integer.toString(feedForward));
        p.setProperty(prefix + "encoderLayers", Integer.toString(encoderLayers));
        p.setProperty(prefix + "decoderLayers", Integer.toString(decoderLayers));
        p.setProperty(prefix + "dropout", Double.toString(dropout));
        p.setProperty(prefix + "shareEmbeddings", Boolean.toString(shareEmbeddings));
        p.setProperty(prefix + "tieOutput", Boolean.toString(tieOutput));
        p.setProperty(prefix + "maxPositions", Integer.toString(maxPositions));
        return p;
    }

    /** @throws IllegalArgumentException if a key is missing or malformed */
    public static TransformerConfig fromProperties(Properties p, String prefix) {
        return new TransformerConfig(integer(p, prefix + "sourceVocabulary"), integer(p, prefix + "targetVocabulary"),
                integer(p, prefix + "modelDimension"), integer(p, prefix + "heads"), integer(p, prefix + "feedForward"),
                integer(p, prefix + "encoderLayers"), integer(p, prefix + "decoderLayers"),
                Double.parseDouble(required(p, prefix + "dropout")),
                Boolean.parseBoolean(required(p, prefix + "shareEmbeddings")),
                Boolean.parseBoolean(required(p, prefix + "tieOutput")), integer(p, prefix + "maxPositions"));
    }

    private static int integer(Properties p, String key) {
        return Integer.parseInt(required(p, key));
    }

    private static String required(Properties p, String key) {
        String value = p.getProperty(key);
        if (value == null) {
            throw new IllegalArgumentException("missing model property " + key);
        }
        return value;
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
