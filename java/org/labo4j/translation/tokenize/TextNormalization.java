package org.labo4j.translation.tokenize;

import java.util.ArrayList;
import java.util.List;

/**
 * The only change tokenization makes to text: runs of whitespace (including no-break and other
 * Unicode spaces) become one ASCII space, and leading and trailing whitespace is dropped.
 */
public final class TextNormalization {
    private TextNormalization() {
    }

    public static boolean isWhitespace(int codePoint) {
        return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint);
    }

    /** The words of {@code text}: its maximal runs of non-whitespace characters. */
    public static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (isWhitespace(cp)) {
                if (start >= 0) {
                    words.add(text.substring(start, i));
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
            i += Character.charCount(cp);
        }
        if (start >= 0) {
            words.add(text.substring(start));
        }
        return words;
    }

    /** {@code text} with its words separated by single spaces. */
    public static String normalize(String text) {
        return String.join(" ", words(text));
    }
}
