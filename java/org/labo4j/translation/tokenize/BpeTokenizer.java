package org.labo4j.translation.tokenize;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A byte-pair-encoding subword tokenizer in the style of SentencePiece: every word of the normalized
 * text ({@link TextNormalization}) is prefixed with the boundary marker {@value #MARKER}, split into
 * characters, and adjacent symbols are merged in the order the merges were learned. Characters outside
 * the alphabet (and a literal {@value #MARKER} in the input) become their UTF-8 bytes, one token each,
 * so {@code decode(encode(text))} equals {@code TextNormalization.normalize(text)} for any text.
 *
 * <p>Ids: {@link SpecialTokens} first ({@code pad=0, bos=1, eos=2, unk=3}), then the 256 byte tokens,
 * then the alphabet (the marker first), then one id per merge in merge order. Immutable and
 * thread-safe.
 */
public final class BpeTokenizer {
    /** U+2581 LOWER ONE EIGHTH BLOCK, SentencePiece's word-boundary marker. */
    public static final String MARKER = "\u2581";
    public static final int MARKER_CODE_POINT = 0x2581;
    /** The id of byte {@code 0x00}; byte {@code b} is {@code FIRST_BYTE_ID + b}. */
    public static final int FIRST_BYTE_ID = SpecialTokens.COUNT;
    /** The id of the first alphabet character (the marker). */
    public static final int FIRST_CHARACTER_ID = FIRST_BYTE_ID + 256;
    /** What decoding writes for an unknown token, as SentencePiece does. */
    static final String UNKNOWN_TEXT = " \u2047 ";

    /** Encoded words kept for reuse; natural text repeats its words a lot. */
    private static final int WORD_CACHE_LIMIT = 1 << 16;

    private final int[] alphabet;
    private final int[][] merges;
    private final String[] pieces;
    private final Map<Integer, Integer> characterIds;
    private final Map<Long, Integer> mergeRanks;
    private final Map<String, int[]> wordCache = new ConcurrentHashMap<>();

    /**
     * @param alphabet code points in id order, starting with {@link #MARKER_CODE_POINT}, no whitespace,
     *                 no duplicates
     * @param merges   {@code {left, right}} ids in merge order; merge {@code r} gets id
     *                 {@code FIRST_CHARACTER_ID + alphabet.length + r} and may only use smaller ids that
     *                 are characters or merges
     */
    public BpeTokenizer(int[] alphabet, int[][] merges) {
        this.alphabet = alphabet.clone();
        this.merges = new int[merges.length][];
        if (alphabet.length == 0 || alphabet[0] != MARKER_CODE_POINT) {
            throw new IllegalArgumentException("the alphabet must start with the marker " + MARKER);
        }
        int size = FIRST_CHARACTER_ID + alphabet.length + merges.length;
        pieces = new String[size];
        for (int id = 0; id < SpecialTokens.COUNT; id++) {
            pieces[id] = SpecialTokens.piece(id);
        }
        for (int b = 0; b < 256; b++) {
            pieces[FIRST_BYTE_ID + b] = String.format("<0x%02X>", b);
        }
        characterIds = new HashMap<>();
        for (int i = 0; i < alphabet.length; i++) {
            int cp = alphabet[i];
            if (!Character.isValidCodePoint(cp) || TextNormalization.isWhitespace(cp)) {
                throw new IllegalArgumentException("alphabet entry " + i + " is not a non-space character: " + cp);
            }
            if (characterIds.put(cp, FIRST_CHARACTER_ID + i) != null) {
                throw new IllegalArgumentException("alphabet has U+" + Integer.toHexString(cp) + " twice");
            }
            pieces[FIRST_CHARACTER_ID + i] = Character.toString(cp);
        }
        mergeRanks = new HashMap<>();
        int firstMergeId = FIRST_CHARACTER_ID + alphabet.length;
        for (int r = 0; r < merges.length; r++) {
            int left = merges[r][0];
            int right = merges[r][1];
            int id = firstMergeId + r;
            if (merges[r].length != 2 || left < FIRST_CHARACTER_ID || right < FIRST_CHARACTER_ID
                    || left >= id || right >= id) {
                throw new IllegalArgumentException("merge " + r + " " + Arrays.toString(merges[r])
                        + " must join two earlier character or merge ids");
            }
            if (mergeRanks.putIfAbsent(pairKey(left, right), r) != null) {
                throw new IllegalArgumentException("merge " + r + " repeats an earlier merge");
            }
            this.merges[r] = new int[] {left, right};
            pieces[id] = pieces[left] + pieces[right];
        }
    }

    static long pairKey(int left, int right) {
        return ((long) left << 32) | (right & 0xffffffffL);
    }

    /** Number of ids, special and byte tokens included. */
    public int vocabularySize() {
        return pieces.length;
    }

    /** The text form of an id: {@code "▁the"}, {@code "<0xE2>"}, {@code "</s>"}. */
    public String piece(int id) {
        return pieces[id];
    }

    public boolean isByte(int id) {
        return id >= FIRST_BYTE_ID && id < FIRST_CHARACTER_ID;
    }

    /** The alphabet in id order (a copy). */
    public int[] alphabet() {
        return alphabet.clone();
    }

    /** The merges in order, as {@code {left, right}} ids (a copy). */
    public int[][] merges() {
        int[][] copy = new int[merges.length][];
        for (int r = 0; r < merges.length; r++) {
            copy[r] = merges[r].clone();
        }
        return copy;
    }

    /** The token ids of {@code text}, without {@code bos} or {@code eos}. */
    public int[] encode(String text) {
        List<String> words = TextNormalization.words(text);
        int[][] encoded = new int[words.size()][];
        int total = 0;
        for (int w = 0; w < encoded.length; w++) {
            encoded[w] = encodeWord(words.get(w));
            total += encoded[w].length;
        }
        int[] ids = new int[total];
        int at = 0;
        for (int[] word : encoded) {
            System.arraycopy(word, 0, ids, at, word.length);
            at += word.length;
        }
        return ids;
    }

    /** The pieces of {@code text}, for display and comparison with other tokenizers. */
    public String[] encodeAsPieces(String text) {
        return Arrays.stream(encode(text)).mapToObj(this::piece).toArray(String[]::new);
    }

    private int[] encodeWord(String word) {
        int[] cached = wordCache.get(word);
        if (cached != null) {
            return cached;
        }
        int[] ids = mergeAll(initialSymbols(word));
        if (wordCache.size() < WORD_CACHE_LIMIT) {
            wordCache.put(word, ids);
        }
        return ids;
    }

    /** The marker, then one id per character; bytes for characters outside the alphabet. */
    private int[] initialSymbols(String word) {
        int[] symbols = new int[1 + 4 * word.length()];
        int n = 0;
        symbols[n++] = FIRST_CHARACTER_ID;
        for (int i = 0; i < word.length(); ) {
            int cp = word.codePointAt(i);
            i += Character.charCount(cp);
            // A marker typed in the text is not a word boundary: bytes keep it literal in decoding.
            Integer id = cp == MARKER_CODE_POINT ? null : characterIds.get(cp);
            if (id != null) {
                symbols[n++] = id;
            } else {
                for (byte b : Character.toString(cp).getBytes(StandardCharsets.UTF_8)) {
                    symbols[n++] = FIRST_BYTE_ID + (b & 0xff);
                }
            }
        }
        return Arrays.copyOf(symbols, n);
    }

    /** Applies the lowest-ranked applicable merge until none applies (words are short: quadratic is fine). */
    private int[] mergeAll(int[] symbols) {
        int n = symbols.length;
        int firstMergeId = FIRST_CHARACTER_ID + alphabet.length;
        while (n > 1) {
            int bestRank = Integer.MAX_VALUE;
            int bestAt = -1;
            for (int i = 0; i + 1 < n; i++) {
                Integer rank = mergeRanks.get(pairKey(symbols[i], symbols[i + 1]));
                if (rank != null && rank < bestRank) {
                    bestRank = rank;
                    bestAt = i;
                }
            }
            if (bestAt < 0) {
                break;
            }
            symbols[bestAt] = firstMergeId + bestRank;
            System.arraycopy(symbols, bestAt + 2, symbols, bestAt + 1, n - bestAt - 2);
            n--;
        }
        return Arrays.copyOf(symbols, n);
    }

    /**
     * The text of {@code ids}: pieces joined with markers turned into spaces, consecutive byte tokens
     * decoded as UTF-8 (an invalid sequence, which only a model can produce, gives U+FFFD), padding and
     * sentence boundaries skipped, and the result whitespace-normalized.
     */
    public String decode(int[] ids) {
        StringBuilder text = new StringBuilder();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int id : ids) {
            if (id < 0 || id >= pieces.length) {
                throw new IllegalArgumentException("token id " + id + " outside the vocabulary of " + pieces.length);
            }
            if (isByte(id)) {
                bytes.write(id - FIRST_BYTE_ID);
                continue;
            }
            flushBytes(bytes, text);
            if (id == SpecialTokens.UNK) {
                text.append(UNKNOWN_TEXT);
            } else if (!SpecialTokens.isSpecial(id)) {
                text.append(pieces[id].replace(MARKER, " "));
            }
        }
        flushBytes(bytes, text);
        return TextNormalization.normalize(text.toString());
    }

    private static void flushBytes(ByteArrayOutputStream bytes, StringBuilder text) {
        if (bytes.size() > 0) {
            text.append(new String(bytes.toByteArray(), StandardCharsets.UTF_8));
            bytes.reset();
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BpeTokenizer that && Arrays.equals(alphabet, that.alphabet)
                && Arrays.deepEquals(merges, that.merges);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(alphabet) + Arrays.deepHashCode(merges);
    }

    @Override
    public String toString() {
        return "BpeTokenizer(vocabulary " + vocabularySize() + ", alphabet " + alphabet.length + ", merges "
                + merges.length + ")";
    }
}
