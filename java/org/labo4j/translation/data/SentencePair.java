package org.labo4j.translation.data;

import java.util.Objects;

/** A source sentence and its translation. */
public record SentencePair(String source, String target) {
    public SentencePair {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
    }
}
