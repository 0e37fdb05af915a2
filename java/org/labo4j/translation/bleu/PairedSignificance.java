package org.labo4j.translation.bleu;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.labo4j.util.SeededRandom;

/**
 * Is a system's corpus BLEU different from a baseline's on the same segments by more than chance?
 * The two paired tests of sacreBLEU's {@code --paired-bs} and {@code --paired-ar}, on per-segment
 * sufficient statistics (each trial re-sums rows, nothing is tokenized twice):
 *
 * <ul>
 *   <li><b>paired bootstrap</b> (Koehn 2004): both systems are scored on the same resamples of the
 *       segments, drawn with replacement; the p-value compares the observed |difference| with the
 *       resampled |differences| centred on their mean. Also gives each system's bootstrap mean and
 *       95% interval half-width, as sacreBLEU's {@code estimate_ci} does.</li>
 *   <li><b>approximate randomization</b> (Riezler and Maxwell 2005): each trial swaps the two
 *       systems' outputs on a random half of the segments; the p-value is the share of trials whose
 *       |difference| reaches the observed one.</li>
 * </ul>
 *
 * Both p-values are {@code (1 + hits) / (1 + trials)}. A trial counts as a hit when its statistic is
 * at least the observed one, where sacreBLEU counts only strictly greater ones: the two agree except
 * on exact ties, so a system compared with itself gets p = 1 here (sacreBLEU reports
 * {@code 1 / (trials + 1)}). The resamples come from labo4j's own seeded generator, so the numbers
 * are reproducible for a seed but not identical to sacreBLEU's numpy draws.
 */
public final class PairedSignificance {
    /** The test, with sacreBLEU's default number of trials. */
    public enum Method {
        PAIRED_BOOTSTRAP("paired bootstrap resampling", 1000),
        APPROXIMATE_RANDOMIZATION("paired approximate randomization", 10000);

        private final String description;
        private final int defaultTrials;

        Method(String description, int defaultTrials) {
            this.description = description;
            this.defaultTrials = defaultTrials;
        }

        public String description() {
            return description;
        }

        public int defaultTrials() {
            return defaultTrials;
        }
    }

    /** sacreBLEU's default seed ({@code SACREBLEU_SEED}). */
    public static final long DEFAULT_SEED = 12345;

    /** A bootstrap estimate of a system's score: mean over resamples and the 95% interval's half-width. */
    public record Estimate(double mean, double halfWidth95) {
    }

    /**
     * One comparison. {@code baselineEstimate} and {@code systemEstimate} are null for approximate
     * randomization, which does not resample.
     */
    public record Outcome(Method method, int trials, long seed, BleuScore baseline, BleuScore system,
                          double pValue, Estimate baselineEstimate, Estimate systemEstimate) {
        /** The system's score minus the baseline's. */
        public double difference() {
            return system.score() - baseline.score();
        }
    }

    private final Bleu bleu;
    private final SegmentStatistics baseline;
    private final BleuScore baselineScore;
    private final List<? extends List<String>> references;

    /**
     * Prepares comparisons against one baseline.
     *
     * @throws IllegalArgumentException as {@link Bleu#corpusScore} does for bad input
     */
    public PairedSignificance(Bleu bleu, List<String> baselineHypotheses, List<? extends List<String>> references) {
        this.bleu = Objects.requireNonNull(bleu, "bleu");
        this.references = references;
        this.baseline = bleu.segmentStatistics(baselineHypotheses, references);
        this.baselineScore = bleu.score(baseline.sums(), baseline.nrefs());
    }

    /**
     * Compares a system with the baseline on the same segments.
     *
     * @param trials bootstrap resamples or randomization trials, at least 1
     * @throws IllegalArgumentException if the system's segment count differs from the baseline's or
     *                                  {@code trials} is not positive
     */
    public Outcome compare(List<String> systemHypotheses, Method method, int trials, long seed) {
        Objects.requireNonNull(method, "method");
        if (trials < 1) {
            throw new IllegalArgumentException("trials must be >= 1, got " + trials);
        }
        SegmentStatistics system = bleu.segmentStatistics(systemHypotheses, references);
        BleuScore systemScore = bleu.score(system.sums(), system.nrefs());
        double observed = Math.abs(systemScore.score() - baselineScore.score());
        SeededRandom random = new SeededRandom(seed);
        return method == Method.PAIRED_BOOTSTRAP
                ? bootstrap(system, systemScore, observed, trials, seed, random)
                : randomization(system, systemScore, observed, trials, seed, random);
    }

    private Outcome bootstrap(SegmentStatistics system, BleuScore systemScore, double observed, int trials,
                              long seed, SeededRandom random) {
        int n = baseline.size();
        double[] baselineScores = new double[trials];
        double[] systemScores = new double[trials];
        double[] differences = new double[trials];
        for (int t = 0; t < trials; t++) {
            long[] b = baseline.zeroSums();
            long[] s = system.zeroSums();
            for (int k = 0; k < n; k++) {
                int segment = random.nextInt(n);
                SegmentStatistics.add(b, baseline.row(segment));
                SegmentStatistics.add(s, system.row(segment));
            }
            baselineScores[t] = bleu.score(b, baseline.nrefs()).score();
            systemScores[t] = bleu.score(s, system.nrefs()).score();
            differences[t] = Math.abs(systemScores[t] - baselineScores[t]);
        }
        // Under the null hypothesis the differences are centred on 0: shift the resampled ones there.
        double meanDifference = Arrays.stream(differences).average().orElse(0);
        int hits = 0;
        for (double d : differences) {
            hits += d - meanDifference >= observed ? 1 : 0;
        }
        return new Outcome(Method.PAIRED_BOOTSTRAP, trials, seed, baselineScore, systemScore,
                pValue(hits, trials), estimate(baselineScores), estimate(systemScores));
    }

    private Outcome randomization(SegmentStatistics system, BleuScore systemScore, double observed, int trials,
                                  long seed, SeededRandom random) {
        int n = baseline.size();
        int hits = 0;
        for (int t = 0; t < trials; t++) {
            long[] a = baseline.zeroSums();
            long[] b = system.zeroSums();
            for (int k = 0; k < n; k++) {
                boolean swap = (random.nextLong() & 1) != 0;
                SegmentStatistics.add(a, (swap ? system : baseline).row(k));
                SegmentStatistics.add(b, (swap ? baseline : system).row(k));
            }
            double difference = Math.abs(bleu.score(a, baseline.nrefs()).score() - bleu.score(b, system.nrefs()).score());
            hits += difference >= observed ? 1 : 0;
        }
        return new Outcome(Method.APPROXIMATE_RANDOMIZATION, trials, seed, baselineScore, systemScore,
                pValue(hits, trials), null, null);
    }

    private static double pValue(int hits, int trials) {
        return (hits + 1.0) / (trials + 1.0);
    }

    /** sacreBLEU's {@code estimate_ci}: the mean, and half the distance between the 2.5% and 97.5% order statistics. */
    static Estimate estimate(double[] scores) {
        double[] sorted = scores.clone();
        Arrays.sort(sorted);
        int lower = sorted.length / 40;
        int upper = sorted.length - lower - 1;
        return new Estimate(Arrays.stream(sorted).average().orElse(Double.NaN), 0.5 * (sorted[upper] - sorted[lower]));
    }
}
