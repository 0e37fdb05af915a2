package org.labo4j.translation.model;

import static org.bytedeco.pytorch.global.torch.dropout;

import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * Pre-norm decoder block: masked self-attention, attention over the encoder output, feed-forward,
 * each as {@code x + Sublayer(LN(x))}.
 */
final class DecoderLayer extends Module {
    private final LayerNormImpl selfAttentionNorm;
    private final MultiHeadAttention selfAttention;
    private final LayerNormImpl crossAttentionNorm;
    private final MultiHeadAttention crossAttention;
    private final LayerNormImpl feedForwardNorm;
    private final FeedForward feedForward;
    private final double dropout;

    DecoderLayer(TransformerConfig config) {
        dropout = config.dropout();
        int d = config.modelDimension();
        selfAttentionNorm = register_module("self_attention_norm", LayerNorms.over(d));
        selfAttention = register_module("self_attention", new MultiHeadAttention(d, config.heads(), dropout));
        crossAttentionNorm = register_module("cross_attention_norm", LayerNorms.over(d));
        crossAttention = register_module("cross_attention", new MultiHeadAttention(d, config.heads(), dropout));
        feedForwardNorm = register_module("feed_forward_norm", LayerNorms.over(d));
        feedForward = register_module("feed_forward", new FeedForward(d, config.feedForward(), dropout));
    }

    /**
     * @param targetAllowed causal and key-padding mask of the target {@code [B, 1, T, T]}
     * @param memory        the encoder output {@code [B, S, D]}
     * @param sourceAllowed the source key-padding mask {@code [B, 1, 1, S]}
     */
    Tensor forward(Tensor x, Tensor targetAllowed, Tensor memory, Tensor sourceAllowed) {
        Tensor normed = selfAttentionNorm.forward(x);
        x = x.add(dropout(selfAttention.forward(normed, normed, targetAllowed), dropout, is_training()));
        Tensor attended = crossAttention.forward(crossAttentionNorm.forward(x), memory, sourceAllowed);
        x = x.add(dropout(attended, dropout, is_training()));
        return x.add(dropout(feedForward.forward(feedForwardNorm.forward(x)), dropout, is_training()));
    }

    /** The per-layer cache of incremental decoding, holding the encoder output's keys and values. */
    DecoderCache.LayerState startCache(Tensor memory) {
        return new DecoderCache.LayerState(crossAttention.keys(memory), crossAttention.values(memory));
    }

    /**
     * One decoding step in eval mode: {@code x [B, 1, D]} is the newest position, which attends to
     * itself and the positions in {@code state} (to which it is appended). Equal to the last position
     * of {@link #forward} over the whole prefix.
     */
    Tensor step(Tensor x, DecoderCache.LayerState state, Tensor sourceAllowed) {
        Tensor normed = selfAttentionNorm.forward(x);
        state.append(selfAttention.keys(normed), selfAttention.values(normed));
        x = x.add(selfAttention.attend(normed, state.selfKeys(), state.selfValues(), null));
        x = x.add(crossAttention.attend(crossAttentionNorm.forward(x), state.crossKeys(), state.crossValues(),
                sourceAllowed));
        return x.add(feedForward.forward(feedForwardNorm.forward(x)));
    }
}
