package org.labo4j.translation.decode;

import org.bytedeco.pytorch.Tensor;

/**
 * The model as the decoders see it: a fixed set of rows (each bound to its source sentence) and, for
 * a prefix per row, the log-probabilities of the next token.
 */
@FunctionalInterface
public interface NextTokenScorer {
    /**
     * @param prefixes int64 {@code [rows, t]}, each starting with bos
     * @return float {@code [rows, vocabulary]} log-probabilities of token {@code t + 1}
     */
    Tensor logProbabilities(Tensor prefixes);
}
