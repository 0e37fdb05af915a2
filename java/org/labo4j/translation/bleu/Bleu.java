package org.labo4j.translation.bleu;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Corpus BLEU computed the way sacreBLEU 2.x computes it (version {@value #SACREBLEU_VERSION}):
 * optional lowercasing, right-trimming and tokenization of every segment, clipped n-gram matches up
 * to order 4 against one or more references, the brevity penalty against the closest reference
 * length, and the chosen smoothing. Defaults are sacreBLEU's: 13a, mixed case, exp smoothing,
 * effective order off.
 *
 * <pre>{@code
 * BleuScore s = Bleu.builder().build().corpusScore(hypotheses, List.of(references));
 * System.out.println(s.format());
 * System.out.println(s.signature().format());
 * }</pre>
 */
public final class Bleu {
    public static final int MAX_NGRAM_ORDER = 4;
    /** The sacreBLEU release this implementation reproduces; it appears in the signature. */
    public static final String SACREBLEU_VERSION = "2.6.0";

    private final BleuTokenizer tokenizer;
    private final boolean lowercase;
    private final Smoothing smoothing;
    private final double smoothValue;
    private final boolean effectiveOrder;

    private Bleu(Builder b) {
        this.tokenizer = b.tokenizer;
        this.lowercase = b.lowercase;
        this.smoothing = b.smoothing;
        this.smoothValue = b.smoothValue != null ? b.smoothValue : b.smoothing.defaultValue();
        this.effectiveOrder = b.effectiveOrder;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Scores a corpus.
     *
     * @param hypotheses one string per segment; an empty string is a valid (empty) hypothesis
     * @param references one or more reference streams, each with one string per segment. As in
     *                   sacreBLEU's API, a null entry means "no such reference for this segment" (the
     *                   signature then says {@code nrefs:var}); an empty string is a reference of
     *                   length 0. Every segment needs at least one non-null reference.
     * @throws IllegalArgumentException if there are no hypotheses or no reference streams, a stream's
     *                                  length differs from the hypotheses', or a segment has no reference
     */
    public BleuScore corpusScore(List<String> hypotheses, List<? extends List<String>> references) {
        SegmentStatistics stats = segmentStatistics(hypotheses, references);
        return score(stats.sums(), stats.nrefs());
    }

    /** Per-segment statistics of a corpus, checked as {@link #corpusScore} documents. */
    SegmentStatistics segmentStatistics(List<String> hypotheses, List<? extends List<String>> references) {
        Objects.requireNonNull(hypotheses, "hypotheses");
        Objects.requireNonNull(references, "references");
        if (hypotheses.isEmpty()) {
            throw new IllegalArgumentException("no hypotheses to score");
        }
        if (references.isEmpty()) {
            throw new IllegalArgumentException("no reference streams given");
        }
        for (int r = 0; r < references.size(); r++) {
            int size = Objects.requireNonNull(references.get(r), "reference stream").size();
            if (size != hypotheses.size()) {
                throw new IllegalArgumentException("reference stream " + (r + 1) + " has " + size
                        + " segments but there are " + hypotheses.size() + " hypotheses");
            }
        }

        long[][] rows = new long[hypotheses.size()][];
        TreeSet<Integer> referencesPerSegment = new TreeSet<>();
        for (int i = 0; i < hypotheses.size(); i++) {
            String hypothesis = hypotheses.get(i);
            if (hypothesis == null) {
                throw new IllegalArgumentException("hypothesis of segment " + (i + 1) + " is null");
            }
            List<List<String>> refTokens = new ArrayList<>();
            for (List<String> stream : references) {
                String ref = stream.get(i);
                if (ref != null) {
                    refTokens.add(tokens(ref));
                }
            }
            if (refTokens.isEmpty()) {
                throw new IllegalArgumentException("segment " + (i + 1) + " has no reference (all are null)");
            }
            referencesPerSegment.add(refTokens.size());
            rows[i] = SegmentStatistics.row(tokens(hypothesis), References.of(refTokens, MAX_NGRAM_ORDER),
                    MAX_NGRAM_ORDER);
        }
        String nrefs = referencesPerSegment.size() == 1 ? referencesPerSegment.first().toString() : "var";
        return new SegmentStatistics(MAX_NGRAM_ORDER, rows, nrefs);
    }

    /** The score of summed segment statistics. */
    BleuScore score(long[] sums, String nrefs) {
        return BleuFormula.compute(SegmentStatistics.correct(sums, MAX_NGRAM_ORDER),
                SegmentStatistics.total(sums, MAX_NGRAM_ORDER), sums[SegmentStatistics.SYS_LEN],
                sums[SegmentStatistics.REF_LEN], smoothing, smoothValue, effectiveOrder, signature(nrefs));
    }

    /**
     * Scores one segment against its references. As sacreBLEU warns, sentence-level BLEU should
     * normally be computed with {@link Builder#effectiveOrder(boolean) effective order} on.
     */
    public BleuScore sentenceScore(String hypothesis, List<String> references) {
        List<List<String>> streams = new ArrayList<>();
        for (String ref : references) {
            List<String> stream = new ArrayList<>(1);
            stream.add(ref);
            streams.add(stream);
        }
        List<String> hyps = new ArrayList<>(1);
        hyps.add(hypothesis);
        return corpusScore(hyps, streams);
    }

    /** The signature of this configuration for a given {@code nrefs} value. */
    public BleuSignature signature(String nrefs) {
        String smooth = smoothing.cliName();
        if (smoothing.takesValue()) {
            smooth += "[" + PyFormat.fixed(smoothValue, 2) + "]";
        }
        return new BleuSignature(nrefs, lowercase, effectiveOrder, tokenizer.signature(), smooth,
                SACREBLEU_VERSION);
    }

    /** sacreBLEU's {@code _preprocess_segment} followed by its whitespace split. */
    private List<String> tokens(String segment) {
        String s = lowercase ? segment.toLowerCase(Locale.ROOT) : segment;
        return PyStrings.split(tokenizer.tokenize(PyStrings.rstrip(s)));
    }

    /** Options, with sacreBLEU's defaults. */
    public static final class Builder {
        private BleuTokenizer tokenizer = new Tokenizer13a();
        private boolean lowercase;
        private Smoothing smoothing = Smoothing.EXP;
        private Double smoothValue;
        private boolean effectiveOrder;

        private Builder() {
        }

        public Builder tokenizer(BleuTokenizer tokenizer) {
            this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
            return this;
        }

        /** {@code 13a} (default), {@code intl} or {@code none}. */
        public Builder tokenize(String name) {
            return tokenizer(BleuTokenizer.forName(name));
        }

        public Builder lowercase(boolean lowercase) {
            this.lowercase = lowercase;
            return this;
        }

        public Builder smoothing(Smoothing smoothing) {
            this.smoothing = Objects.requireNonNull(smoothing, "smoothing");
            return this;
        }

        /** The parameter of floor and add-k smoothing; ignored by the other methods. */
        public Builder smoothValue(double smoothValue) {
            if (!Double.isFinite(smoothValue) || smoothValue < 0) {
                throw new IllegalArgumentException("smoothing value must be finite and >= 0, got " + smoothValue);
            }
            this.smoothValue = smoothValue;
            return this;
        }

        /** Leave out n-gram orders the hypotheses do not reach (for sentence-level BLEU). Off by default. */
        public Builder effectiveOrder(boolean effectiveOrder) {
            this.effectiveOrder = effectiveOrder;
            return this;
        }

        public Bleu build() {
            return new Bleu(this);
        }
    }
}
