package org.labo4j.translation.decode;

import java.util.ArrayList;
import java.util.List;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.labo4j.translation.batch.TranslationBatch;
import org.labo4j.translation.model.TranslationTransformer;
import org.labo4j.translation.tokenize.BpeTokenizer;

/**
 * Source text to target text with a trained model: tokenize, decode (greedy or beam search), detokenize.
 * Runs without autograd and in eval mode, restoring the model's mode afterwards; native memory of each
 * group of sentences is freed as soon as its ids are read back.
 */
public final class Translator {
    private final TranslationTransformer model;
    private final BpeTokenizer sourceTokenizer;
    private final BpeTokenizer targetTokenizer;
    private final DecodingOptions options;

    public Translator(TranslationTransformer model, BpeTokenizer sourceTokenizer, BpeTokenizer targetTokenizer,
            DecodingOptions options) {
        this.model = model;
        this.sourceTokenizer = sourceTokenizer;
        this.targetTokenizer = targetTokenizer;
        this.options = options;
    }

    /** Translations of {@code sources}, in order. */
    public List<String> translate(List<String> sources) {
        List<int[]> sourceIds = new ArrayList<>(sources.size());
        for (String source : sources) {
            sourceIds.add(sourceTokenizer.encode(source));
        }
        List<String> translations = new ArrayList<>(sources.size());
        for (int[] ids : translateIds(sourceIds)) {
            translations.add(targetTokenizer.decode(ids));
        }
        return translations;
    }

    /** Target ids (without bos and eos) for source ids (without eos), in order. */
    @SuppressWarnings("try") // guard and scope held for their block only
    public List<int[]> translateIds(List<int[]> sources) {
        boolean wasTraining = model.is_training();
        model.eval();
        List<int[]> outputs = new ArrayList<>(sources.size());
        try (NoGradGuard noGrad = new NoGradGuard()) {
            for (int from = 0; from < sources.size(); from += options.batchSize()) {
                List<int[]> group = sources.subList(from, Math.min(sources.size(), from + options.batchSize()));
                try (PointerScope scope = new PointerScope()) {
                    outputs.addAll(decodeGroup(group));
                }
            }
        } finally {
            model.train(wasTraining);
        }
        return outputs;
    }

    private List<int[]> decodeGroup(List<int[]> group) {
        Tensor sources = TranslationBatch.sources(group);
        int positions = model.config().maxPositions();
        if (options.beamSize() == 1) {
            int longest = 0;
            for (int[] ids : group) {
                longest = Math.max(longest, ids.length + 1);
            }
            return GreedyDecoder.decode(TransformerScorer.forSources(model, sources), group.size(),
                    options.maxLength(longest, positions));
        }
        int[] maxLengths = new int[group.size()];
        for (int i = 0; i < maxLengths.length; i++) {
            maxLengths[i] = options.maxLength(group.get(i).length + 1, positions);
        }
        BeamSearch search = new BeamSearch(options.beamSize(), options.lengthPenalty());
        List<int[]> outputs = new ArrayList<>(group.size());
        for (Hypothesis best : search.decode(TransformerScorer.forBeams(model, sources, options.beamSize()), maxLengths)) {
            outputs.add(best.tokens());
        }
        return outputs;
    }
}
