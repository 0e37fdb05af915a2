package org.labo4j.translation.model;

import static org.bytedeco.pytorch.global.torch.allclose;
import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.bytedeco.pytorch.global.torch.set_num_threads;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.labo4j.translation.tokenize.SpecialTokens;

/** The key-value cache of incremental decoding against the decoder over the whole prefix. */
class IncrementalDecodingTest {
    private static final int VOCABULARY = 50;
    private static final int LENGTH = 12;

    @BeforeAll
    static void oneThread() {
        set_num_threads(1);
    }

    private static TranslationTransformer model(boolean shared, boolean tied) {
        manual_seed(11);
        TranslationTransformer model = new TranslationTransformer(new TransformerConfig(VOCABULARY, VOCABULARY, 32,
                4, 64, 2, 3, 0.1, shared, tied, 16));
        model.eval();
        return model;
    }

    /** Sources [3, 7] with 0, 2 and 4 trailing padding positions, drawn fresh. */
    private static Tensor sources(SplittableRandom random) {
        int[] lengths = {7, 5, 3};
        long[] ids = new long[3 * 7];
        for (int r = 0; r < 3; r++) {
            for (int j = 0; j < lengths[r]; j++) {
                ids[r * 7 + j] = j == lengths[r] - 1 ? SpecialTokens.EOS : random.nextInt(4, VOCABULARY);
            }
        }
        return Tensor.create(ids, 3, 7);
    }

    /** Decoder inputs [rows, LENGTH]: bos, then random ordinary tokens. */
    private static Tensor prefixes(SplittableRandom random, int rows) {
        long[] ids = new long[rows * LENGTH];
        for (int r = 0; r < rows; r++) {
            ids[r * LENGTH] = SpecialTokens.BOS;
            for (int j = 1; j < LENGTH; j++) {
                ids[r * LENGTH + j] = random.nextInt(4, VOCABULARY);
            }
        }
        return Tensor.create(ids, rows, LENGTH);
    }

    private static void assertSameLogits(Tensor expected, Tensor actual, String where) {
        assertTrue(allclose(expected, actual, 1e-4, 1e-5, false), where + ": max |difference| "
                + expected.sub(actual).abs().max().item_float());
    }

    @ParameterizedTest(name = "shared embeddings and tied output: {0}")
    @ValueSource(booleans = {true, false})
    @SuppressWarnings("try") // guard held for its scope only
    void eachStepGivesTheLastPositionOfTheWholePrefix(boolean sharedAndTied) {
        SplittableRandom random = new SplittableRandom();
        TranslationTransformer model = model(sharedAndTied, sharedAndTied);
        try (NoGradGuard g = new NoGradGuard()) {
            EncodedSource encoded = model.encode(sources(random));
            Tensor targets = prefixes(random, 3);
            DecoderCache cache = model.startDecoding(encoded);
            for (int t = 0; t < LENGTH; t++) {
                Tensor step = model.decodeNext(targets.select(1, t).contiguous(), cache);
                Tensor whole = model.decode(targets.narrow(1, 0, t + 1), encoded).select(1, t);
                assertSameLogits(whole, step, "position " + t);
                assertEquals(t + 1, cache.length());
            }
        }
    }

    @Test
    @SuppressWarnings("try") // guard held for its scope only
    void reorderedRowsContinueTheirParents() {
        SplittableRandom random = new SplittableRandom();
        TranslationTransformer model = model(true, true);
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor sources = sources(random);
            Tensor targets = prefixes(random, 3);
            DecoderCache cache = model.startDecoding(model.encode(sources));
            for (int t = 0; t < 4; t++) {
                model.decodeNext(targets.select(1, t).contiguous(), cache);
            }
            // Drop row 1, keep row 2 twice and row 0 once, as a beam search may.
            long[] parents = {2, 0, 2};
            cache.reorder(parents);
            Tensor rows = Tensor.create(parents, 3);
            Tensor keptSources = sources.index_select(0, rows);
            Tensor keptTargets = targets.index_select(0, rows);
            EncodedSource kept = model.encode(keptSources);
            for (int t = 4; t < LENGTH; t++) {
                Tensor step = model.decodeNext(keptTargets.select(1, t).contiguous(), cache);
                Tensor whole = model.decode(keptTargets.narrow(1, 0, t + 1), kept).select(1, t);
                assertSameLogits(whole, step, "position " + t + " after reordering");
            }
        }
    }

    @Test
    @SuppressWarnings("try") // guard held for its scope only
    void refusesTrainingModeWrongShapesAndTooManyPositions() {
        SplittableRandom random = new SplittableRandom();
        TranslationTransformer model = model(true, true);
        try (NoGradGuard g = new NoGradGuard()) {
            DecoderCache cache = model.startDecoding(model.encode(sources(random)));
            Tensor bos = Tensor.create(new long[] {1, 1, 1}, 3);
            assertThrows(IllegalArgumentException.class,
                    () -> model.decodeNext(Tensor.create(new long[] {1, 1}, 2), cache));
            model.train(true);
            assertThrows(IllegalStateException.class, () -> model.decodeNext(bos, cache));
            model.eval();
            for (int t = 0; t < 16; t++) {
                model.decodeNext(bos, cache);
            }
            IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                    () -> model.decodeNext(bos, cache));
            assertTrue(tooLong.getMessage().contains("maxPositions"), tooLong.getMessage());
        }
    }
}
