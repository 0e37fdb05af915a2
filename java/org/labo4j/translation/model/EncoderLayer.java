package org.labo4j.translation.model;

import static org.bytedeco.pytorch.global.torch.dropout;

import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/** Pre-norm encoder block: {@code x + SelfAttention(LN(x))}, then {@code x + FeedForward(LN(x))}. */
final class EncoderLayer extends Module {
    private final LayerNormImpl attentionNorm;
    private final MultiHeadAttention selfAttention;
    private final LayerNormImpl feedForwardNorm;
    private final FeedForward feedForward;
    private final double dropout;

    EncoderLayer(TransformerConfig config) {
        dropout = config.dropout();
        attentionNorm = register_module("attention_norm", LayerNorms.over(config.modelDimension()));
        selfAttention = register_module("self_attention",
                new MultiHeadAttention(config.modelDimension(), config.heads(), config.dropout()));
        feedForwardNorm = register_module("feed_forward_norm", LayerNorms.over(config.modelDimension()));
        feedForward = register_module("feed_forward",
                new FeedForward(config.modelDimension(), config.feedForward(), config.dropout()));
    }

    /** @param sourceAllowed the source key-padding mask {@code [B, 1, 1, S]} */
    Tensor forward(Tensor x, Tensor sourceAllowed) {
        Tensor normed = attentionNorm.forward(x);
        x = x.add(dropout(selfAttention.forward(normed, normed, sourceAllowed), dropout, is_training()));
        return x.add(dropout(feedForward.forward(feedForwardNorm.forward(x)), dropout, is_training()));
    }
}
