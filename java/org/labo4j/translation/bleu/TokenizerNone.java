package org.labo4j.translation.bleu;

/** sacreBLEU's {@code none} tokenizer: the text is used as given (for already tokenized input). */
public final class TokenizerNone implements BleuTokenizer {

    @Override
    public String tokenize(String line) {
        return line;
    }

    @Override
    public String signature() {
        return "none";
    }
}
