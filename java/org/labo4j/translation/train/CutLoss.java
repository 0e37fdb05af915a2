package org.labo4j.translation.train;

import org.bytedeco.pytorch.Tensor;
import org.labo4j.Loss;

/**
 * The trainer's loss path, with the autograd graph cut at the logits: the loss runs on a detached leaf
 * copy of the logits, and its backward gives {@code dL/dlogits}, which the trainer then pushes through
 * the model. The gradients are those of one backward call, and the loss's own forward and backward
 * time is measured apart from the model's. Padding is masked by the loss itself, through its
 * {@code ignore_index}: padded rows get a zero gradient and do not count in the mean.
 */
public final class CutLoss {
    private final Loss loss;

    /**
     * @param value the loss, a mean over the target tokens that are not padding
     * @param logitsGradient {@code dL/dlogits}, shaped like the logits
     * @param nanos wall time of the loss's forward and backward
     */
    public record Result(double value, Tensor logitsGradient, long nanos) {
    }

    public CutLoss(Loss loss) {
        this.loss = loss;
    }

    public Loss loss() {
        return loss;
    }

    /** The loss of {@code logits [B, T, V]} against {@code targets [B, T]}, and its gradient for the logits. */
    public Result apply(Tensor logits, Tensor targets) {
        Tensor leaf = logits.detach().requires_grad_(true);
        long start = System.nanoTime();
        Tensor value = loss.apply(leaf, targets);
        value.backward();
        double scalar = value.item_double();
        long end = System.nanoTime();
        Tensor gradient = leaf.grad();
        if (!gradient.defined()) {
            throw new IllegalStateException("loss " + loss + " gave no gradient for the logits: Loss.apply"
                    + " must return a tensor connected to autograd");
        }
        return new Result(scalar, gradient, end - start);
    }

    @Override
    public String toString() {
        return loss.toString();
    }
}
