package org.labo4j.translation.decode;

/**
 * How {@link Translator} searches.
 *
 * @param beamSize        1 for greedy decoding, more for beam search
 * @param lengthPenalty   ranks beam hypotheses (unused by greedy decoding)
 * @param batchSize       sentences decoded together (beam search: each with {@code beamSize} rows)
 * @param maxLengthRatio  the output may have {@code maxLengthRatio * sourceTokens + maxLengthOffset}
 *                        tokens at most (eos included), and never more than the model's positions
 * @param maxLengthOffset see {@code maxLengthRatio}
 */
public record DecodingOptions(int beamSize, LengthPenalty lengthPenalty, int batchSize, double maxLengthRatio,
        int maxLengthOffset) {
    public DecodingOptions {
        if (beamSize < 1 || batchSize < 1 || maxLengthRatio < 0 || maxLengthOffset < 1) {
            throw new IllegalArgumentException("bad decoding options: beam " + beamSize + ", batch " + batchSize
                    + ", max length " + maxLengthRatio + " x source + " + maxLengthOffset);
        }
    }

    /** Greedy, 64 sentences at a time, up to 1.5 x source + 10 tokens. */
    public static DecodingOptions greedy() {
        return new DecodingOptions(1, LengthPenalty.none(), 64, 1.5, 10);
    }

    /** Beam search with the given width and length penalty, 16 sentences at a time, up to 1.5 x source + 10 tokens. */
    public static DecodingOptions beam(int beamSize, LengthPenalty lengthPenalty) {
        return new DecodingOptions(beamSize, lengthPenalty, 16, 1.5, 10);
    }

    /** The most tokens (eos included) an output for a source of {@code sourceTokens} may have. */
    public int maxLength(int sourceTokens, int modelPositions) {
        return (int) Math.min(modelPositions, Math.floor(maxLengthRatio * sourceTokens) + maxLengthOffset);
    }
}
