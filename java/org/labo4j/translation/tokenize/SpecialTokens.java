package org.labo4j.translation.tokenize;

/**
 * The fixed ids at the start of every vocabulary, the same for all tokenizers so models and batches
 * need no lookup: padding, beginning and end of sentence, unknown.
 */
public final class SpecialTokens {
    public static final int PAD = 0;
    public static final int BOS = 1;
    public static final int EOS = 2;
    public static final int UNK = 3;
    /** How many ids the special tokens take. */
    public static final int COUNT = 4;

    private static final String[] PIECES = {"<pad>", "<s>", "</s>", "<unk>"};

    private SpecialTokens() {
    }

    public static boolean isSpecial(int id) {
        return id >= 0 && id < COUNT;
    }

    /** The display form of a special id, as SentencePiece writes it. */
    public static String piece(int id) {
        if (!isSpecial(id)) {
            throw new IllegalArgumentException("not a special token id: " + id);
        }
        return PIECES[id];
    }
}
