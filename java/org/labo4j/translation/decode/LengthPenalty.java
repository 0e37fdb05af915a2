package org.labo4j.translation.decode;

/**
 * How beam search ranks hypotheses of different lengths: a sum of log-probabilities alone favours
 * short outputs, so finished hypotheses are compared by {@code logProbability / penalty(length)}.
 */
@FunctionalInterface
public interface LengthPenalty {
    /** @param length generated tokens, eos included */
    double normalize(double logProbability, int length);

    /** Raw log-probabilities. */
    static LengthPenalty none() {
        return (logProbability, length) -> logProbability;
    }

    /** Mean log-probability per token. */
    static LengthPenalty average() {
        return (logProbability, length) -> logProbability / length;
    }

    /** GNMT (Wu et al. 2016): divide by {@code ((5 + length) / 6)^alpha}; alpha 0.6 to 1 is usual. */
    static LengthPenalty gnmt(double alpha) {
        if (!(alpha >= 0)) {
            throw new IllegalArgumentException("alpha must be >= 0, got " + alpha);
        }
        return (logProbability, length) -> logProbability / Math.pow((5.0 + length) / 6.0, alpha);
    }
}
