package org.labo4j.translation.bleu;

import java.util.List;
import java.util.Map;

/**
 * The references of one segment, reduced to what BLEU needs: for each n-gram the largest count in
 * any single reference (the clipping limit), and each reference's length.
 */
final class References {
    private final List<Map<String, Integer>> maxCounts;
    private final int[] lengths;

    private References(List<Map<String, Integer>> maxCounts, int[] lengths) {
        this.maxCounts = maxCounts;
        this.lengths = lengths;
    }

    static References of(List<List<String>> tokenizedReferences, int maxOrder) {
        List<Map<String, Integer>> merged = null;
        int[] lengths = new int[tokenizedReferences.size()];
        for (int r = 0; r < lengths.length; r++) {
            List<String> tokens = tokenizedReferences.get(r);
            lengths[r] = tokens.size();
            List<Map<String, Integer>> counts = Ngrams.count(tokens, maxOrder);
            if (merged == null) {
                merged = counts;
            } else {
                for (int n = 0; n < maxOrder; n++) {
                    Map<String, Integer> into = merged.get(n);
                    counts.get(n).forEach((ngram, count) -> into.merge(ngram, count, Math::max));
                }
            }
        }
        if (merged == null) {
            throw new IllegalArgumentException("a segment needs at least one reference");
        }
        return new References(merged, lengths);
    }

    /** How often {@code ngram} (of order {@code order}, 1-based) may be credited. */
    int maxCount(int order, String ngram) {
        return maxCounts.get(order - 1).getOrDefault(ngram, 0);
    }

    /** The reference length closest to {@code hypothesisLength}; on a tie the shorter one, as sacreBLEU. */
    int closestLength(int hypothesisLength) {
        int best = -1;
        int bestDiff = -1;
        for (int length : lengths) {
            int diff = Math.abs(hypothesisLength - length);
            if (bestDiff == -1 || diff < bestDiff || (diff == bestDiff && length < best)) {
                bestDiff = diff;
                best = length;
            }
        }
        return best;
    }
}
