package org.labo4j.translation.bleu;

/**
 * sacreBLEU 2.x's reproducibility signature for BLEU, e.g.
 * {@code nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0}.
 *
 * @param nrefs     references per segment, or {@code var} when segments have different numbers
 * @param lowercase whether case was folded ({@code case:lc}) or not ({@code case:mixed})
 * @param effectiveOrder whether orders without any hypothesis n-gram were left out
 * @param tokenizer the tokenizer's signature name
 * @param smoothing the smoothing method, with its value in brackets where it has one ({@code floor[0.10]})
 * @param version   the sacreBLEU version whose scores these are
 */
public record BleuSignature(String nrefs, boolean lowercase, boolean effectiveOrder, String tokenizer,
                            String smoothing, String version) {

    public String format() {
        return "nrefs:" + nrefs
                + "|case:" + (lowercase ? "lc" : "mixed")
                + "|eff:" + (effectiveOrder ? "yes" : "no")
                + "|tok:" + tokenizer
                + "|smooth:" + smoothing
                + "|version:" + version;
    }

    @Override
    public String toString() {
        return format();
    }
}
