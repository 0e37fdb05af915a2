package org.labo4j.translation.bleu;

/**
 * Turns one segment into a space-separated token string before n-gram counting, as a sacreBLEU
 * tokenizer does. {@link #signature()} is the name that appears as {@code tok:} in the BLEU
 * signature.
 */
public interface BleuTokenizer {

    String tokenize(String line);

    String signature();

    /** The tokenizer sacreBLEU selects with {@code --tokenize NAME}: {@code 13a}, {@code intl} or {@code none}. */
    static BleuTokenizer forName(String name) {
        switch (name) {
            case "13a":
                return new Tokenizer13a();
            case "intl":
                return new TokenizerIntl();
            case "none":
                return new TokenizerNone();
            default:
                throw new IllegalArgumentException(
                        "unknown BLEU tokenizer '" + name + "' (expected 13a, intl or none)");
        }
    }
}
