package org.labo4j.translation.model;

import static org.bytedeco.pytorch.global.torch.dropout;

import java.util.Arrays;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.EmbeddingImpl;
import org.bytedeco.pytorch.EmbeddingOptions;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.labo4j.train.ParameterCount;

/**
 * An encoder-decoder Transformer over token ids: pre-norm blocks with a final layer norm on each
 * side, sinusoidal positions added to embeddings scaled by {@code sqrt(d_model)}, optionally one
 * embedding table for both languages and the output projection tied to the target table.
 *
 * <p>Sources {@code [B, S]} and decoder inputs {@code [B, T]} are int64 ids padded with
 * {@link TransformerConfig#PAD}; padded source positions are never attended to, and target position
 * {@code t} sees target positions {@code 0..t} only. Like the other libtorch modules of labo4j, the
 * parameters live in the native module tree (so {@code parameters()}, {@code save}/{@code load},
 * {@code train}/{@code eval} work as in C++) and the forward pass is Java. Build it outside any
 * {@code PointerScope}: the module keeps Java handles to its position table and embeddings.
 */
public final class TranslationTransformer extends Module {
    private final TransformerConfig config;
    private final EmbeddingImpl sourceEmbedding;
    private final EmbeddingImpl targetEmbedding;
    private final LinearImpl outputProjection;
    /** Containers that name the layers "encoder.0", ...; held so the Java peers live as long as the model. */
    private final Module encoder;
    private final Module decoder;
    private final EncoderLayer[] encoderLayers;
    private final DecoderLayer[] decoderLayers;
    private final LayerNormImpl encoderNorm;
    private final LayerNormImpl decoderNorm;
    private final Tensor positions;
    private final Scalar embeddingScale;

    /** Initial weights come from the global torch generator: seed it for reproducible models. */
    public TranslationTransformer(TransformerConfig config) {
        this.config = config;
        int d = config.modelDimension();
        if (config.shareEmbeddings()) {
            sourceEmbedding = register_module("embedding", embedding(config.sourceVocabulary(), d));
            targetEmbedding = sourceEmbedding;
        } else {
            sourceEmbedding = register_module("source_embedding", embedding(config.sourceVocabulary(), d));
            targetEmbedding = register_module("target_embedding", embedding(config.targetVocabulary(), d));
        }
        encoderLayers = new EncoderLayer[config.encoderLayers()];
        encoder = register_module("encoder", new Module());
        for (int i = 0; i < encoderLayers.length; i++) {
            encoderLayers[i] = encoder.register_module(Integer.toString(i), new EncoderLayer(config));
        }
        encoderNorm = register_module("encoder_norm", LayerNorms.over(d));
        decoderLayers = new DecoderLayer[config.decoderLayers()];
        decoder = register_module("decoder", new Module());
        for (int i = 0; i < decoderLayers.length; i++) {
            decoderLayers[i] = decoder.register_module(Integer.toString(i), new DecoderLayer(config));
        }
        decoderNorm = register_module("decoder_norm", LayerNorms.over(d));
        outputProjection = config.tieOutput() ? null
                : register_module("output_projection", new LinearImpl(d, config.targetVocabulary()));
        positions = register_buffer("positions", SinusoidalPositions.table(config.maxPositions(), d));
        embeddingScale = new Scalar(Math.sqrt(d));
    }

    /**
     * A table initialized as N(0, 1/d) with a zero, never-updated padding row: after scaling by
     * {@code sqrt(d)} the embeddings have unit variance, and as a tied output projection it gives
     * logits of about unit scale at the start.
     */
    @SuppressWarnings("try") // guard held for its scope only
    private static EmbeddingImpl embedding(int vocabulary, int dimension) {
        EmbeddingOptions options = new EmbeddingOptions(vocabulary, dimension);
        options.padding_idx().put(TransformerConfig.PAD);
        EmbeddingImpl table = new EmbeddingImpl(options);
        try (NoGradGuard noGrad = new NoGradGuard()) {
            table.weight().normal_(0, 1 / Math.sqrt(dimension), new GeneratorOptional());
            table.weight().select(0, TransformerConfig.PAD).zero_();
        }
        return table;
    }

    public TransformerConfig config() {
        return config;
    }

    /** Where the weights are (moved with {@code to(device, false)}); inputs are brought there. */
    public Device device() {
        return positions.device();
    }

    /** Logits {@code [B, T, targetVocabulary]} for sources {@code [B, S]} and decoder inputs {@code [B, T]}. */
    public Tensor forward(Tensor source, Tensor targetInput) {
        return decode(targetInput, encode(source));
    }

    /** Runs the encoder on {@code source [B, S]}. */
    public EncodedSource encode(Tensor source) {
        source = onDevice(source);
        Tensor allowed = AttentionMasks.keyPadding(source, TransformerConfig.PAD);
        Tensor x = embed(sourceEmbedding, source);
        for (EncoderLayer layer : encoderLayers) {
            x = layer.forward(x, allowed);
        }
        return new EncodedSource(encoderNorm.forward(x), allowed);
    }

    /** Logits {@code [B, T, targetVocabulary]} for decoder inputs {@code [B, T]} (beginning with bos). */
    public Tensor decode(Tensor targetInput, EncodedSource source) {
        targetInput = onDevice(targetInput);
        Tensor allowed = AttentionMasks.causalWithPadding(targetInput, TransformerConfig.PAD);
        Tensor x = embed(targetEmbedding, targetInput);
        for (DecoderLayer layer : decoderLayers) {
            x = layer.forward(x, allowed, source.memory(), source.allowed());
        }
        x = decoderNorm.forward(x);
        return outputProjection == null ? x.matmul(targetEmbedding.weight().t()) : outputProjection.forward(x);
    }

    /**
     * Starts incremental decoding of {@code source}: the cache holds each decoder layer's keys and
     * values of the encoder output. Eval mode only (no dropout), typically without grad mode.
     */
    public DecoderCache startDecoding(EncodedSource source) {
        DecoderCache.LayerState[] states = new DecoderCache.LayerState[decoderLayers.length];
        for (int i = 0; i < states.length; i++) {
            states[i] = decoderLayers[i].startCache(source.memory());
        }
        return new DecoderCache(states, source.allowed());
    }

    /**
     * Logits {@code [B, targetVocabulary]} of the position after {@code tokens [B]} (int64), the next
     * decoder input of each row; the same as the last position of {@link #decode} over the whole prefix,
     * at the cost of one position. Advances {@code cache}.
     */
    public Tensor decodeNext(Tensor tokens, DecoderCache cache) {
        if (is_training()) {
            throw new IllegalStateException("incremental decoding runs in eval mode");
        }
        if (tokens.dim() != 1 || tokens.size(0) != cache.rows()) {
            throw new IllegalArgumentException("expected " + cache.rows() + " tokens, got shape "
                    + Arrays.toString(tokens.shape()));
        }
        int position = cache.length();
        checkLength(position + 1);
        Tensor x = targetEmbedding.forward(onDevice(tokens).view(-1, 1)).mul(embeddingScale)
                .add(positions.narrow(0, position, 1));
        for (int i = 0; i < decoderLayers.length; i++) {
            x = decoderLayers[i].step(x, cache.layer(i), cache.sourceAllowed());
        }
        cache.advance();
        x = decoderNorm.forward(x.squeeze(1));
        return outputProjection == null ? x.matmul(targetEmbedding.weight().t()) : outputProjection.forward(x);
    }

    /** Token ids or row indices as int64 on the model's device (the same tensor where they are already there). */
    public Tensor onDevice(Tensor ids) {
        return ids.to(device(), ScalarType.Long);
    }

    private Tensor embed(EmbeddingImpl table, Tensor ids) {
        long length = ids.size(1);
        checkLength(length);
        Tensor x = table.forward(ids).mul(embeddingScale).add(positions.narrow(0, 0, length));
        return dropout(x, config.dropout(), is_training());
    }

    private void checkLength(long length) {
        if (length > config.maxPositions()) {
            throw new IllegalArgumentException("sequence of " + length + " tokens exceeds maxPositions = "
                    + config.maxPositions());
        }
    }

    /** Number of trainable scalars (a shared table counted once). */
    public long parameterCount() {
        return ParameterCount.of(this);
    }
}
