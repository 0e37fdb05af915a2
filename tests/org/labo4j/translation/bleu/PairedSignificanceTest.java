package org.labo4j.translation.bleu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.labo4j.translation.bleu.PairedSignificance.Method;
import org.labo4j.translation.bleu.PairedSignificance.Outcome;

/**
 * The paired tests against exact answers: on corpora small enough to enumerate every swap pattern
 * (approximate randomization) or every resample (bootstrap), the sampled p-value and bootstrap mean
 * must approach the exact ones, computed here with {@link Bleu#corpusScore} on explicitly built
 * corpora. Sentences are drawn fresh each run; the seed is in every message.
 */
class PairedSignificanceTest {
    private static final Bleu BLEU = Bleu.builder().build();
    private static final String[] WORDS = {"a", "man", "dog", "runs", "on", "the", "beach", "woman", "red", "shirt"};

    private final long seed = new Random().nextLong();
    private final Random random = new Random(seed);

    private String sentence(int minLength) {
        int length = minLength + random.nextInt(6);
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < length; k++) {
            sb.append(k == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }

    /** A hypothesis that keeps about {@code keep} of the reference's words and replaces the rest. */
    private String noisyCopy(String reference, double keep) {
        StringBuilder sb = new StringBuilder();
        for (String w : reference.split(" ")) {
            sb.append(sb.length() == 0 ? "" : " ").append(random.nextDouble() < keep ? w : WORDS[random.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }

    private record Corpus(List<String> refs, List<String> baseline, List<String> system) {
    }

    private Corpus corpus(int segments, double baselineKeep, double systemKeep) {
        List<String> refs = new ArrayList<>();
        List<String> baseline = new ArrayList<>();
        List<String> system = new ArrayList<>();
        for (int i = 0; i < segments; i++) {
            String ref = sentence(6);
            refs.add(ref);
            baseline.add(noisyCopy(ref, baselineKeep));
            system.add(noisyCopy(ref, systemKeep));
        }
        return new Corpus(refs, baseline, system);
    }

    private static double score(List<String> hyps, List<String> refs) {
        return BLEU.corpusScore(hyps, List.of(refs)).score();
    }

    @Test
    void approximateRandomizationApproachesTheExactPermutationTest() {
        int n = 8;
        Corpus c = corpus(n, 0.6, 0.75);
        double observed = Math.abs(score(c.system(), c.refs()) - score(c.baseline(), c.refs()));
        int atLeast = 0;
        for (int mask = 0; mask < (1 << n); mask++) {
            List<String> a = new ArrayList<>();
            List<String> b = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                boolean swap = (mask >> i & 1) != 0;
                a.add(swap ? c.system().get(i) : c.baseline().get(i));
                b.add(swap ? c.baseline().get(i) : c.system().get(i));
            }
            // The same tolerance for ties as the floating-point sums of the test itself.
            atLeast += Math.abs(score(a, c.refs()) - score(b, c.refs())) >= observed - 1e-9 ? 1 : 0;
        }
        double exact = atLeast / (double) (1 << n);
        Outcome o = new PairedSignificance(BLEU, c.baseline(), List.of(c.refs()))
                .compare(c.system(), Method.APPROXIMATE_RANDOMIZATION, 20000, seed);
        // Binomial standard error at 20,000 trials is at most 0.0036.
        assertEquals(exact, o.pValue(), 0.015, "seed " + seed);
        assertEquals(score(c.baseline(), c.refs()), o.baseline().score(), 1e-9);
        assertEquals(score(c.system(), c.refs()), o.system().score(), 1e-9);
        assertNull(o.systemEstimate());
    }

    @Test
    void bootstrapMeanApproachesTheExactBootstrapDistribution() {
        int n = 5;
        Corpus c = corpus(n, 0.5, 0.8);
        double sum = 0;
        int count = 0;
        int[] index = new int[n];
        for (int code = 0; code < Math.pow(n, n); code++) {
            int rest = code;
            for (int k = 0; k < n; k++) {
                index[k] = rest % n;
                rest /= n;
            }
            List<String> hyps = IntStream.of(index).mapToObj(c.system()::get).toList();
            List<String> refs = IntStream.of(index).mapToObj(c.refs()::get).toList();
            sum += score(hyps, refs);
            count++;
        }
        Outcome o = new PairedSignificance(BLEU, c.baseline(), List.of(c.refs()))
                .compare(c.system(), Method.PAIRED_BOOTSTRAP, 20000, seed);
        // BLEU of 5-segment resamples spreads over tens of points; the mean of 20,000 is within ~0.2.
        assertEquals(sum / count, o.systemEstimate().mean(), 0.6, "seed " + seed);
        assertTrue(o.systemEstimate().halfWidth95() > 0, "seed " + seed);
    }

    @Test
    void aSystemAgainstItselfIsNeverSignificant() {
        Corpus c = corpus(40, 0.7, 0.7);
        PairedSignificance test = new PairedSignificance(BLEU, c.baseline(), List.of(c.refs()));
        for (Method m : Method.values()) {
            Outcome o = test.compare(c.baseline(), m, 300, seed);
            assertEquals(1.0, o.pValue(), m.name());
            assertEquals(0.0, o.difference(), m.name());
        }
        Outcome bs = test.compare(c.baseline(), Method.PAIRED_BOOTSTRAP, 300, seed);
        assertEquals(bs.baselineEstimate(), bs.systemEstimate());
    }

    @Test
    void aMuchBetterSystemIsSignificantAndTheSeedReproducesTheOutcome() {
        Corpus c = corpus(60, 0.3, 1.0);
        PairedSignificance test = new PairedSignificance(BLEU, c.baseline(), List.of(c.refs()));
        for (Method m : Method.values()) {
            Outcome o = test.compare(c.system(), m, 500, seed);
            assertEquals(1.0 / 501, o.pValue(), 1e-12, m + ", seed " + seed);
            assertTrue(o.difference() > 30, m + ": " + o.difference());
            Outcome again = test.compare(c.system(), m, 500, seed);
            assertEquals(o.pValue(), again.pValue(), "same seed, same outcome");
            assertEquals(o.baselineEstimate(), again.baselineEstimate(), "same seed, same resamples");
        }
        Outcome bs = test.compare(c.system(), Method.PAIRED_BOOTSTRAP, 500, seed);
        assertEquals(100.0, bs.systemEstimate().mean(), 1e-9, "a copy of the references scores 100 on every resample");
        assertEquals(0.0, bs.systemEstimate().halfWidth95(), 1e-9);
    }

    @Test
    void estimateIsSacrebleusPercentileInterval() {
        // 40 scores 1..40: indices 40 / 40 = 1 and 38 -> values 2 and 39, half-width 18.5, mean 20.5.
        double[] scores = IntStream.rangeClosed(1, 40).mapToDouble(i -> 41 - i).toArray();
        PairedSignificance.Estimate e = PairedSignificance.estimate(scores);
        assertEquals(20.5, e.mean(), 1e-12);
        assertEquals(18.5, e.halfWidth95(), 1e-12);
    }

    @Test
    void badInputIsRefused() {
        Corpus c = corpus(3, 0.5, 0.5);
        PairedSignificance test = new PairedSignificance(BLEU, c.baseline(), List.of(c.refs()));
        assertThrows(IllegalArgumentException.class, () -> test.compare(c.system().subList(0, 2),
                Method.PAIRED_BOOTSTRAP, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> test.compare(c.system(), Method.PAIRED_BOOTSTRAP, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new PairedSignificance(BLEU, List.of(), List.of(c.refs())));
    }
}
