package org.labo4j.translation.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.labo4j.translation.data.SentencePair;
import org.labo4j.translation.tokenize.BpeTokenizer;

/**
 * A sentence pair as token ids, without sentence boundaries (batching adds them).
 *
 * @param source source token ids
 * @param target target token ids
 */
public record EncodedPair(int[] source, int[] target) {
    public EncodedPair {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
    }

    /** Encodes every pair with the tokenizer of each side (the same one for a joint vocabulary). */
    public static List<EncodedPair> encode(List<SentencePair> pairs, BpeTokenizer sourceTokenizer,
            BpeTokenizer targetTokenizer) {
        List<EncodedPair> encoded = new ArrayList<>(pairs.size());
        for (SentencePair pair : pairs) {
            encoded.add(new EncodedPair(sourceTokenizer.encode(pair.source()), targetTokenizer.encode(pair.target())));
        }
        return encoded;
    }

    /** Positions this pair takes in a padded batch: the longer side, with its eos or bos. */
    public int paddedLength() {
        return Math.max(source.length, target.length) + 1;
    }
}
