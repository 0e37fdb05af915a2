package org.labo4j.translation.bleu;

import java.util.regex.Pattern;

/**
 * sacreBLEU's {@code 13a} tokenizer (its default), equivalent to the tokenization of WMT's
 * mteval-v13a.pl: drop {@code <skipped>}, join lines, unescape four XML entities, then split off
 * ASCII punctuation and symbols, keeping {@code .} and {@code ,} between digits and splitting
 * {@code -} only after a digit.
 */
public final class Tokenizer13a implements BleuTokenizer {

    // Ranges { to ~, [ to `, space to &, ( to +, : to @, and / : ASCII punctuation except ' , - .
    private static final Pattern SYMBOL = Pattern.compile("([\\{-\\~\\[-\\` -\\&\\(-\\+\\:-\\@\\/])");
    private static final Pattern PERIOD_COMMA_AFTER_NON_DIGIT = Pattern.compile("([^0-9])([\\.,])");
    private static final Pattern PERIOD_COMMA_BEFORE_NON_DIGIT = Pattern.compile("([\\.,])([^0-9])");
    private static final Pattern DASH_AFTER_DIGIT = Pattern.compile("([0-9])(-)");

    @Override
    public String tokenize(String line) {
        String s = line.replace("<skipped>", "")
                .replace("-\n", "")
                .replace("\n", " ");
        // Same order as mteval: "&amp;lt;" becomes "&lt;" and then "<".
        s = s.replace("&quot;", "\"")
                .replace("&amp;", "&")
                .replace("&lt;", "<")
                .replace("&gt;", ">");
        // The padding lets a sentence-final period be split off after a number ("1990." -> "1990 .").
        s = " " + s + " ";
        s = SYMBOL.matcher(s).replaceAll(" $1 ");
        s = PERIOD_COMMA_AFTER_NON_DIGIT.matcher(s).replaceAll("$1 $2 ");
        s = PERIOD_COMMA_BEFORE_NON_DIGIT.matcher(s).replaceAll(" $1 $2");
        s = DASH_AFTER_DIGIT.matcher(s).replaceAll("$1 $2 ");
        return String.join(" ", PyStrings.split(s));
    }

    @Override
    public String signature() {
        return "13a";
    }
}
