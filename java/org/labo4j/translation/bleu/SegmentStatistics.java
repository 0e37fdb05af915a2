package org.labo4j.translation.bleu;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * BLEU's sufficient statistics, one row per segment: hypothesis length, closest reference length,
 * then clipped n-gram matches and hypothesis n-gram totals per order. A corpus score adds rows, so a
 * resampled or mixed corpus (significance tests) is scored without tokenizing again.
 */
final class SegmentStatistics {
    static final int SYS_LEN = 0;
    static final int REF_LEN = 1;
    static final int CORRECT = 2;

    private final int maxOrder;
    private final long[][] rows;
    private final String nrefs;

    SegmentStatistics(int maxOrder, long[][] rows, String nrefs) {
        this.maxOrder = maxOrder;
        this.rows = rows;
        this.nrefs = nrefs;
    }

    /** One segment's row. */
    static long[] row(List<String> hypothesisTokens, References references, int maxOrder) {
        long[] row = new long[width(maxOrder)];
        int hypLen = hypothesisTokens.size();
        row[SYS_LEN] = hypLen;
        row[REF_LEN] = references.closestLength(hypLen);
        List<Map<String, Integer>> hypCounts = Ngrams.count(hypothesisTokens, maxOrder);
        for (int n = 1; n <= maxOrder; n++) {
            int order = n;
            hypCounts.get(n - 1).forEach((ngram, count) -> {
                row[CORRECT + maxOrder + order - 1] += count;
                row[CORRECT + order - 1] += Math.min(count, references.maxCount(order, ngram));
            });
        }
        return row;
    }

    static int width(int maxOrder) {
        return CORRECT + 2 * maxOrder;
    }

    int maxOrder() {
        return maxOrder;
    }

    int size() {
        return rows.length;
    }

    long[] row(int segment) {
        return rows[segment];
    }

    /** The signature's {@code nrefs} field: the number of references per segment, or {@code var}. */
    String nrefs() {
        return nrefs;
    }

    /** An empty accumulator for {@link #add}. */
    long[] zeroSums() {
        return new long[width(maxOrder)];
    }

    /** The whole corpus's sums. */
    long[] sums() {
        long[] sums = zeroSums();
        for (long[] row : rows) {
            add(sums, row);
        }
        return sums;
    }

    static void add(long[] sums, long[] row) {
        for (int k = 0; k < sums.length; k++) {
            sums[k] += row[k];
        }
    }

    static long[] correct(long[] sums, int maxOrder) {
        return Arrays.copyOfRange(sums, CORRECT, CORRECT + maxOrder);
    }

    static long[] total(long[] sums, int maxOrder) {
        return Arrays.copyOfRange(sums, CORRECT + maxOrder, CORRECT + 2 * maxOrder);
    }
}
