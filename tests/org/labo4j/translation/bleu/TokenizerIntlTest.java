package org.labo4j.translation.bleu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Expected strings follow mteval-v14's international rules as sacreBLEU applies them:
 * {@code (\P{N})(\p{P}) -> "$1 $2 "}, then {@code (\p{P})(\P{N}) -> " $1 $2"}, then
 * {@code (\p{S}) -> " $1 "}, then squeeze whitespace. No padding, no entity handling.
 */
class TokenizerIntlTest {
    private final TokenizerIntl tok = new TokenizerIntl();

    @Test
    void splitsUnicodePunctuation() {
        // „ (Ps), “ (Pi), – (Pd), … (Po) are all category P.
        assertEquals("„ Hallo “ – sagte er …", tok.tokenize("„Hallo“ – sagte er…"));
        assertEquals("« Bonjour » , dit - il .", tok.tokenize("«Bonjour», dit-il."));
        assertEquals("don ' t", tok.tokenize("don't"));
    }

    @Test
    void splitsUnicodeSymbolsEvenNextToDigits() {
        // € is Sc, + and = are Sm: symbols are split regardless of their neighbours.
        assertEquals("5 € + 3 € = 8 €", tok.tokenize("5€ + 3€ = 8€"));
        assertEquals("It costs $ 3,000.50.", tok.tokenize("It costs $3,000.50."));
    }

    @Test
    void keepsPunctuationBetweenDigitsAndTheNumberFinalPeriod() {
        // No padding: a '.' that ends the line right after a digit matches neither rule (an mteval-v14
        // quirk sacreBLEU keeps), and '-' between digits stays too.
        assertEquals("In 1990.", tok.tokenize("In 1990."));
        assertEquals("1990-2000", tok.tokenize("1990-2000"));
        assertEquals("U . S . A . 3.5 km", tok.tokenize("U.S.A. 3.5 km"));
    }

    @Test
    void doesNotUnescapeEntities() {
        assertEquals("AT & amp ; T", tok.tokenize("AT&amp;T"));
        assertEquals("a < skipped > b", tok.tokenize("a <skipped> b"));
    }

    @Test
    void treatsNonBmpSymbolsAsOneCodePoint() {
        // U+1F600 (So) is one code point stored as two chars; it must be split as a whole.
        assertEquals("ok \uD83D\uDE00 !", tok.tokenize("ok\uD83D\uDE00!"));
    }
}
