package org.labo4j.translation.bleu;

/**
 * A corpus BLEU result with the statistics behind it, as sacreBLEU's {@code BLEUScore}.
 * Precisions and the score are percentages (0..100).
 */
public final class BleuScore {
    private final double score;
    private final long[] counts;
    private final long[] totals;
    private final double[] precisions;
    private final double bp;
    private final long sysLen;
    private final long refLen;
    private final BleuSignature signature;

    BleuScore(double score, long[] counts, long[] totals, double[] precisions, double bp,
              long sysLen, long refLen, BleuSignature signature) {
        this.score = score;
        this.counts = counts.clone();
        this.totals = totals.clone();
        this.precisions = precisions.clone();
        this.bp = bp;
        this.sysLen = sysLen;
        this.refLen = refLen;
        this.signature = signature;
    }

    /** BLEU in 0..100. */
    public double score() {
        return score;
    }

    /** Clipped n-gram matches per order (1-grams first), before any smoothing. */
    public long[] counts() {
        return counts.clone();
    }

    /** Hypothesis n-grams per order (1-grams first), before any smoothing. */
    public long[] totals() {
        return totals.clone();
    }

    /** Smoothed n-gram precisions in percent, 1-grams first. */
    public double[] precisions() {
        return precisions.clone();
    }

    /** Brevity penalty. */
    public double bp() {
        return bp;
    }

    /** Total hypothesis length in tokens. */
    public long sysLen() {
        return sysLen;
    }

    /** Sum over segments of the reference length closest to the hypothesis length. */
    public long refLen() {
        return refLen;
    }

    /** {@code sysLen / refLen}, 0 when there are no reference tokens. */
    public double ratio() {
        return refLen == 0 ? 0 : (double) sysLen / refLen;
    }

    public BleuSignature signature() {
        return signature;
    }

    /**
     * sacreBLEU's textual form, e.g.
     * {@code BLEU = 34.21 66.1/41.0/28.2/19.6 (BP = 0.975 ratio = 0.975 hyp_len = 2713 ref_len = 2782)}.
     */
    public String format() {
        StringBuilder sb = new StringBuilder("BLEU = ").append(PyFormat.fixed(score, 2)).append(' ');
        for (int i = 0; i < precisions.length; i++) {
            sb.append(i == 0 ? "" : "/").append(PyFormat.fixed(precisions[i], 1));
        }
        return sb.append(" (BP = ").append(PyFormat.fixed(bp, 3))
                .append(" ratio = ").append(PyFormat.fixed(ratio(), 3))
                .append(" hyp_len = ").append(sysLen)
                .append(" ref_len = ").append(refLen).append(')')
                .toString();
    }

    @Override
    public String toString() {
        return format();
    }
}
