package org.labo4j.translation.bleu;

import java.util.List;
import java.util.Map;

/**
 * BLEU's sufficient statistics summed over a corpus: hypothesis and (closest) reference lengths,
 * clipped n-gram matches and hypothesis n-gram totals per order.
 */
final class BleuStatistics {
    private final int maxOrder;
    private long sysLen;
    private long refLen;
    private final long[] correct;
    private final long[] total;

    BleuStatistics(int maxOrder) {
        this.maxOrder = maxOrder;
        this.correct = new long[maxOrder];
        this.total = new long[maxOrder];
    }

    void addSegment(List<String> hypothesisTokens, References references) {
        int hypLen = hypothesisTokens.size();
        sysLen += hypLen;
        refLen += references.closestLength(hypLen);
        List<Map<String, Integer>> hypCounts = Ngrams.count(hypothesisTokens, maxOrder);
        for (int n = 1; n <= maxOrder; n++) {
            int order = n;
            hypCounts.get(n - 1).forEach((ngram, count) -> {
                total[order - 1] += count;
                correct[order - 1] += Math.min(count, references.maxCount(order, ngram));
            });
        }
    }

    long sysLen() {
        return sysLen;
    }

    long refLen() {
        return refLen;
    }

    long[] correct() {
        return correct.clone();
    }

    long[] total() {
        return total.clone();
    }
}
