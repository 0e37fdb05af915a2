package org.labo4j.translation.decode;

import static org.bytedeco.pytorch.global.torch.cat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.labo4j.translation.tokenize.SpecialTokens;

/** Picks the most probable next token for every row until each has produced eos or hit the length limit. */
public final class GreedyDecoder {
    private GreedyDecoder() {
    }

    /**
     * @param rows      the scorer's number of rows
     * @param maxLength most tokens per row, eos included
     * @return per row, the generated ids without bos and eos
     */
    public static List<int[]> decode(NextTokenScorer scorer, int rows, int maxLength) {
        long[] start = new long[rows];
        Arrays.fill(start, SpecialTokens.BOS);
        Tensor prefixes = Tensor.create(start, rows, 1);
        List<List<Integer>> outputs = new ArrayList<>();
        boolean[] finished = new boolean[rows];
        for (int r = 0; r < rows; r++) {
            outputs.add(new ArrayList<>());
        }
        int unfinished = rows;
        long[] next = new long[rows];
        for (int step = 0; step < maxLength && unfinished > 0; step++) {
            Tensor best = scorer.logProbabilities(prefixes).argmax(new LongOptional(1), false).contiguous();
            best.data_ptr_long().get(next);
            for (int r = 0; r < rows; r++) {
                if (finished[r]) {
                    next[r] = SpecialTokens.PAD; // keeps the row's shape; its output is ignored
                } else if (next[r] == SpecialTokens.EOS) {
                    finished[r] = true;
                    unfinished--;
                } else {
                    outputs.get(r).add((int) next[r]);
                }
            }
            prefixes = cat(new TensorVector(prefixes, Tensor.create(next, rows, 1)), 1);
        }
        List<int[]> ids = new ArrayList<>(rows);
        for (List<Integer> output : outputs) {
            ids.add(output.stream().mapToInt(Integer::intValue).toArray());
        }
        return ids;
    }
}
