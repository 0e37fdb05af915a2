package org.labo4j.translation.batch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

import org.labo4j.util.SeededRandom;

/**
 * Token-level batching: pairs sorted by length (target, then source) are cut into consecutive groups
 * whose padded size, rows times the longest padded length, stays within {@code maxTokens}. Sorting
 * keeps padding low; the groups are fixed, and only their order changes from epoch to epoch, as a
 * pure function of the seed and the epoch (so a resumed run sees the same order). A pair longer than
 * the budget on its own gets a batch of its own.
 */
public final class TokenBudgetBatches {
    private final List<EncodedPair> pairs;
    private final List<int[]> groups;

    public TokenBudgetBatches(List<EncodedPair> pairs, int maxTokens) {
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("maxTokens must be positive, got " + maxTokens);
        }
        this.pairs = List.copyOf(pairs);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.<Integer>comparingInt(i -> pairs.get(i).target().length)
                .thenComparingInt(i -> pairs.get(i).source().length).thenComparingInt(i -> i));
        groups = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        int longest = 0;
        for (int i : order) {
            int length = Math.max(longest, pairs.get(i).paddedLength());
            if (!current.isEmpty() && (long) (current.size() + 1) * length > maxTokens) {
                groups.add(toArray(current));
                current.clear();
                length = pairs.get(i).paddedLength();
            }
            current.add(i);
            longest = length;
        }
        if (!current.isEmpty()) {
            groups.add(toArray(current));
        }
    }

    private static int[] toArray(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }

    public int batchCount() {
        return groups.size();
    }

    /** The pair indices of batch {@code b} (a copy). */
    public int[] indices(int b) {
        return groups.get(b).clone();
    }

    /** Batch {@code b} as tensors. */
    public TranslationBatch batch(int b) {
        return TranslationBatch.of(pairs, groups.get(b));
    }

    /** The batch order of {@code epoch}: a permutation of {@code 0..batchCount-1} derived from the seed. */
    public int[] epochOrder(long seed, int epoch) {
        int[] order = new int[groups.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        new SeededRandom(SeededRandom.derive(seed, epoch)).shuffle(order);
        return order;
    }

    /** All batches' pair indices, e.g. for statistics. */
    public List<int[]> allIndices() {
        List<int[]> copy = new ArrayList<>();
        for (int[] group : groups) {
            copy.add(group.clone());
        }
        return Collections.unmodifiableList(copy);
    }
}
