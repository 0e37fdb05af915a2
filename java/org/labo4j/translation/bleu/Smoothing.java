package org.labo4j.translation.bleu;

/**
 * sacreBLEU's smoothing methods for zero n-gram matches (Chen and Cherry, "A Systematic Comparison
 * of Smoothing Techniques for Sentence-Level BLEU", WMT 2014).
 */
public enum Smoothing {
    /** Method 3, the NIST / mteval-v13a smoothing: the k-th zero precision counts as 1 / (2^k total). sacreBLEU's default. */
    EXP("exp", Double.NaN),
    /** Method 1: a zero match count is replaced by a small value (default 0.1). */
    FLOOR("floor", 0.1),
    /** Method 2: k (default 1) is added to matches and totals of every order above 1. */
    ADD_K("add-k", 1.0),
    /** No smoothing: one zero precision makes BLEU 0. */
    NONE("none", Double.NaN);

    private final String cliName;
    private final double defaultValue;

    Smoothing(String cliName, double defaultValue) {
        this.cliName = cliName;
        this.defaultValue = defaultValue;
    }

    /** The name sacreBLEU uses on its command line and in the signature. */
    public String cliName() {
        return cliName;
    }

    /** Whether the method has a parameter (floor, add-k); the signature then shows it. */
    public boolean takesValue() {
        return !Double.isNaN(defaultValue);
    }

    /** sacreBLEU's default parameter; NaN for methods without one. */
    public double defaultValue() {
        return defaultValue;
    }

    public static Smoothing forName(String name) {
        for (Smoothing s : values()) {
            if (s.cliName.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException(
                "unknown BLEU smoothing method '" + name + "' (expected exp, floor, add-k or none)");
    }
}
