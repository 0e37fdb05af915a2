package org.labo4j.translation.tokenize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Learns a {@link BpeTokenizer} from text: the alphabet is every character seen (most frequent first,
 * the rarest left to byte fallback if the vocabulary cannot hold them all), then the most frequent
 * adjacent symbol pair inside a word is merged, again and again, until the vocabulary is full or no
 * pair occurs {@link #minPairCount} times. Give it one language's sentences for a per-language
 * vocabulary, or both sides' for a joint one.
 *
 * <p>Pairs are counted once over the distinct words (weighted by frequency); after each merge only
 * the words that contain the merged pair are recounted, and the best pair comes from a priority queue
 * whose stale entries are skipped. Ties go to the pair with the smaller ids (the earlier-made symbols),
 * so training is deterministic.
 */
public final class BpeTrainer {
    public static final int DEFAULT_VOCABULARY_SIZE = 8000;
    public static final int DEFAULT_MIN_PAIR_COUNT = 2;

    private int vocabularySize = DEFAULT_VOCABULARY_SIZE;
    private int minPairCount = DEFAULT_MIN_PAIR_COUNT;

    /** Target number of ids, special and byte tokens included (at least the 260 fixed ones plus the marker). */
    public BpeTrainer vocabularySize(int size) {
        if (size <= BpeTokenizer.FIRST_CHARACTER_ID) {
            throw new IllegalArgumentException("vocabulary size " + size + " must exceed the "
                    + BpeTokenizer.FIRST_CHARACTER_ID + " special and byte tokens");
        }
        this.vocabularySize = size;
        return this;
    }

    /** Pairs seen fewer times than this are never merged, so the vocabulary may end up smaller. */
    public BpeTrainer minPairCount(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("minPairCount must be >= 1, got " + count);
        }
        this.minPairCount = count;
        return this;
    }

    public BpeTokenizer train(Iterable<String> texts) {
        Map<String, Integer> wordCounts = new HashMap<>();
        for (String text : texts) {
            for (String word : TextNormalization.words(text)) {
                wordCounts.merge(word, 1, Integer::sum);
            }
        }
        int[] alphabet = alphabet(wordCounts);
        return new BpeTokenizer(alphabet, new MergeLearner(wordCounts, alphabet).learn());
    }

    /** The marker, then the characters by falling frequency (ties by code point), as many as fit. */
    private int[] alphabet(Map<String, Integer> wordCounts) {
        Map<Integer, Long> characterCounts = new HashMap<>();
        wordCounts.forEach((word, count) -> word.codePoints()
                .filter(cp -> cp != BpeTokenizer.MARKER_CODE_POINT)
                .forEach(cp -> characterCounts.merge(cp, (long) count, Long::sum)));
        List<Integer> characters = new ArrayList<>(characterCounts.keySet());
        characters.sort(Comparator.<Integer>comparingLong(characterCounts::get).reversed()
                .thenComparing(Comparator.naturalOrder()));
        int room = vocabularySize - BpeTokenizer.FIRST_CHARACTER_ID - 1;
        int[] alphabet = new int[1 + Math.min(room, characters.size())];
        alphabet[0] = BpeTokenizer.MARKER_CODE_POINT;
        for (int i = 1; i < alphabet.length; i++) {
            alphabet[i] = characters.get(i - 1);
        }
        return alphabet;
    }

    /** The merge loop over one corpus's distinct words. */
    private final class MergeLearner {
        /** Stands for a character left to byte fallback: it never pairs. */
        private static final int NO_SYMBOL = -1;

        private final int[][] words;
        private final int[] counts;
        private final Map<Long, long[]> pairCounts = new HashMap<>();
        /** For each pair, the words it was ever seen in (a superset: entries may be stale). */
        private final Map<Long, IntList> pairWords = new HashMap<>();
        private final PriorityQueue<long[]> queue = new PriorityQueue<>(
                Comparator.<long[]>comparingLong(e -> -e[0]).thenComparingLong(e -> e[1]));
        private final int[] lastVisit;
        private int nextId;

        MergeLearner(Map<String, Integer> wordCounts, int[] alphabet) {
            Map<Integer, Integer> ids = new HashMap<>();
            for (int i = 0; i < alphabet.length; i++) {
                ids.put(alphabet[i], BpeTokenizer.FIRST_CHARACTER_ID + i);
            }
            ids.remove(BpeTokenizer.MARKER_CODE_POINT); // a literal marker in a word is not the boundary
            nextId = BpeTokenizer.FIRST_CHARACTER_ID + alphabet.length;
            words = new int[wordCounts.size()][];
            counts = new int[wordCounts.size()];
            int w = 0;
            for (Map.Entry<String, Integer> entry : wordCounts.entrySet()) {
                int[] cps = entry.getKey().codePoints().toArray();
                int[] symbols = new int[cps.length + 1];
                symbols[0] = BpeTokenizer.FIRST_CHARACTER_ID;
                for (int i = 0; i < cps.length; i++) {
                    symbols[i + 1] = ids.getOrDefault(cps[i], NO_SYMBOL);
                }
                words[w] = symbols;
                counts[w] = entry.getValue();
                w++;
            }
            lastVisit = new int[words.length];
            Arrays.fill(lastVisit, -1);
        }

        int[][] learn() {
            Set<Long> changed = new HashSet<>();
            for (int w = 0; w < words.length; w++) {
                addPairs(w, changed, -1);
            }
            enqueue(changed);
            List<int[]> merges = new ArrayList<>();
            while (nextId < vocabularySize) {
                long[] best = pollBest();
                if (best == null || best[0] < minPairCount) {
                    break;
                }
                int left = (int) (best[1] >>> 32);
                int right = (int) best[1];
                merge(merges.size(), left, right, nextId);
                merges.add(new int[] {left, right});
                nextId++;
            }
            return merges.toArray(new int[0][]);
        }

        /** The highest current count, skipping queue entries whose count has changed since. */
        private long[] pollBest() {
            while (!queue.isEmpty()) {
                long[] entry = queue.poll();
                long[] current = pairCounts.get(entry[1]);
                if (current != null && current[0] == entry[0]) {
                    return entry;
                }
            }
            return null;
        }

        private void merge(int mergeIndex, int left, int right, int merged) {
            long key = BpeTokenizer.pairKey(left, right);
            IntList candidates = pairWords.remove(key);
            Set<Long> changed = new HashSet<>();
            for (int i = 0; i < candidates.size; i++) {
                int w = candidates.values[i];
                if (lastVisit[w] == mergeIndex || !contains(words[w], left, right)) {
                    continue;
                }
                lastVisit[w] = mergeIndex;
                removePairs(w, changed);
                words[w] = replace(words[w], left, right, merged);
                addPairs(w, changed, merged);
            }
            pairCounts.remove(key);
            changed.remove(key);
            enqueue(changed);
        }

        private boolean contains(int[] symbols, int left, int right) {
            for (int i = 0; i + 1 < symbols.length; i++) {
                if (symbols[i] == left && symbols[i + 1] == right) {
                    return true;
                }
            }
            return false;
        }

        /** Left-to-right, non-overlapping replacement (so "a a a" with pair (a, a) gives "aa a"). */
        private int[] replace(int[] symbols, int left, int right, int merged) {
            int[] out = new int[symbols.length];
            int n = 0;
            for (int i = 0; i < symbols.length; i++) {
                if (i + 1 < symbols.length && symbols[i] == left && symbols[i + 1] == right) {
                    out[n++] = merged;
                    i++;
                } else {
                    out[n++] = symbols[i];
                }
            }
            return Arrays.copyOf(out, n);
        }

        private void removePairs(int w, Set<Long> changed) {
            int[] symbols = words[w];
            for (int i = 0; i + 1 < symbols.length; i++) {
                if (symbols[i] != NO_SYMBOL && symbols[i + 1] != NO_SYMBOL) {
                    long key = BpeTokenizer.pairKey(symbols[i], symbols[i + 1]);
                    pairCounts.get(key)[0] -= counts[w];
                    changed.add(key);
                }
            }
        }

        /** Counts the pairs of word {@code w}; indexes the word under the pairs that contain {@code fresh}. */
        private void addPairs(int w, Set<Long> changed, int fresh) {
            int[] symbols = words[w];
            for (int i = 0; i + 1 < symbols.length; i++) {
                if (symbols[i] == NO_SYMBOL || symbols[i + 1] == NO_SYMBOL) {
                    continue;
                }
                long key = BpeTokenizer.pairKey(symbols[i], symbols[i + 1]);
                pairCounts.computeIfAbsent(key, k -> new long[1])[0] += counts[w];
                changed.add(key);
                if (fresh < 0 || symbols[i] == fresh || symbols[i + 1] == fresh) {
                    pairWords.computeIfAbsent(key, k -> new IntList()).add(w);
                }
            }
        }

        private void enqueue(Set<Long> keys) {
            for (long key : keys) {
                long[] count = pairCounts.get(key);
                if (count != null && count[0] > 0) {
                    queue.add(new long[] {count[0], key});
                }
            }
        }
    }

    /** A growable list of ints without boxing. */
    private static final class IntList {
        int[] values = new int[4];
        int size;

        void add(int value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }
    }
}
