package org.labo4j.translation.bleu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Corpus BLEU on small cases whose statistics are counted by hand in the comments. BLEU is
 * BP * exp(mean of log p_n) * 100 with p_n = clipped matches / hypothesis n-grams, BP =
 * exp(1 - r/c) when the hypothesis length c is below the reference length r; the expected values
 * below are that formula evaluated on the hand counts.
 */
class BleuTest {
    private static final double EPS = 1e-9;

    private static BleuScore score(Bleu bleu, List<String> hyps, List<List<String>> refs) {
        return bleu.corpusScore(hyps, refs);
    }

    private static Bleu defaults() {
        return Bleu.builder().build();
    }

    @Test
    void singleReference() {
        // 13a: hyp "The cat sat on the mat ." and ref "The cat is on the mat ." have 7 tokens each.
        // 1-grams: all but "sat" match -> 6/7.
        // 2-grams: The cat, on the, the mat, mat . match; cat sat, sat on do not -> 4/6.
        // 3-grams: on the mat, the mat . -> 2/5.   4-grams: on the mat . -> 1/4.   BP = 1.
        BleuScore s = score(defaults(), List.of("The cat sat on the mat."), List.of(List.of("The cat is on the mat.")));
        assertArrayEquals(new long[] {6, 4, 2, 1}, s.counts());
        assertArrayEquals(new long[] {7, 6, 5, 4}, s.totals());
        assertEquals(7, s.sysLen());
        assertEquals(7, s.refLen());
        assertEquals(1.0, s.bp());
        double expected = 100 * Math.pow((6.0 / 7) * (4.0 / 6) * (2.0 / 5) * (1.0 / 4), 0.25); // (2/35)^(1/4) = 48.892...
        assertEquals(expected, s.score(), EPS);
        assertEquals("BLEU = 48.89 85.7/66.7/40.0/25.0 (BP = 1.000 ratio = 1.000 hyp_len = 7 ref_len = 7)", s.format());
        assertEquals("nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0", s.signature().format());
    }

    @Test
    void multipleReferencesClipByTheLargestCountInAnyOneReference() {
        // Papineni et al. (2002), section 2.1: "the the the the the the the" against "The cat is on
        // the mat." and "There is a cat on the mat.". Case-sensitive, "the" occurs at most once in a
        // reference, so 1/7 unigrams match; no bigram "the the" exists in either reference.
        List<List<String>> refs = List.of(List.of("The cat is on the mat."), List.of("There is a cat on the mat."));
        List<String> hyp = List.of("the the the the the the the");
        BleuScore mixed = score(defaults(), hyp, refs);
        assertArrayEquals(new long[] {1, 0, 0, 0}, mixed.counts());
        assertArrayEquals(new long[] {7, 6, 5, 4}, mixed.totals());

        // Lowercased, reference 1 has "the" twice: Papineni's modified unigram precision 2/7.
        BleuScore lower = score(Bleu.builder().lowercase(true).build(), hyp, refs);
        assertArrayEquals(new long[] {2, 0, 0, 0}, lower.counts());
        // Reference lengths 7 ("The cat is on the mat .") and 8; the hypothesis has 7 -> r = 7, BP = 1.
        assertEquals(7, lower.refLen());
        assertEquals(1.0, lower.bp());
        // exp smoothing: the k-th zero precision becomes 100 / (2^k * total): 100/12, 100/20, 100/32.
        double expected = Math.pow((200.0 / 7) * (100.0 / 12) * (100.0 / 20) * (100.0 / 32), 0.25);
        assertEquals(expected, lower.score(), EPS);
        assertEquals("BLEU = 7.81 28.6/8.3/5.0/3.1 (BP = 1.000 ratio = 1.000 hyp_len = 7 ref_len = 7)", lower.format());
        assertEquals("nrefs:2|case:lc|eff:no|tok:13a|smooth:exp|version:2.6.0", lower.signature().format());
    }

    @Test
    void closestReferenceLengthPrefersTheShorterOnATie() {
        // Hypothesis of 5 tokens, references of 4 and 6: both 1 away, sacreBLEU takes 4, so BP = 1.
        // (Taking 6 would give BP = exp(1 - 6/5).) Every hypothesis n-gram occurs in the 6-token reference.
        BleuScore s = score(defaults(), List.of("a b c d e"), List.of(List.of("a b c d e f"), List.of("a b c d")));
        assertEquals(4, s.refLen());
        assertEquals(1.0, s.bp());
        assertEquals(100.0, s.score(), 1e-9);
        assertEquals("BLEU = 100.00 100.0/100.0/100.0/100.0 (BP = 1.000 ratio = 1.250 hyp_len = 5 ref_len = 4)", s.format());
    }

    @Test
    void brevityPenaltyUsesTheClosestReferenceLength() {
        // Hypothesis 5 tokens, references 6 and 8 long: r = 6, BP = exp(1 - 6/5) = exp(-0.2).
        BleuScore s = score(defaults(), List.of("a b c d e"), List.of(List.of("a b c d e f"), List.of("a b c d e f g h")));
        assertEquals(Math.exp(-0.2), s.bp(), EPS);
        assertEquals(100 * Math.exp(-0.2), s.score(), EPS);
        assertEquals("BLEU = 81.87 100.0/100.0/100.0/100.0 (BP = 0.819 ratio = 0.833 hyp_len = 5 ref_len = 6)", s.format());
    }

    @Test
    void brevityPenaltyOnAShortHypothesis() {
        // All n-grams match (6/6, 5/5, 4/4, 3/3) but c = 6 < r = 7: BLEU = 100 * exp(1 - 7/6).
        BleuScore s = score(defaults(), List.of("the cat sat on the mat"), List.of(List.of("the cat sat on the mat today")));
        assertEquals(Math.exp(1 - 7.0 / 6), s.bp(), EPS);
        assertEquals(100 * Math.exp(-1.0 / 6), s.score(), EPS);
        assertEquals("BLEU = 84.65 100.0/100.0/100.0/100.0 (BP = 0.846 ratio = 0.857 hyp_len = 6 ref_len = 7)", s.format());
    }

    @Test
    void emptyHypothesisAddsReferenceLengthButNoNgrams() {
        // Segment 1: empty hypothesis, 4-token reference -> c += 0, r += 4.
        // Segment 2: exact 5-token match -> counts = totals = 5, 4, 3, 2.
        // Precisions are all 100; BP = exp(1 - 9/5) = exp(-0.8).
        BleuScore s = score(defaults(), List.of("", "a b c d e"), List.of(List.of("x y z w", "a b c d e")));
        assertArrayEquals(new long[] {5, 4, 3, 2}, s.counts());
        assertEquals(5, s.sysLen());
        assertEquals(9, s.refLen());
        assertEquals(100 * Math.exp(-0.8), s.score(), EPS);
        assertEquals("BLEU = 44.93 100.0/100.0/100.0/100.0 (BP = 0.449 ratio = 0.556 hyp_len = 5 ref_len = 9)", s.format());
    }

    @Test
    void allHypothesesEmptyScoreZeroWithZeroBrevityPenalty() {
        BleuScore s = score(defaults(), List.of("", " "), List.of(List.of("a b c", "d e")));
        assertEquals(0.0, s.score());
        assertEquals(0.0, s.bp());
        assertEquals(0, s.sysLen());
        assertEquals(5, s.refLen());
        assertEquals("BLEU = 0.00 0.0/0.0/0.0/0.0 (BP = 0.000 ratio = 0.000 hyp_len = 0 ref_len = 5)", s.format());
    }

    @Test
    void noMatchAtAllIsZeroWithoutSmoothing() {
        // sacreBLEU returns 0 and leaves the precisions at 0 when no n-gram matches (its issue #141).
        BleuScore s = score(defaults(), List.of("p q r s"), List.of(List.of("a b c d")));
        assertEquals(0.0, s.score());
        assertArrayEquals(new double[] {0, 0, 0, 0}, s.precisions());
    }

    @Test
    void effectiveOrderIsOffForCorpusScoresAndRescuesShortCorpora() {
        // "a b" vs "a b": totals 2, 1, 0, 0. Orders 3 and 4 have no hypothesis n-grams, so their
        // precision stays 0 and, averaged over 4 orders, BLEU is 0 ...
        List<String> hyp = List.of("a b");
        List<List<String>> refs = List.of(List.of("a b"));
        BleuScore corpus = score(defaults(), hyp, refs);
        assertArrayEquals(new long[] {2, 1, 0, 0}, corpus.totals());
        assertEquals(0.0, corpus.score());
        // ... while effective order averages over the 2 orders present: 100.
        BleuScore effective = score(Bleu.builder().effectiveOrder(true).build(), hyp, refs);
        assertEquals(100.0, effective.score(), 1e-9);
        assertEquals("nrefs:1|case:mixed|eff:yes|tok:13a|smooth:exp|version:2.6.0", effective.signature().format());
    }

    @Test
    void thirteenAAndIntlDifferOnUnicodePunctuation() {
        List<String> hyp = List.of("„Hallo“ sagte er.");
        List<List<String>> refs = List.of(List.of("„Hallo“, sagte er."));

        // 13a leaves „Hallo“ whole: hyp [„Hallo“ sagte er .] (4), ref [„Hallo“ , sagte er .] (5).
        // 1-grams 4/4; 2-grams "sagte er", "er ." of 3 -> 2/3; 3-grams "sagte er ." -> 1/2; 4-grams 0/1
        // (exp smoothing: 100 / (2 * 1)). BP = exp(1 - 5/4).
        BleuScore t13a = score(defaults(), hyp, refs);
        assertArrayEquals(new long[] {4, 2, 1, 0}, t13a.counts());
        assertArrayEquals(new long[] {4, 3, 2, 1}, t13a.totals());
        assertEquals(Math.exp(-0.25) * Math.pow(100 * (200.0 / 3) * 50 * 50, 0.25), t13a.score(), EPS);
        assertEquals("BLEU = 49.76 100.0/66.7/50.0/50.0 (BP = 0.779 ratio = 0.800 hyp_len = 4 ref_len = 5)", t13a.format());

        // intl splits „ and “: hyp [„ Hallo “ sagte er .] (6), ref [„ Hallo “ , sagte er .] (7).
        // 1-grams 6/6; 2-grams: all but "“ sagte" -> 4/5; 3-grams "„ Hallo “", "sagte er ." -> 2/4;
        // 4-grams 0/3 -> 100 / (2 * 3). BP = exp(1 - 7/6).
        BleuScore intl = score(Bleu.builder().tokenize("intl").build(), hyp, refs);
        assertArrayEquals(new long[] {6, 4, 2, 0}, intl.counts());
        assertArrayEquals(new long[] {6, 5, 4, 3}, intl.totals());
        assertEquals(Math.exp(-1.0 / 6) * Math.pow(100 * 80 * 50 * (100.0 / 6), 0.25), intl.score(), EPS);
        assertEquals("BLEU = 43.01 100.0/80.0/50.0/16.7 (BP = 0.846 ratio = 0.857 hyp_len = 6 ref_len = 7)", intl.format());
        assertEquals("nrefs:1|case:mixed|eff:no|tok:intl|smooth:exp|version:2.6.0", intl.signature().format());
    }

    @Test
    void noneTokenizerSplitsOnWhitespaceOnly() {
        // "mat." stays one token: hyp [the mat.] vs ref [the mat .] -> unigram "the" matches only.
        BleuScore s = score(Bleu.builder().tokenize("none").build(), List.of("the mat."), List.of(List.of("the mat .")));
        assertArrayEquals(new long[] {1, 0, 0, 0}, s.counts());
        assertArrayEquals(new long[] {2, 1, 0, 0}, s.totals());
        assertEquals("nrefs:1|case:mixed|eff:no|tok:none|smooth:exp|version:2.6.0", s.signature().format());
    }

    @Test
    void trailingWhitespaceIsIgnoredAndCaseMatters() {
        BleuScore s = score(defaults(), List.of("A b c d \u00a0 "), List.of(List.of("a b c d")));
        assertEquals(4, s.sysLen());
        assertArrayEquals(new long[] {3, 2, 1, 0}, s.counts());
    }

    @Test
    void nullReferenceMeansMissingAndMakesNrefsVariable() {
        // Segment 1 has two references, segment 2 only one: signature nrefs:var (sacreBLEU's API).
        List<String> second = Arrays.asList("a b c d", null);
        BleuScore s = score(defaults(), List.of("a b c d", "e f g h"), List.of(List.of("a b c d", "e f g h"), second));
        assertEquals(100.0, s.score(), 1e-9);
        assertEquals("nrefs:var|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0", s.signature().format());
    }

    @Test
    void emptyReferenceIsAReferenceOfLengthZero() {
        // As sacreBLEU 2.6: "" is kept. Segment 2's hypothesis "x" (1 token) has r = 0: c = 6 > r = 5, BP = 1;
        // unigrams 5/6 match, higher orders all match (4/4, 3/3, 2/2).
        BleuScore s = score(defaults(), List.of("a b c d e", "x"), List.of(List.of("a b c d e", "")));
        assertEquals(5, s.refLen());
        assertArrayEquals(new long[] {5, 4, 3, 2}, s.counts());
        assertArrayEquals(new long[] {6, 4, 3, 2}, s.totals());
        assertEquals(100 * Math.pow(5.0 / 6, 0.25), s.score(), EPS);
    }

    @Test
    void sentenceScoreIsACorpusOfOne() {
        Bleu bleu = Bleu.builder().effectiveOrder(true).build();
        BleuScore s = bleu.sentenceScore("a b", List.of("a b", "c"));
        assertEquals(100.0, s.score(), 1e-9);
        assertEquals("nrefs:2|case:mixed|eff:yes|tok:13a|smooth:exp|version:2.6.0", s.signature().format());
    }

    @Test
    void rejectsMalformedInput() {
        Bleu bleu = defaults();
        assertThrows(IllegalArgumentException.class, () -> bleu.corpusScore(List.of(), List.of(List.of())));
        assertThrows(IllegalArgumentException.class, () -> bleu.corpusScore(List.of("a"), List.of()));
        IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class,
                () -> bleu.corpusScore(List.of("a", "b"), List.of(List.of("a"))));
        assertEquals("reference stream 1 has 1 segments but there are 2 hypotheses", mismatch.getMessage());
        List<String> missing = Arrays.asList((String) null);
        IllegalArgumentException noRef = assertThrows(IllegalArgumentException.class,
                () -> bleu.corpusScore(List.of("a"), List.of(missing)));
        assertEquals("segment 1 has no reference (all are null)", noRef.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Bleu.builder().tokenize("zh"));
    }
}
