package org.labo4j.translation.model;

import static org.bytedeco.pytorch.global.torch.allclose;
import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.bytedeco.pytorch.global.torch.set_num_threads;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorArrayRefOptional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labo4j.LabelRegularizer;
import org.labo4j.translation.batch.EncodedPair;
import org.labo4j.translation.batch.TranslationBatch;
import org.labo4j.translation.tokenize.SpecialTokens;

class TranslationTransformerTest {
    private static final int VOCABULARY = 40;

    @BeforeAll
    static void oneThread() {
        set_num_threads(1);
    }

    private static TranslationTransformer tiny(boolean shared, boolean tied) {
        manual_seed(3);
        return new TranslationTransformer(new TransformerConfig(VOCABULARY, VOCABULARY, 32, 4, 64, 2, 2, 0.1,
                shared, tied, 64));
    }

    private static Tensor ids(long[][] rows) {
        long[] flat = new long[rows.length * rows[0].length];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, flat, r * rows[0].length, rows[0].length);
        }
        return Tensor.create(flat, rows.length, rows[0].length);
    }

    @Test
    @SuppressWarnings("try") // guard held for its scope only
    void mapsSourcesAndDecoderInputsToLogitsOverTheTargetVocabulary() {
        TranslationTransformer model = tiny(true, true);
        model.eval();
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor source = ids(new long[][] {{5, 6, 7, 2}, {8, 9, 2, 0}, {10, 2, 0, 0}});
            Tensor target = ids(new long[][] {{1, 11, 12}, {1, 13, 0}, {1, 0, 0}});
            assertArrayEquals(new long[] {3, 3, VOCABULARY}, model.forward(source, target).shape());
            assertArrayEquals(new long[] {3, 4, 32}, model.encode(source).memory().shape());
        }
    }

    @Test
    void parameterCountReflectsSharingAndTying() {
        long sharedTied = tiny(true, true).parameterCount();
        long separateTied = tiny(false, true).parameterCount();
        long separateUntied = tiny(false, false).parameterCount();
        assertEquals(VOCABULARY * 32L, separateTied - sharedTied, "a second embedding table");
        assertEquals(32L * VOCABULARY + VOCABULARY, separateUntied - separateTied, "an output projection with bias");
        assertThrows(IllegalArgumentException.class,
                () -> new TransformerConfig(10, 12, 32, 4, 64, 1, 1, 0, true, true, 16));
        assertThrows(IllegalArgumentException.class,
                () -> new TransformerConfig(10, 10, 30, 4, 64, 1, 1, 0, true, true, 16));
    }

    @Test
    @SuppressWarnings("try") // guard held for its scope only
    void changingAFutureTargetTokenLeavesEarlierOutputsUnchanged() {
        TranslationTransformer model = tiny(true, true);
        model.eval();
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor source = ids(new long[][] {{5, 6, 7, 8, 2}});
            Tensor before = model.forward(source, ids(new long[][] {{1, 11, 12, 13, 14, 15}}));
            Tensor after = model.forward(source, ids(new long[][] {{1, 11, 12, 30, 14, 15}}));
            assertTrue(allclose(before.narrow(1, 0, 3), after.narrow(1, 0, 3), 0, 0, false),
                    "positions before the change are bit-identical");
            for (int t = 3; t < 6; t++) {
                assertFalse(allclose(before.narrow(1, t, 1), after.narrow(1, t, 1)), "position " + t + " sees it");
            }
        }
    }

    @Test
    @SuppressWarnings("try") // guard held for its scope only
    void paddingDoesNotChangeASentencesOutputs() {
        TranslationTransformer model = tiny(false, false);
        model.eval();
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor alone = model.forward(ids(new long[][] {{5, 6, 2}}), ids(new long[][] {{1, 11, 12}}));
            Tensor batched = model.forward(ids(new long[][] {{5, 6, 2, 0, 0}, {7, 8, 9, 10, 2}}),
                    ids(new long[][] {{1, 11, 12, 0}, {1, 13, 14, 15}}));
            assertTrue(allclose(alone, batched.narrow(0, 0, 1).narrow(1, 0, 3), 1e-5, 1e-5, false));
        }
    }

    @Test
    void paddedTargetPositionsGetZeroGradientAndTheRestDoNot() {
        // Untied, so the padding row of the embedding gets no gradient through the output projection.
        TranslationTransformer model = tiny(true, false);
        model.train(true);
        TranslationBatch batch = TranslationBatch.of(List.of(
                new EncodedPair(new int[] {5, 6, 7}, new int[] {11, 12, 13, 14}),
                new EncodedPair(new int[] {8}, new int[] {15})), new int[] {0, 1});
        Tensor logits = model.forward(batch.source(), batch.targetInput());
        Tensor logitsLeaf = logits.detach().requires_grad_(true);
        LabelRegularizer loss = LabelRegularizer.labelSmoothing(0.1).ignoreIndex(SpecialTokens.PAD).numThreads(1)
                .build();
        loss.apply(logitsLeaf, batch.targetOutput()).backward();
        Tensor rowNorms = logitsLeaf.grad().abs().sum(new long[] {2}, false, new ScalarTypeOptional());
        float[] norms = new float[(int) rowNorms.numel()];
        rowNorms.contiguous().data_ptr_float().get(norms);
        long[] targets = new long[norms.length];
        batch.targetOutput().contiguous().data_ptr_long().get(targets);
        int padded = 0;
        for (int i = 0; i < norms.length; i++) {
            if (targets[i] == SpecialTokens.PAD) {
                assertEquals(0f, norms[i], "padding position " + i);
                padded++;
            } else {
                assertTrue(norms[i] > 0, "target position " + i);
            }
        }
        assertEquals(3, padded);
        assertEquals(7, batch.targetTokens());
        // The whole model receives that gradient; the padding embedding row never moves.
        logits.backward(logitsLeaf.grad(), new BoolOptional(), false, new TensorArrayRefOptional());
        Tensor embeddingGradient = model.named_parameters().get("embedding.weight").grad();
        assertEquals(0f, embeddingGradient.select(0, SpecialTokens.PAD).abs().sum().item_float());
        assertTrue(embeddingGradient.select(0, 11).abs().sum().item_float() > 0);
    }
}
