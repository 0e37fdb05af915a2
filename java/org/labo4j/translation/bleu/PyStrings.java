package org.labo4j.translation.bleu;

import java.util.ArrayList;
import java.util.List;

/**
 * Python's whitespace rules ({@code str.isspace}, {@code str.split()}, {@code str.rstrip()}).
 * sacreBLEU splits tokens and trims lines with them; Java's {@code \s}, {@code strip()} and
 * {@code Character.isWhitespace} disagree on characters such as U+00A0 and U+001C, which would
 * change token counts.
 */
final class PyStrings {
    private PyStrings() {
    }

    /** {@code chr(cp).isspace()} in Python 3: category Zs or bidi class WS, B or S. */
    static boolean isSpace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D)
                || (cp >= 0x1C && cp <= 0x20)
                || cp == 0x85
                || cp == 0xA0
                || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A)
                || cp == 0x2028
                || cp == 0x2029
                || cp == 0x202F
                || cp == 0x205F
                || cp == 0x3000;
    }

    /** {@code s.split()}: runs of whitespace separate tokens; no empty tokens. */
    static List<String> split(String s) {
        List<String> tokens = new ArrayList<>();
        int start = -1;
        // Every Python whitespace character is in the BMP, so scanning chars (not code points) is exact.
        for (int i = 0; i < s.length(); i++) {
            if (isSpace(s.charAt(i))) {
                if (start >= 0) {
                    tokens.add(s.substring(start, i));
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
        }
        if (start >= 0) {
            tokens.add(s.substring(start));
        }
        return tokens;
    }

    /** {@code s.rstrip()}. */
    static String rstrip(String s) {
        int end = s.length();
        while (end > 0 && isSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }
}
