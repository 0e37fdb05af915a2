package org.labo4j.translation.bleu;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Counts the n-grams of orders 1..maxOrder of a token list. */
final class Ngrams {
    private Ngrams() {
    }

    /**
     * Element {@code n - 1} maps each n-gram to its count. An n-gram is keyed by its tokens joined
     * with single spaces, which is unambiguous because tokens never contain whitespace.
     */
    static List<Map<String, Integer>> count(List<String> tokens, int maxOrder) {
        List<Map<String, Integer>> byOrder = new ArrayList<>(maxOrder);
        for (int n = 1; n <= maxOrder; n++) {
            Map<String, Integer> counts = new HashMap<>();
            for (int i = 0; i + n <= tokens.size(); i++) {
                counts.merge(String.join(" ", tokens.subList(i, i + n)), 1, Integer::sum);
            }
            byOrder.add(counts);
        }
        return byOrder;
    }
}
