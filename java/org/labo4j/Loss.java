package org.labo4j;

import org.bytedeco.pytorch.Tensor;

/**
 * A classification loss on libtorch tensors: logits {@code [N, V]} (or {@code [B, S, V]}) and int64
 * targets {@code [N]} (or {@code [B, S]}) in, a loss tensor connected to autograd out.
 * {@link LabelRegularizer} is labo4j's fused implementation; trainers take this interface so that a
 * libtorch reference loss can be swapped in for comparison.
 */
@FunctionalInterface
public interface Loss {
    Tensor apply(Tensor logits, Tensor targets);
}
