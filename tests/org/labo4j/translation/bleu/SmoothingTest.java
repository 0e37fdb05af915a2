package org.labo4j.translation.bleu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The four sacreBLEU smoothing methods on statistics with zero matches at orders 2-4. The corpus is
 * Papineni's "the the the the the the the" (lowercased, two references): clipped matches 2, 0, 0, 0
 * out of 7, 6, 5, 4 hypothesis n-grams, BP = 1 (see BleuTest). Method definitions from sacreBLEU's
 * documentation of compute_bleu (Chen and Cherry 2014, methods 1-3).
 */
class SmoothingTest {
    private static final double EPS = 1e-9;
    private static final List<String> HYP = List.of("the the the the the the the");
    private static final List<List<String>> REFS =
            List.of(List.of("The cat is on the mat."), List.of("There is a cat on the mat."));

    private static BleuScore score(Smoothing smoothing, Double value) {
        Bleu.Builder b = Bleu.builder().lowercase(true).smoothing(smoothing);
        if (value != null) {
            b.smoothValue(value);
        }
        return b.build().corpusScore(HYP, REFS);
    }

    private static double geometricMean(double... precisions) {
        double product = 1;
        for (double p : precisions) {
            product *= p;
        }
        return Math.pow(product, 1.0 / precisions.length);
    }

    @Test
    void exp() {
        // Zero precisions become 100 / (2^k * total) for the k-th zero: 100/(2*6), 100/(4*5), 100/(8*4).
        BleuScore s = score(Smoothing.EXP, null);
        assertArrayEquals(new double[] {200.0 / 7, 100.0 / 12, 5.0, 3.125}, s.precisions(), EPS);
        assertEquals(geometricMean(200.0 / 7, 100.0 / 12, 5.0, 3.125), s.score(), EPS); // 7.8098...
        assertEquals("smooth:exp", s.signature().format().split("\\|")[4]);
    }

    @Test
    void floorReplacesZeroMatchesByTheFloorValue() {
        // Default 0.1: 100 * 0.1 / total = 10/6, 10/5, 10/4.
        BleuScore s = score(Smoothing.FLOOR, null);
        assertArrayEquals(new double[] {200.0 / 7, 10.0 / 6, 2.0, 2.5}, s.precisions(), EPS);
        assertEquals(geometricMean(200.0 / 7, 10.0 / 6, 2.0, 2.5), s.score(), EPS); // 3.9281...
        assertEquals("BLEU = 3.93 28.6/1.7/2.0/2.5 (BP = 1.000 ratio = 1.000 hyp_len = 7 ref_len = 7)", s.format());
        assertEquals("nrefs:2|case:lc|eff:no|tok:13a|smooth:floor[0.10]|version:2.6.0", s.signature().format());

        BleuScore half = score(Smoothing.FLOOR, 0.5);
        assertArrayEquals(new double[] {200.0 / 7, 50.0 / 6, 10.0, 12.5}, half.precisions(), EPS);
        assertEquals("smooth:floor[0.50]", half.signature().format().split("\\|")[4]);
    }

    @Test
    void addKAddsToMatchesAndTotalsAboveOrderOne() {
        // Default k = 1: (0+1)/(6+1), (0+1)/(5+1), (0+1)/(4+1); order 1 unchanged (2/7).
        BleuScore s = score(Smoothing.ADD_K, null);
        assertArrayEquals(new double[] {200.0 / 7, 100.0 / 7, 100.0 / 6, 20.0}, s.precisions(), EPS);
        assertEquals(geometricMean(200.0 / 7, 100.0 / 7, 100.0 / 6, 20.0), s.score(), EPS); // 19.2056...
        assertEquals("BLEU = 19.21 28.6/14.3/16.7/20.0 (BP = 1.000 ratio = 1.000 hyp_len = 7 ref_len = 7)", s.format());
        assertEquals("smooth:add-k[1.00]", s.signature().format().split("\\|")[4]);
        // The reported counts stay the raw ones.
        assertArrayEquals(new long[] {2, 0, 0, 0}, s.counts());
        assertArrayEquals(new long[] {7, 6, 5, 4}, s.totals());

        BleuScore two = score(Smoothing.ADD_K, 2.0);
        assertArrayEquals(new double[] {200.0 / 7, 200.0 / 8, 200.0 / 7, 200.0 / 6}, two.precisions(), EPS);
        assertEquals("smooth:add-k[2.00]", two.signature().format().split("\\|")[4]);
    }

    @Test
    void noneLetsOneZeroPrecisionZeroTheScore() {
        BleuScore s = score(Smoothing.NONE, null);
        assertArrayEquals(new double[] {200.0 / 7, 0, 0, 0}, s.precisions(), EPS);
        assertEquals(0.0, s.score());
        assertEquals("smooth:none", s.signature().format().split("\\|")[4]);
    }

    @Test
    void expDoublesOnlyAtZeroPrecisions() {
        // Matches 5, 0, 3, 0 of 10, 8, 6, 4: the first zero (order 2) gets 100/(2*8), order 3 keeps
        // 3/6, the second zero (order 4) gets 100/(4*4).
        BleuScore s = BleuFormula.compute(new long[] {5, 0, 3, 0}, new long[] {10, 8, 6, 4}, 10, 10,
                Smoothing.EXP, Double.NaN, false, null);
        assertArrayEquals(new double[] {50.0, 6.25, 50.0, 6.25}, s.precisions(), EPS);
        assertEquals(geometricMean(50.0, 6.25, 50.0, 6.25), s.score(), EPS);
    }

    @Test
    void addKFillsOrdersTheHypothesesDoNotReach() {
        // "a b" vs "a b": totals 2, 1, 0, 0. add-k makes orders 3 and 4 (0+1)/(0+1) = 100 %, so the
        // corpus scores 100 even without effective order (with exp it scores 0, see BleuTest).
        BleuScore s = Bleu.builder().smoothing(Smoothing.ADD_K).build()
                .corpusScore(List.of("a b"), List.of(List.of("a b")));
        assertArrayEquals(new double[] {100, 100, 100, 100}, s.precisions(), EPS);
        assertEquals(100.0, s.score(), EPS);
    }

    @Test
    void namesMatchSacreBleu() {
        assertEquals(Smoothing.ADD_K, Smoothing.forName("add-k"));
        assertEquals("floor", Smoothing.FLOOR.cliName());
        assertEquals(0.1, Smoothing.FLOOR.defaultValue());
        assertEquals(1.0, Smoothing.ADD_K.defaultValue());
    }
}
