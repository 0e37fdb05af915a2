package org.labo4j.translation.decode;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.labo4j.train.TrainingDevice;
import org.labo4j.translation.model.DecoderCache;
import org.labo4j.translation.model.EncodedSource;
import org.labo4j.translation.model.TranslationTransformer;
import org.labo4j.translation.tokenize.SpecialTokens;

/**
 * A {@link TranslationTransformer} as a {@link NextTokenScorer}: the sources are encoded once, and
 * each call runs the decoder for the newest token only, over a key-value cache of the earlier ones
 * (the whole-prefix decoder gives the same log-probabilities at quadratic cost). Padding, bos and
 * unk are never proposed: the training targets never hold them (byte fallback leaves no unknown
 * tokens). Call without grad mode, in eval mode.
 */
public final class TransformerScorer implements NextTokenScorer {
    private static final long[] NEVER_GENERATED = {SpecialTokens.PAD, SpecialTokens.BOS, SpecialTokens.UNK};

    private final TranslationTransformer model;
    private final DecoderCache cache;
    private final Tensor neverGenerated;
    private final Scalar minusInfinity = new Scalar(Double.NEGATIVE_INFINITY);
    private final Device host = TrainingDevice.CPU.device();

    private TransformerScorer(TranslationTransformer model, EncodedSource source) {
        this.model = model;
        this.cache = model.startDecoding(source);
        this.neverGenerated = model.onDevice(Tensor.create(NEVER_GENERATED, NEVER_GENERATED.length));
    }

    /** One row per source of {@code sources [B, S]}. */
    public static TransformerScorer forSources(TranslationTransformer model, Tensor sources) {
        return new TransformerScorer(model, model.encode(sources));
    }

    /**
     * {@code beamSize} rows per source of {@code sources [B, S]}, source {@code i} in rows
     * {@code i * beamSize ..}: the beams of a {@link BeamSearch}.
     */
    public static TransformerScorer forBeams(TranslationTransformer model, Tensor sources, int beamSize) {
        long count = sources.size(0);
        long[] rows = new long[(int) (count * beamSize)];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i / beamSize;
        }
        return new TransformerScorer(model,
                model.encode(sources).select(model.onDevice(Tensor.create(rows, rows.length))));
    }

    @Override
    public Tensor logProbabilities(Tensor prefixes) {
        long length = prefixes.size(1);
        if (length != cache.length() + 1) {
            throw new IllegalStateException("expected prefixes of " + (cache.length() + 1) + " tokens, got "
                    + length + ": decoders extend the prefixes by one token per call");
        }
        Tensor logits = model.decodeNext(prefixes.select(1, length - 1).contiguous(), cache);
        // The decoders read the scores on the host.
        return logits.log_softmax(1).index_fill_(1, neverGenerated, minusInfinity).to(host, ScalarType.Float);
    }

    @Override
    public void reorder(long[] parents) {
        cache.reorder(parents);
    }
}
