package org.labo4j.translation.batch;

import java.util.Arrays;
import java.util.List;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.labo4j.translation.tokenize.SpecialTokens;

/**
 * Padded tensors for one training step, all int64, padded with {@link SpecialTokens#PAD} on the right:
 * {@code source [B, S]} is each source followed by eos; {@code targetInput [B, T]} is bos followed by
 * the target (what the decoder reads), {@code targetOutput [B, T]} is the target followed by eos (what
 * it must predict), so a loss with {@code ignoreIndex = PAD} counts every real target token once.
 *
 * @param indices      positions of the pairs in the list they came from, in batch row order
 * @param targetTokens non-padding entries of {@code targetOutput}
 */
public record TranslationBatch(Tensor source, Tensor targetInput, Tensor targetOutput, int[] indices,
        long sourceTokens, long targetTokens) {

    /** This batch on {@code device} (the same tensors where they are already there). */
    public TranslationBatch to(Device device) {
        return new TranslationBatch(source.to(device, ScalarType.Long), targetInput.to(device, ScalarType.Long),
                targetOutput.to(device, ScalarType.Long), indices, sourceTokens, targetTokens);
    }

    /** The pairs {@code indices} of {@code pairs}, in that order. */
    public static TranslationBatch of(List<EncodedPair> pairs, int[] indices) {
        if (indices.length == 0) {
            throw new IllegalArgumentException("a batch needs at least one pair");
        }
        int sourceLength = 0;
        int targetLength = 0;
        for (int i : indices) {
            sourceLength = Math.max(sourceLength, pairs.get(i).source().length + 1);
            targetLength = Math.max(targetLength, pairs.get(i).target().length + 1);
        }
        int rows = indices.length;
        long[] source = new long[rows * sourceLength];
        long[] targetInput = new long[rows * targetLength];
        long[] targetOutput = new long[rows * targetLength];
        Arrays.fill(source, SpecialTokens.PAD);
        Arrays.fill(targetInput, SpecialTokens.PAD);
        Arrays.fill(targetOutput, SpecialTokens.PAD);
        long sourceTokens = 0;
        long targetTokens = 0;
        for (int row = 0; row < rows; row++) {
            EncodedPair pair = pairs.get(indices[row]);
            int s = row * sourceLength;
            for (int j = 0; j < pair.source().length; j++) {
                source[s + j] = pair.source()[j];
            }
            source[s + pair.source().length] = SpecialTokens.EOS;
            int t = row * targetLength;
            targetInput[t] = SpecialTokens.BOS;
            for (int j = 0; j < pair.target().length; j++) {
                targetInput[t + j + 1] = pair.target()[j];
                targetOutput[t + j] = pair.target()[j];
            }
            targetOutput[t + pair.target().length] = SpecialTokens.EOS;
            sourceTokens += pair.source().length + 1;
            targetTokens += pair.target().length + 1;
        }
        return new TranslationBatch(Tensor.create(source, rows, sourceLength),
                Tensor.create(targetInput, rows, targetLength), Tensor.create(targetOutput, rows, targetLength),
                indices.clone(), sourceTokens, targetTokens);
    }

    /** Number of sentence pairs. */
    public int size() {
        return indices.length;
    }

    /** Source ids alone, as a model input for translation: {@code [B, S]}, each followed by eos. */
    public static Tensor sources(List<int[]> sources) {
        int length = 0;
        for (int[] ids : sources) {
            length = Math.max(length, ids.length + 1);
        }
        long[] padded = new long[sources.size() * length];
        Arrays.fill(padded, SpecialTokens.PAD);
        for (int row = 0; row < sources.size(); row++) {
            int[] ids = sources.get(row);
            for (int j = 0; j < ids.length; j++) {
                padded[row * length + j] = ids[j];
            }
            padded[row * length + ids.length] = SpecialTokens.EOS;
        }
        return Tensor.create(padded, sources.size(), length);
    }
}
