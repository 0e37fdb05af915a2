package org.labo4j.translation.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.labo4j.translation.tokenize.SpecialTokens;

/**
 * Decoders on a hand-made model over tokens a (4) and b (5) where greedy decoding is trapped: "a" is
 * the better first token, but after "a" nothing is likely, while "b" is almost surely followed by eos.
 */
class BeamSearchTest {
    private static final int A = 4;
    private static final int B = 5;

    /** Probabilities of eos, a, b given the last token. */
    private static double[] next(long last) {
        if (last == SpecialTokens.BOS) {
            return new double[] {0, 0.6, 0.4};
        }
        return last == A ? new double[] {0.3, 0.36, 0.34} : new double[] {0.9, 0.05, 0.05};
    }

    private static final NextTokenScorer TRAP = prefixes -> {
        int rows = (int) prefixes.size(0);
        int length = (int) prefixes.size(1);
        long[] ids = new long[rows * length];
        prefixes.contiguous().data_ptr_long().get(ids);
        float[] logProbabilities = new float[rows * 6];
        for (int r = 0; r < rows; r++) {
            double[] p = next(ids[r * length + length - 1]);
            for (int v = 0; v < 6; v++) {
                double probability = v == SpecialTokens.EOS ? p[0] : v == A ? p[1] : v == B ? p[2] : 0;
                logProbabilities[r * 6 + v] = (float) Math.log(probability);
            }
        }
        return Tensor.create(logProbabilities, rows, 6);
    };

    @Test
    void beamSearchEscapesTheGreedyTrap() {
        Hypothesis best = new BeamSearch(2, LengthPenalty.none()).decode(TRAP, 10);
        assertArrayEquals(new int[] {B}, best.tokens());
        assertTrue(best.finished());
        assertEquals(Math.log(0.4 * 0.9), best.logProbability(), 1e-6);
    }

    @Test
    void beamOfOneIsGreedy() {
        int[] greedy = GreedyDecoder.decode(TRAP, 1, 6).get(0);
        assertArrayEquals(new int[] {A, A, A, A, A, A}, greedy);
        Hypothesis one = new BeamSearch(1, LengthPenalty.none()).decode(TRAP, 6);
        assertArrayEquals(greedy, one.tokens());
        assertFalse(one.finished(), "stopped by the length limit");
    }

    @Test
    void greedyDecodingStopsEachRowAtItsOwnEos() {
        // Row 0 starts with a (trapped), row 1 is forced to b then ends.
        NextTokenScorer twoRows = prefixes -> {
            Tensor scores = TRAP.logProbabilities(prefixes);
            if (prefixes.size(1) == 1) {
                float[] values = new float[12];
                scores.contiguous().data_ptr_float().get(values);
                values[6 + A] = (float) Math.log(0.1);
                return Tensor.create(values, 2, 6);
            }
            return scores;
        };
        List<int[]> out = GreedyDecoder.decode(twoRows, 2, 4);
        assertArrayEquals(new int[] {A, A, A, A}, out.get(0));
        assertArrayEquals(new int[] {B}, out.get(1));
    }

    @Test
    void lengthPenaltiesFavourLongerOutputsAsDocumented() {
        assertEquals(-6.0, LengthPenalty.none().normalize(-6, 3));
        assertEquals(-2.0, LengthPenalty.average().normalize(-6, 3));
        assertEquals(-6.0 / Math.pow(8.0 / 6.0, 0.6), LengthPenalty.gnmt(0.6).normalize(-6, 3), 1e-12);
        assertEquals(-6.0, LengthPenalty.gnmt(0).normalize(-6, 3), 1e-12);
    }
}
