package org.labo4j.translation.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.labo4j.translation.decode.DecodingOptions;
import org.labo4j.translation.decode.Translator;
import org.labo4j.translation.model.TranslationTransformer;
import org.labo4j.translation.tokenize.BpeTokenizer;

/**
 * Translates a list of sentences with a joint-vocabulary model, in groups that can be interrupted.
 * Sentences are decoded in order of length, so a greedy group wastes few steps on rows that have
 * already ended; the results come back in input order. A source longer than the model's positions
 * is cut to fit.
 */
public final class SentenceTranslation {
    /** Sentences per group for beam search, which decodes one sentence at a time anyway. */
    private static final int BEAM_GROUP = 8;

    private SentenceTranslation() {
    }

    public static List<String> translate(TranslationTransformer model, BpeTokenizer tokenizer, List<String> sources,
            DecodingOptions options) {
        return translate(model, tokenizer, sources, options, () -> false);
    }

    /** The translations of {@code sources} in order, or {@code null} if {@code stop} said so between two groups. */
    public static List<String> translate(TranslationTransformer model, BpeTokenizer tokenizer, List<String> sources,
            DecodingOptions options, BooleanSupplier stop) {
        int longest = model.config().maxPositions() - 1;
        List<int[]> ids = new ArrayList<>(sources.size());
        for (String source : sources) {
            int[] encoded = tokenizer.encode(source);
            ids.add(encoded.length > longest ? Arrays.copyOf(encoded, longest) : encoded);
        }
        Integer[] order = new Integer[ids.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> ids.get(i).length));
        Translator translator = new Translator(model, tokenizer, tokenizer, options);
        int group = options.beamSize() == 1 ? options.batchSize() : BEAM_GROUP;
        String[] translations = new String[ids.size()];
        for (int from = 0; from < order.length; from += group) {
            if (stop.getAsBoolean()) {
                return null;
            }
            int to = Math.min(order.length, from + group);
            List<int[]> groupIds = new ArrayList<>(to - from);
            for (int k = from; k < to; k++) {
                groupIds.add(ids.get(order[k]));
            }
            List<int[]> outputs = translator.translateIds(groupIds);
            for (int k = from; k < to; k++) {
                translations[order[k]] = tokenizer.decode(outputs.get(k - from));
            }
        }
        return Arrays.asList(translations);
    }
}
