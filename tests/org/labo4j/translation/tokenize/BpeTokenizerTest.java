package org.labo4j.translation.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class BpeTokenizerTest {
    private static final List<String> TOY = List.of("low low low low low", "lower lower", "newest newest newest",
            "newest newest newest", "widest widest widest");

    @Test
    void learnsTheMostFrequentPairsFirst() {
        BpeTokenizer tokenizer = new BpeTrainer().vocabularySize(BpeTokenizer.FIRST_CHARACTER_ID + 11 + 3).train(TOY);
        // alphabet: marker + 10 letters (l o w e r n s t i d); three merges fit.
        assertEquals(11, tokenizer.alphabet().length);
        int firstMerge = BpeTokenizer.FIRST_CHARACTER_ID + 11;
        // "e s" and "s t" occur 9 times each (newest x6, widest x3), "▁ l" / "l o" / "o w" 7, "w e" 8;
        // ties go to the pair of earlier (more frequent) symbols.
        assertEquals("es", tokenizer.piece(firstMerge));
        assertEquals("est", tokenizer.piece(firstMerge + 1));
        assertEquals(firstMerge + 3, tokenizer.vocabularySize());
    }

    @Test
    void encodesWithMarkersAndDecodesBack() {
        BpeTokenizer tokenizer = new BpeTrainer().vocabularySize(300).train(TOY);
        assertArrayEquals(new String[] {"▁low", "est"}, tokenizer.encodeAsPieces("lowest"));
        assertEquals("lower newest", tokenizer.decode(tokenizer.encode("  lower \t newest ")));
    }

    @Test
    void unseenCharactersAndLiteralMarkersFallBackToBytes() {
        BpeTokenizer tokenizer = new BpeTrainer().vocabularySize(300).train(TOY);
        String text = "new 日本 x▁y Grüße 😀";
        int[] ids = tokenizer.encode(text);
        assertEquals(text, tokenizer.decode(ids));
        assertTrue(tokenizer.isByte(ids[ids.length - 1]), "emoji as bytes");
        for (int id : ids) {
            assertTrue(id != SpecialTokens.UNK && !SpecialTokens.isSpecial(id));
        }
    }

    @Test
    void decodingSkipsPaddingAndSentenceBoundaries() {
        BpeTokenizer tokenizer = new BpeTrainer().vocabularySize(300).train(TOY);
        int[] ids = tokenizer.encode("low newest");
        int[] framed = new int[ids.length + 3];
        framed[0] = SpecialTokens.BOS;
        System.arraycopy(ids, 0, framed, 1, ids.length);
        framed[ids.length + 1] = SpecialTokens.EOS;
        framed[ids.length + 2] = SpecialTokens.PAD;
        assertEquals("low newest", tokenizer.decode(framed));
        assertThrows(IllegalArgumentException.class, () -> tokenizer.decode(new int[] {tokenizer.vocabularySize()}));
    }

    @Test
    void stopsWhenNoPairIsFrequentEnough() {
        BpeTokenizer tokenizer = new BpeTrainer().vocabularySize(10_000).train(TOY);
        assertTrue(tokenizer.vocabularySize() < 10_000);
        // Every word of the toy corpus is then a single piece.
        assertEquals(1, tokenizer.encode("newest").length);
    }

    @Test
    void textFileRoundTripsExactly() {
        BpeTokenizer tokenizer = new BpeTrainer().vocabularySize(300).train(List.of("a\u00a0b ab ab é\u0001é é\u0001é"));
        BpeTokenizer reloaded = BpeTokenizerFile.fromText(BpeTokenizerFile.toText(tokenizer));
        assertEquals(tokenizer, reloaded);
        assertThrows(IllegalArgumentException.class, () -> BpeTokenizerFile.fromText("labo4j-bpe 1\nalphabet 2\n2581\n"));
    }
}
