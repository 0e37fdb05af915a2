package org.labo4j.translation.bleu;

import java.util.regex.Pattern;

/**
 * sacreBLEU's {@code intl} tokenizer (TokenizerV14International, after mteval-v14.pl): splits off
 * every Unicode punctuation character unless it stands between two digits, and every Unicode
 * symbol. As in mteval-v14 (and unlike 13a) the line is not padded, so a period that ends the line
 * right after a digit stays attached ("1990." is one token).
 */
public final class TokenizerIntl implements BleuTokenizer {

    private static final Pattern PUNCT_AFTER_NON_DIGIT = Pattern.compile("(\\P{N})(\\p{P})");
    private static final Pattern PUNCT_BEFORE_NON_DIGIT = Pattern.compile("(\\p{P})(\\P{N})");
    private static final Pattern SYMBOL = Pattern.compile("(\\p{S})");

    @Override
    public String tokenize(String line) {
        String s = PUNCT_AFTER_NON_DIGIT.matcher(line).replaceAll("$1 $2 ");
        s = PUNCT_BEFORE_NON_DIGIT.matcher(s).replaceAll(" $1 $2");
        s = SYMBOL.matcher(s).replaceAll(" $1 ");
        return String.join(" ", PyStrings.split(s));
    }

    @Override
    public String signature() {
        return "intl";
    }
}
