package org.labo4j.translation.model;

import org.bytedeco.pytorch.Tensor;

/**
 * The fixed position encodings of Vaswani et al. (2017): {@code PE[p, 2i] = sin(p / 10000^(2i/d))},
 * {@code PE[p, 2i+1] = cos(p / 10000^(2i/d))}.
 */
final class SinusoidalPositions {
    private SinusoidalPositions() {
    }

    /** A {@code [maxPositions, dimension]} float table. */
    static Tensor table(int maxPositions, int dimension) {
        float[] values = new float[maxPositions * dimension];
        for (int p = 0; p < maxPositions; p++) {
            for (int i = 0; i < dimension; i += 2) {
                double angle = p / Math.pow(10000.0, (double) i / dimension);
                values[p * dimension + i] = (float) Math.sin(angle);
                values[p * dimension + i + 1] = (float) Math.cos(angle);
            }
        }
        return Tensor.create(values, maxPositions, dimension);
    }
}
