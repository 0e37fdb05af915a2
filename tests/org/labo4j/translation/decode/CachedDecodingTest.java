package org.labo4j.translation.decode;

import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.bytedeco.pytorch.global.torch.set_num_threads;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labo4j.translation.batch.TranslationBatch;
import org.labo4j.translation.model.EncodedSource;
import org.labo4j.translation.model.TransformerConfig;
import org.labo4j.translation.model.TranslationTransformer;
import org.labo4j.translation.tokenize.SpecialTokens;

/**
 * Greedy decoding and beam search with the cached {@link TransformerScorer} choose exactly the tokens
 * they choose with a scorer that runs the decoder over the whole prefix at every step.
 */
class CachedDecodingTest {
    private static final int VOCABULARY = 60;

    @BeforeAll
    static void oneThread() {
        set_num_threads(1);
    }

    /** An untrained model: its choices are arbitrary but deterministic, which is all the comparison needs. */
    private static TranslationTransformer model() {
        manual_seed(5);
        TranslationTransformer model = new TranslationTransformer(new TransformerConfig(VOCABULARY, VOCABULARY, 32,
                4, 64, 2, 2, 0.0, false, false, 64));
        model.eval();
        return model;
    }

    private static List<int[]> randomSources(SplittableRandom random, int count) {
        List<int[]> sources = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int[] ids = new int[random.nextInt(1, 9)];
            for (int j = 0; j < ids.length; j++) {
                ids[j] = random.nextInt(4, VOCABULARY);
            }
            sources.add(ids);
        }
        return sources;
    }

    /** The reference: the whole-prefix decoder, with the same tokens excluded as {@link TransformerScorer}. */
    private static NextTokenScorer wholePrefix(TranslationTransformer model, EncodedSource encoded) {
        Tensor excluded = Tensor.create(new long[] {SpecialTokens.PAD, SpecialTokens.BOS, SpecialTokens.UNK}, 3);
        return prefixes -> {
            Tensor logits = model.decode(prefixes, encoded);
            return logits.select(1, logits.size(1) - 1).log_softmax(1)
                    .index_fill_(1, excluded, new Scalar(Double.NEGATIVE_INFINITY));
        };
    }

    @Test
    @SuppressWarnings("try") // guard held for its scope only
    void greedyDecodingMatchesTheWholePrefixDecoder() {
        TranslationTransformer model = model();
        List<int[]> sources = randomSources(new SplittableRandom(), 12);
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor batch = TranslationBatch.sources(sources);
            List<int[]> cached = GreedyDecoder.decode(TransformerScorer.forSources(model, batch), sources.size(), 20);
            List<int[]> whole = GreedyDecoder.decode(wholePrefix(model, model.encode(batch)), sources.size(), 20);
            assertEquals(whole.size(), cached.size());
            for (int i = 0; i < whole.size(); i++) {
                assertArrayEquals(whole.get(i), cached.get(i), "sentence " + i);
            }
        }
    }

    @Test
    @SuppressWarnings("try") // guard held for its scope only
    void beamSearchMatchesTheWholePrefixDecoder() {
        TranslationTransformer model = model();
        BeamSearch search = new BeamSearch(4, LengthPenalty.gnmt(0.6));
        try (NoGradGuard g = new NoGradGuard()) {
            for (int[] source : randomSources(new SplittableRandom(), 6)) {
                Tensor one = TranslationBatch.sources(List.of(source));
                Hypothesis cached = search.decode(TransformerScorer.forBeams(model, one, 4), 20);
                EncodedSource copies = model.encode(one).select(Tensor.create(new long[4], 4));
                Hypothesis whole = search.decode(wholePrefix(model, copies), 20);
                assertArrayEquals(whole.tokens(), cached.tokens());
                assertEquals(whole.logProbability(), cached.logProbability(), 1e-4);
            }
        }
    }

    @Test
    @SuppressWarnings("try") // guard held for its scope only
    void batchedBeamSearchMatchesOneSourceAtATime() {
        TranslationTransformer model = model();
        BeamSearch search = new BeamSearch(3, LengthPenalty.gnmt(0.6));
        List<int[]> sources = randomSources(new SplittableRandom(), 9);
        // Different limits, so that sources leave the batch at different steps (one at once).
        int[] maxLengths = new int[sources.size()];
        for (int i = 0; i < maxLengths.length; i++) {
            maxLengths[i] = i == 4 ? 0 : 2 + 3 * i;
        }
        try (NoGradGuard g = new NoGradGuard()) {
            List<Hypothesis> batched = search.decode(
                    TransformerScorer.forBeams(model, TranslationBatch.sources(sources), 3), maxLengths);
            assertEquals(sources.size(), batched.size());
            for (int i = 0; i < sources.size(); i++) {
                Tensor one = TranslationBatch.sources(List.of(sources.get(i)));
                Hypothesis alone = search.decode(TransformerScorer.forBeams(model, one, 3), maxLengths[i]);
                assertArrayEquals(alone.tokens(), batched.get(i).tokens(), "source " + i);
                assertEquals(alone.logProbability(), batched.get(i).logProbability(), 1e-4, "source " + i);
                assertEquals(alone.finished(), batched.get(i).finished(), "source " + i);
                assertTrue(batched.get(i).tokens().length <= maxLengths[i], "source " + i);
            }
        }
    }
}
