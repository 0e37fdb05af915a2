package org.labo4j.translation.model;

import static org.bytedeco.pytorch.global.torch.scaled_dot_product_attention;

import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;

/** Multi-head scaled dot-product attention with separate query, key, value and output projections. */
final class MultiHeadAttention extends Module {
    private final LinearImpl query;
    private final LinearImpl key;
    private final LinearImpl value;
    private final LinearImpl output;
    private final int heads;
    private final double dropout;

    MultiHeadAttention(int dimension, int heads, double dropout) {
        this.heads = heads;
        this.dropout = dropout;
        query = register_module("query", new LinearImpl(dimension, dimension));
        key = register_module("key", new LinearImpl(dimension, dimension));
        value = register_module("value", new LinearImpl(dimension, dimension));
        output = register_module("output", new LinearImpl(dimension, dimension));
    }

    /**
     * @param queries [B, Tq, D]
     * @param memory  [B, Tk, D]: the keys and values (the queries themselves for self-attention)
     * @param allowed boolean, broadcastable to [B, heads, Tq, Tk] (see {@link AttentionMasks}); each
     *                query must be allowed at least one key
     * @return [B, Tq, D]
     */
    Tensor forward(Tensor queries, Tensor memory, Tensor allowed) {
        return attend(queries, keys(memory), values(memory), allowed);
    }

    /** The keys of {@code memory [B, Tk, D]}, split into heads: [B, heads, Tk, D / heads]. */
    Tensor keys(Tensor memory) {
        return splitHeads(key.forward(memory));
    }

    /** The values of {@code memory [B, Tk, D]}, split into heads: [B, heads, Tk, D / heads]. */
    Tensor values(Tensor memory) {
        return splitHeads(value.forward(memory));
    }

    /**
     * Attention of {@code queries [B, Tq, D]} over keys and values already split into heads (from
     * {@link #keys} and {@link #values}, possibly cached across decoding steps).
     *
     * @param allowed as in {@link #forward}, or null when every query may see every key
     */
    Tensor attend(Tensor queries, Tensor keys, Tensor values, Tensor allowed) {
        long batch = queries.size(0);
        long queryLength = queries.size(1);
        Tensor q = splitHeads(query.forward(queries));
        TensorOptional mask = allowed == null ? new TensorOptional() : new TensorOptional(allowed);
        Tensor attended = scaled_dot_product_attention(q, keys, values, mask,
                is_training() ? dropout : 0.0, false, new DoubleOptional(), false);
        return output.forward(attended.transpose(1, 2).reshape(batch, queryLength, -1));
    }

    /** [B, T, D] to [B, heads, T, D / heads]. */
    private Tensor splitHeads(Tensor x) {
        return x.view(x.size(0), x.size(1), heads, x.size(2) / heads).transpose(1, 2);
    }
}
