package org.labo4j;

/** How per-row losses are combined. Ignored rows never count. */
public enum Reduction {
    /** One loss per row, shaped like the targets. */
    NONE,
    /** Mean over rows whose target is not {@code ignoreIndex}; 0 (not NaN) when there are none. */
    MEAN,
    /** Sum over rows. */
    SUM
}
