package org.labo4j;

import org.bytedeco.pytorch.Tensor;

/**
 * What one fused call produced, without autograd.
 *
 * @param loss        a float32 scalar (MEAN, SUM) or per-row losses shaped like the targets (NONE)
 * @param grad        d loss / d logits in the logits' dtype and shape, or {@code null} if not asked for
 * @param temperature per-row T (float32, shaped like the targets): +inf for label smoothing, NaN for
 *                    cross-entropy and ignored rows; {@code null} if diagnostics were not asked for
 * @param entropy     per-row H(r) in nats, or {@code null}
 * @param pTarget     per-row softmax probability of the target, or {@code null}
 */
public record LossOutput(Tensor loss, Tensor grad, Tensor temperature, Tensor entropy, Tensor pTarget) {

    /** The loss as a double (a MEAN or SUM reduction). */
    public double lossValue() {
        return loss.item_double();
    }
}
