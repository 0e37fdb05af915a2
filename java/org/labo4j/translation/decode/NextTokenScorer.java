package org.labo4j.translation.decode;

import org.bytedeco.pytorch.Tensor;

/**
 * The model as the decoders see it: a fixed set of rows (each bound to its source sentence) and, for
 * a prefix per row, the log-probabilities of the next token. The decoders call it with prefixes one
 * token longer each time, so a scorer may keep state between calls (a key-value cache).
 */
@FunctionalInterface
public interface NextTokenScorer {
    /**
     * @param prefixes int64 {@code [rows, t]}, each starting with bos, each the previous call's prefix
     *                 (after {@link #reorder}) plus one token
     * @return float {@code [rows, vocabulary]} log-probabilities of token {@code t + 1}
     */
    Tensor logProbabilities(Tensor prefixes);

    /**
     * Row {@code r} of the next call continues row {@code parents[r]} of the last call (beam search
     * keeps, drops and repeats hypotheses). A scorer without state has nothing to do.
     */
    default void reorder(long[] parents) {
    }
}
