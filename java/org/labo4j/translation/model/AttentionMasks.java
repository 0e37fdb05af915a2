package org.labo4j.translation.model;

import static org.bytedeco.pytorch.global.torch.arange;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;

/**
 * Boolean masks in the convention of {@code scaled_dot_product_attention}: {@code true} where a query
 * may attend to a key, shaped to broadcast against attention scores {@code [B, heads, Tq, Tk]}.
 */
public final class AttentionMasks {
    private AttentionMasks() {
    }

    /** {@code [B, 1, 1, T]}: every non-padding key of each sequence in {@code ids [B, T]}. */
    public static Tensor keyPadding(Tensor ids, long padId) {
        return ids.ne(new Scalar(padId)).view(ids.size(0), 1, 1, ids.size(1));
    }

    /** {@code [1, 1, T, T]} on {@code device}: query {@code q} sees keys {@code 0..q} only. */
    public static Tensor causal(long length, Device device) {
        Tensor positions = arange(new Scalar(length), new TensorOptions(device));
        return positions.unsqueeze(1).ge(positions.unsqueeze(0)).view(1, 1, length, length);
    }

    /** Both masks: the decoder's self-attention over {@code ids [B, T]}. */
    public static Tensor causalWithPadding(Tensor ids, long padId) {
        return causal(ids.size(1), ids.device()).logical_and(keyPadding(ids, padId));
    }
}
