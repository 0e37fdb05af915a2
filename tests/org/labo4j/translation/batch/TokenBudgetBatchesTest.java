package org.labo4j.translation.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

class TokenBudgetBatchesTest {
    private static long[] values(Tensor t) {
        long[] v = new long[(int) t.numel()];
        t.contiguous().data_ptr_long().get(v);
        return v;
    }

    @Test
    void padsSourcesWithEosAndShiftsTargets() {
        List<EncodedPair> pairs = List.of(new EncodedPair(new int[] {7, 8}, new int[] {9}),
                new EncodedPair(new int[] {10}, new int[] {11, 12, 13}));
        TranslationBatch batch = TranslationBatch.of(pairs, new int[] {1, 0});
        assertArrayEquals(new long[] {2, 3}, batch.source().shape());
        assertArrayEquals(new long[] {10, 2, 0, 7, 8, 2}, values(batch.source()));
        assertArrayEquals(new long[] {1, 11, 12, 13, 1, 9, 0, 0}, values(batch.targetInput()));
        assertArrayEquals(new long[] {11, 12, 13, 2, 9, 2, 0, 0}, values(batch.targetOutput()));
        assertEquals(5, batch.sourceTokens());
        assertEquals(6, batch.targetTokens());
        assertArrayEquals(new int[] {1, 0}, batch.indices());
    }

    @Test
    void batchesStayWithinTheTokenBudgetAndCoverEveryPairOnce() {
        List<EncodedPair> pairs = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            pairs.add(new EncodedPair(new int[5 + i % 23], new int[3 + (i * 7) % 31]));
        }
        TokenBudgetBatches batches = new TokenBudgetBatches(pairs, 256);
        boolean[] seen = new boolean[pairs.size()];
        for (int b = 0; b < batches.batchCount(); b++) {
            int[] indices = batches.indices(b);
            int longest = Arrays.stream(indices).map(i -> pairs.get(i).paddedLength()).max().orElseThrow();
            assertTrue(indices.length * longest <= 256, "batch " + b);
            TranslationBatch batch = batches.batch(b);
            assertTrue(batch.source().numel() <= 256 && batch.targetInput().numel() <= 256);
            for (int i : indices) {
                assertFalse(seen[i]);
                seen[i] = true;
            }
        }
        for (boolean s : seen) {
            assertTrue(s);
        }
    }

    @Test
    void epochOrderIsASeededPermutation() {
        List<EncodedPair> pairs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            pairs.add(new EncodedPair(new int[i % 10 + 1], new int[i % 7 + 1]));
        }
        TokenBudgetBatches batches = new TokenBudgetBatches(pairs, 40);
        int[] first = batches.epochOrder(1, 0);
        assertArrayEquals(first, batches.epochOrder(1, 0));
        assertFalse(Arrays.equals(first, batches.epochOrder(1, 1)));
        int[] sorted = first.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i]);
        }
    }

    @Test
    void aPairLongerThanTheBudgetGetsABatchOfItsOwn() {
        List<EncodedPair> pairs = List.of(new EncodedPair(new int[3], new int[3]),
                new EncodedPair(new int[50], new int[2]));
        TokenBudgetBatches batches = new TokenBudgetBatches(pairs, 20);
        assertEquals(2, batches.batchCount());
    }
}
