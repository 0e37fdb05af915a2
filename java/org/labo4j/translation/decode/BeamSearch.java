package org.labo4j.translation.decode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import org.bytedeco.pytorch.T_TensorTensor_T;
import org.bytedeco.pytorch.Tensor;
import org.labo4j.translation.tokenize.SpecialTokens;

/**
 * Beam search over several sources at once. For each source, {@code beamSize} hypotheses are
 * extended together; of the best {@code 2 * beamSize} extensions, those ending in eos among the
 * first {@code beamSize} are finished and the best {@code beamSize} others continue. A source's
 * search stops when {@code beamSize} hypotheses have finished or at its length limit, and returns
 * the finished hypothesis (or, failing one, the live one) with the best length-normalized score.
 * Sources that are done leave the batch (their scorer rows are dropped). With {@code beamSize = 1}
 * it is greedy decoding.
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
     * One source.
     *
     * @param scorer    {@code beamSize} rows, all for the same source
     * @param maxLength most tokens per hypothesis, eos included
     */
    public Hypothesis decode(NextTokenScorer scorer, int maxLength) {
        return decode(scorer, new int[] {maxLength}).get(0);
    }

    /**
     * Several sources.
     *
     * @param scorer     {@code beamSize} rows per source, source {@code i} in rows
     *                   {@code i * beamSize .. (i + 1) * beamSize - 1}
     * @param maxLengths per source, most tokens per hypothesis, eos included
     * @return per source, the best hypothesis
     */
    public List<Hypothesis> decode(NextTokenScorer scorer, int[] maxLengths) {
        Hypothesis[] results = new Hypothesis[maxLengths.length];
        List<Search> active = new ArrayList<>();
        for (int i = 0; i < maxLengths.length; i++) {
            Search search = new Search(i, maxLengths[i]);
            if (search.maxLength > 0) {
                active.add(search);
            } else {
                results[i] = search.best();
            }
        }
        if (active.size() < maxLengths.length && !active.isEmpty()) {
            scorer.reorder(rowsOf(active));
        }
        for (int step = 0; !active.isEmpty(); step++) {
            Tensor logProbabilities = scorer.logProbabilities(prefixes(active, step));
            int vocabulary = (int) logProbabilities.size(1);
            double[] scores = new double[active.size() * beamSize];
            for (int a = 0; a < active.size(); a++) {
                System.arraycopy(active.get(a).scores, 0, scores, a * beamSize, beamSize);
            }
            Tensor total = logProbabilities.add(Tensor.create(toFloats(scores), scores.length, 1))
                    .view(active.size(), (long) beamSize * vocabulary);
            int candidates = Math.min(2 * beamSize, beamSize * vocabulary);
            T_TensorTensor_T top = total.topk(candidates);
            float[] values = new float[active.size() * candidates];
            long[] indices = new long[active.size() * candidates];
            top.get0().contiguous().data_ptr_float().get(values);
            top.get1().contiguous().data_ptr_long().get(indices);

            List<Search> continuing = new ArrayList<>();
            List<long[]> parents = new ArrayList<>();
            for (int a = 0; a < active.size(); a++) {
                Search search = active.get(a);
                long[] rows = search.advance(values, indices, a * candidates, candidates, vocabulary, step);
                if (rows == null) {
                    results[search.index] = search.best();
                } else {
                    for (int b = 0; b < beamSize; b++) {
                        rows[b] += (long) a * beamSize;
                    }
                    continuing.add(search);
                    parents.add(rows);
                }
            }
            active = continuing;
            if (!active.isEmpty()) {
                long[] all = new long[active.size() * beamSize];
                for (int a = 0; a < parents.size(); a++) {
                    System.arraycopy(parents.get(a), 0, all, a * beamSize, beamSize);
                }
                scorer.reorder(all);
            }
        }
        return Arrays.asList(results);
    }

    /** The scorer rows of {@code searches} in the initial layout (a source with no room for a token never starts). */
    private long[] rowsOf(List<Search> searches) {
        long[] rows = new long[searches.size() * beamSize];
        for (int a = 0; a < searches.size(); a++) {
            for (int b = 0; b < beamSize; b++) {
                rows[a * beamSize + b] = (long) searches.get(a).index * beamSize + b;
            }
        }
        return rows;
    }

    /** The search of one source: its live hypotheses and the finished ones. */
    private final class Search {
        final int index;
        final int maxLength;
        int[][] beams = new int[beamSize][0];
        final double[] scores = new double[beamSize];
        final List<Hypothesis> finished = new ArrayList<>();

        Search(int index, int maxLength) {
            this.index = index;
            this.maxLength = maxLength;
            // At the start all rows hold the same prefix: only the first may spread, or the beam fills with copies.
            Arrays.fill(scores, 1, beamSize, Double.NEGATIVE_INFINITY);
        }

        /**
         * Takes this source's best extensions ({@code candidates} values and flat beam-major indices
         * from {@code offset}); returns each new beam's parent beam, or null when the search is over.
         */
        long[] advance(float[] values, long[] indices, int offset, int candidates, int vocabulary, int step) {
            int[][] nextBeams = new int[beamSize][];
            double[] nextScores = new double[beamSize];
            long[] parents = new long[beamSize];
            int alive = 0;
            for (int c = 0; c < candidates && alive < beamSize; c++) {
                float value = values[offset + c];
                if (value == Float.NEGATIVE_INFINITY) {
                    break;
                }
                int beam = (int) (indices[offset + c] / vocabulary);
                int token = (int) (indices[offset + c] % vocabulary);
                if (token == SpecialTokens.EOS) {
                    if (c < beamSize) {
                        finished.add(new Hypothesis(beams[beam], value, true));
                    }
                } else {
                    nextBeams[alive] = Arrays.copyOf(beams[beam], beams[beam].length + 1);
                    nextBeams[alive][beams[beam].length] = token;
                    nextScores[alive] = value;
                    parents[alive] = beam;
                    alive++;
                }
            }
            if (alive == 0) {
                return null;
            }
            for (int b = alive; b < beamSize; b++) {
                nextBeams[b] = nextBeams[0];
                nextScores[b] = Double.NEGATIVE_INFINITY;
                parents[b] = parents[0];
            }
            beams = nextBeams;
            System.arraycopy(nextScores, 0, scores, 0, beamSize);
            return step + 1 < maxLength && finished.size() < beamSize ? parents : null;
        }

        /** The finished hypothesis with the best normalized score, or the best live one if none finished. */
        Hypothesis best() {
            List<Hypothesis> candidates = finished;
            if (candidates.isEmpty()) {
                candidates = new ArrayList<>();
                for (int b = 0; b < beamSize; b++) {
                    if (scores[b] > Double.NEGATIVE_INFINITY) {
                        candidates.add(new Hypothesis(beams[b], scores[b], false));
                    }
                }
            }
            return candidates.stream().max(Comparator.comparingDouble(
                    h -> lengthPenalty.normalize(h.logProbability(), Math.max(1, h.scoredLength()))))
                    .orElseThrow();
        }
    }

    private Tensor prefixes(List<Search> searches, int step) {
        int length = step + 1;
        int rows = searches.size() * beamSize;
        long[] ids = new long[rows * length];
        for (int a = 0; a < searches.size(); a++) {
            int[][] beams = searches.get(a).beams;
            for (int b = 0; b < beamSize; b++) {
                int row = a * beamSize + b;
                ids[row * length] = SpecialTokens.BOS;
                for (int j = 0; j < beams[b].length; j++) {
                    ids[row * length + 1 + j] = beams[b][j];
                }
            }
        }
        return Tensor.create(ids, rows, length);
    }

    private static float[] toFloats(double[] values) {
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        return floats;
    }
}
