package org.labo4j.translation.decode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import org.bytedeco.pytorch.T_TensorTensor_T;
import org.bytedeco.pytorch.Tensor;
import org.labo4j.translation.tokenize.SpecialTokens;

/**
 * Beam search for one source: {@code beamSize} hypotheses are extended together; of the best
 * {@code 2 * beamSize} extensions, those ending in eos among the first {@code beamSize} are finished
 * and the best {@code beamSize} others continue. The search stops when {@code beamSize} hypotheses
 * have finished or at the length limit, and returns the finished hypothesis (or, failing one, the
 * live one) with the best length-normalized score. With {@code beamSize = 1} it is greedy decoding.
 */
public final class BeamSearch {
    private final int beamSize;
    private final LengthPenalty lengthPenalty;

    public BeamSearch(int beamSize, LengthPenalty lengthPenalty) {
        if (beamSize < 1) {
            throw new IllegalArgumentException("beam size must be >= 1, got " + beamSize);
        }
        this.beamSize = beamSize;
        this.lengthPenalty = lengthPenalty;
    }

    public int beamSize() {
        return beamSize;
    }

    /**
     * @param scorer    {@code beamSize} rows, all for the same source
     * @param maxLength most tokens per hypothesis, eos included
     */
    public Hypothesis decode(NextTokenScorer scorer, int maxLength) {
        int[][] beams = new int[beamSize][0];
        double[] scores = new double[beamSize];
        // At the start all rows hold the same prefix: only the first may spread, or the beam fills with copies.
        Arrays.fill(scores, 1, beamSize, Double.NEGATIVE_INFINITY);
        List<Hypothesis> finished = new ArrayList<>();
        for (int step = 0; step < maxLength && finished.size() < beamSize; step++) {
            Tensor logProbabilities = scorer.logProbabilities(prefixes(beams));
            int vocabulary = (int) logProbabilities.size(1);
            Tensor total = logProbabilities.add(Tensor.create(toFloats(scores), beamSize, 1)).view(-1);
            int candidates = Math.min(2 * beamSize, beamSize * vocabulary);
            T_TensorTensor_T top = total.topk(candidates);
            float[] values = new float[candidates];
            long[] indices = new long[candidates];
            top.get0().contiguous().data_ptr_float().get(values);
            top.get1().contiguous().data_ptr_long().get(indices);
            int[][] nextBeams = new int[beamSize][];
            double[] nextScores = new double[beamSize];
            long[] parents = new long[beamSize];
            int alive = 0;
            for (int c = 0; c < candidates && alive < beamSize; c++) {
                if (values[c] == Float.NEGATIVE_INFINITY) {
                    break;
                }
                int beam = (int) (indices[c] / vocabulary);
                int token = (int) (indices[c] % vocabulary);
                if (token == SpecialTokens.EOS) {
                    if (c < beamSize) {
                        finished.add(new Hypothesis(beams[beam], values[c], true));
                    }
                } else {
                    nextBeams[alive] = Arrays.copyOf(beams[beam], beams[beam].length + 1);
                    nextBeams[alive][beams[beam].length] = token;
                    nextScores[alive] = values[c];
                    parents[alive] = beam;
                    alive++;
                }
            }
            if (alive == 0) {
                break;
            }
            for (int b = alive; b < beamSize; b++) {
                nextBeams[b] = nextBeams[0];
                nextScores[b] = Double.NEGATIVE_INFINITY;
                parents[b] = parents[0];
            }
            beams = nextBeams;
            scores = nextScores;
            scorer.reorder(parents);
        }
        if (finished.isEmpty()) {
            for (int b = 0; b < beamSize; b++) {
                if (scores[b] > Double.NEGATIVE_INFINITY) {
                    finished.add(new Hypothesis(beams[b], scores[b], false));
                }
            }
        }
        return finished.stream().max(Comparator.comparingDouble(
                h -> lengthPenalty.normalize(h.logProbability(), Math.max(1, h.scoredLength())))).orElseThrow();
    }

    private static Tensor prefixes(int[][] beams) {
        int length = beams[0].length + 1;
        long[] ids = new long[beams.length * length];
        for (int b = 0; b < beams.length; b++) {
            ids[b * length] = SpecialTokens.BOS;
            for (int j = 0; j < beams[b].length; j++) {
                ids[b * length + 1 + j] = beams[b][j];
            }
        }
        return Tensor.create(ids, beams.length, length);
    }

    private static float[] toFloats(double[] values) {
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        return floats;
    }
}
