package org.labo4j.translation.decode;

/**
 * A beam search result.
 *
 * @param tokens         generated ids, without bos and eos
 * @param logProbability sum of the token log-probabilities, eos included when finished
 * @param finished       whether it ended with eos (rather than at the length limit)
 */
public record Hypothesis(int[] tokens, double logProbability, boolean finished) {
    /** Tokens the length penalty counts: the output and its eos. */
    public int scoredLength() {
        return tokens.length + (finished ? 1 : 0);
    }
}
