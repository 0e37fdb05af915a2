package org.labo4j.translation.bleu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Expected strings follow mteval-v13a's rules as sacreBLEU applies them: unescape, pad with spaces,
 * split the ASCII class {@code [{-~[-` -&(-+:-@/]}, split {@code .} and {@code ,} unless between
 * digits, split {@code -} after a digit, squeeze whitespace.
 */
class Tokenizer13aTest {
    private final Tokenizer13a tok = new Tokenizer13a();

    @Test
    void splitsAsciiPunctuation() {
        assertEquals("Hello , world !", tok.tokenize("Hello, world!"));
        assertEquals("( a ) [ b ] { c } \" d \" ; e : f ? g", tok.tokenize("(a) [b] {c} \"d\"; e: f? g"));
    }

    @Test
    void splitsExactlyTheMtevalCharacterClassPlusPeriodAndComma() {
        // Between two letters, a printable ASCII character is split off iff it is in the regex class
        // (ranges {-~, [-`, space-&, (-+, :-@ and /) or is '.' or ',' (which split unless next to a digit).
        String split = "{|}~[\\]^_` !\"#$%&()*+:;<=>?@/.,";
        for (char c = 0x21; c < 0x7F; c++) {
            String expected = split.indexOf(c) >= 0 ? "a " + c + " b" : "a" + c + "b";
            assertEquals(expected, tok.tokenize("a" + c + "b"), "character " + c);
        }
    }

    @Test
    void keepsApostrophesAndWordHyphens() {
        assertEquals("don't stop", tok.tokenize("don't stop"));
        assertEquals("a well-known e-mail", tok.tokenize("a well-known e-mail"));
    }

    @Test
    void keepsNumberSeparatorsButSplitsSentenceFinalPeriodThanksToPadding() {
        // "$" is in the class; ',' and '.' inside 3,000.50 have digits on both sides; the last '.'
        // is followed by the padding space, so it is split even though a digit precedes it.
        assertEquals("It costs $ 3,000.50 .", tok.tokenize("It costs $3,000.50."));
        assertEquals("In 1990 .", tok.tokenize("In 1990."));
        assertEquals("U . S . A . 3.5 km", tok.tokenize("U.S.A. 3.5 km"));
    }

    @Test
    void splitsDashOnlyAfterDigit() {
        assertEquals("1990 - 2000", tok.tokenize("1990-2000"));
        assertEquals("x-2", tok.tokenize("x-2"));
    }

    @Test
    void unescapesEntitiesInMtevalOrder() {
        // &quot; &amp; &lt; &gt; are replaced in this order, so "&amp;lt;" becomes "&lt;" and then "<".
        assertEquals("AT & T < b > \" q \" <", tok.tokenize("AT&amp;T &lt;b&gt; &quot;q&quot; &amp;lt;"));
        // &apos; is not one of the four entities.
        assertEquals("it & apos ; s", tok.tokenize("it&apos;s"));
    }

    @Test
    void dropsSkippedMarkerAndJoinsHyphenatedLineBreaks() {
        assertEquals("a b", tok.tokenize("a <skipped> b"));
        assertEquals("email next line", tok.tokenize("e-\nmail next\nline"));
    }

    @Test
    void leavesNonAsciiPunctuationAndSymbolsAttached() {
        assertEquals("„Hallo“ – sagte er…", tok.tokenize("„Hallo“ – sagte er…"));
        assertEquals("5€ + 3€ = 8€", tok.tokenize("5€ + 3€ = 8€"));
    }

    @Test
    void squeezesPythonWhitespaceIncludingNoBreakSpace() {
        assertEquals("a b c", tok.tokenize("  a\u00a0\tb\u2003 c \u3000"));
        assertEquals("", tok.tokenize(""));
    }
}
