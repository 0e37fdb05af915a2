package org.labo4j.translation.model;

import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.LayerNormOptions;
import org.bytedeco.pytorch.LongVector;

/** Layer normalization over the last dimension, hiding the presets' option plumbing. */
final class LayerNorms {
    private LayerNorms() {
    }

    static LayerNormImpl over(long dimension) {
        // Not new LongVector(dimension): that overload makes a vector of that many zeros.
        return new LayerNormImpl(new LayerNormOptions(new LongVector(new long[] {dimension})));
    }
}
